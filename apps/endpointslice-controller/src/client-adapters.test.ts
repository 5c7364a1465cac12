import type { Pod, Service } from '@svclab/api';
import { newLister, newSharedIndexInformer } from '@svclab/client';
import { FakeListerWatcher } from '@svclab/client/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { labelIndexedListerFrom, selectorIndexedListerFrom } from './client-adapters.js';
import { makePod, makeService } from './testing-fixtures.js';

const running: AbortController[] = [];
afterEach(() => {
  for (const ac of running.splice(0)) ac.abort();
});

function names(pods: readonly Pod[]): string[] {
  return pods.map((p) => p.metadata.name ?? '').sort();
}

describe('labelIndexedListerFrom', () => {
  it('selects by the smallest label bucket and stays current with the cache', async () => {
    const pod = (ns: string, name: string, labels: Record<string, string>): Pod => {
      const p = makePod({ name, namespace: ns });
      return { ...p, metadata: { ...p.metadata, labels } };
    };
    const lw = new FakeListerWatcher<Pod>([
      pod('a', 'web-1', { app: 'web', tier: 'fe' }),
      pod('a', 'web-2', { app: 'web', tier: 'be' }),
      pod('a', 'db-1', { app: 'db', tier: 'be' }),
      pod('b', 'web-9', { app: 'web', tier: 'fe' }),
    ]);
    const informer = newSharedIndexInformer<Pod>(lw, { name: 'pods' });
    const lister = labelIndexedListerFrom(
      informer,
      newLister<Pod>(informer.getIndexer(), { group: '', resource: 'pods' }),
    );
    const ac = new AbortController();
    running.push(ac);
    void informer.run(ac.signal);
    while (!informer.hasSynced()) await new Promise((r) => setTimeout(r, 5));

    // Candidates come from one label's bucket; the caller still matches the whole selector.
    expect(names(lister.select?.('a', { app: 'web', tier: 'fe' }) ?? [])).toContain('web-1');
    expect(names(lister.select?.('a', { app: 'web', tier: 'fe' }) ?? [])).not.toContain('web-9');
    expect(lister.select?.('a', { app: 'nothing' })).toEqual([]);
    expect(names(lister.select?.('a', {}) ?? [])).toEqual(['db-1', 'web-1', 'web-2']);

    lw.add(pod('a', 'web-3', { app: 'web', tier: 'fe' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(names(lister.select?.('a', { tier: 'fe' }) ?? [])).toEqual(['web-1', 'web-3']);
  });
});

describe('selectorIndexedListerFrom', () => {
  it('returns each Service that may select the labels once, and stays current with the cache', async () => {
    const svc = (
      ns: string,
      name: string,
      selector: Record<string, string> | undefined,
    ): Service => {
      const s = makeService({ name, namespace: ns });
      return { ...s, spec: { ...s.spec, selector } };
    };
    const lw = new FakeListerWatcher<Service>([
      svc('a', 'web', { app: 'web' }),
      svc('a', 'web-fe', { app: 'web', tier: 'fe' }),
      svc('a', 'all', {}),
      svc('a', 'manual', undefined),
      svc('b', 'web', { app: 'web' }),
    ]);
    const informer = newSharedIndexInformer<Service>(lw, { name: 'services' });
    const lister = selectorIndexedListerFrom(
      informer,
      newLister<Service>(informer.getIndexer(), { group: '', resource: 'services' }),
    );
    const ac = new AbortController();
    running.push(ac);
    void informer.run(ac.signal);
    while (!informer.hasSynced()) await new Promise((r) => setTimeout(r, 5));
    const got = (labels: Record<string, string>): string[] =>
      (lister.selecting?.('a', labels) ?? []).map((s) => s.metadata.name ?? '').sort();

    // A superset: the caller still matches each selector (web-fe is a candidate for app=web).
    expect(got({ app: 'web', tier: 'fe' })).toEqual(['all', 'web', 'web-fe']);
    expect(got({ app: 'web' })).toEqual(['all', 'web', 'web-fe']);
    expect(got({ tier: 'fe' })).toEqual(['all']);
    expect(got({})).toEqual(['all']);

    lw.modify(svc('a', 'web', { app: 'db' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(got({ app: 'web' })).toEqual(['all', 'web-fe']);
    expect(got({ app: 'db' })).toEqual(['all', 'web']);
  });
});
