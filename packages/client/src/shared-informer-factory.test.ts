import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject, ResourceName, Service } from '@svclab/api';
import { SharedInformerFactory } from './shared-informer-factory.js';
import { FakeListerWatcher } from './testing/fake-lister-watcher.js';

const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

describe('SharedInformerFactory', () => {
  it('one informer per resource, started and synced together (empty lists too)', async () => {
    const sources = new Map<ResourceName, FakeListerWatcher<KubeObject>>([
      [
        'services',
        new FakeListerWatcher<KubeObject>([
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { namespace: 'ns', name: 'web' },
          } satisfies Service,
        ]),
      ],
      ['endpointslices', new FakeListerWatcher<KubeObject>([])],
    ]);
    const f = new SharedInformerFactory({
      newListerWatcher: (r) => {
        const lw = sources.get(r);
        if (lw === undefined) throw new Error(`no source for ${r}`);
        return lw;
      },
    });
    expect(f.informerFor('services')).toBe(f.informerFor('services'));
    const services = f.lister('services');
    const slicesInformer = f.informerFor('endpointslices');
    const reg = slicesInformer.addEventHandler({});
    const ac = new AbortController();
    aborts.push(ac);
    f.start(ac.signal);
    f.start(ac.signal);
    expect(await f.waitForCacheSync(ac.signal)).toEqual({ services: true, endpointslices: true });
    expect(reg.hasSynced()).toBe(true);
    expect(services.namespace('ns').get('web').metadata.name).toBe('web');
    expect(sources.get('services')?.listCalls).toBe(1);
    ac.abort();
    await f.shutdown();
    expect(slicesInformer.isStopped()).toBe(true);
  });

  it('waitForCacheSync reports false when stopped before sync', async () => {
    const never = {
      list: () => new Promise<never>(() => undefined),
      watch: () =>
        new FakeListerWatcher<KubeObject>().watch({
          resourceVersion: '0',
          signal: new AbortController().signal,
        }),
    };
    const f = new SharedInformerFactory({ newListerWatcher: () => never });
    f.informerFor('pods');
    const ac = new AbortController();
    aborts.push(ac);
    f.start(ac.signal);
    const res = f.waitForCacheSync(ac.signal);
    await vi.waitFor(() => {
      expect(f.informerFor('pods').hasSynced()).toBe(false);
    });
    ac.abort();
    expect(await res).toEqual({ pods: false });
    await f.shutdown();
  });
});
