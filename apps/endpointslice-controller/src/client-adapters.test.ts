import type { Pod } from '@svclab/api';
import { newLister, newSharedIndexInformer } from '@svclab/client';
import { FakeListerWatcher } from '@svclab/client/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { labelIndexedListerFrom } from './client-adapters.js';
import { makePod } from './testing-fixtures.js';

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
