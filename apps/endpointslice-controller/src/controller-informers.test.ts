// Component test: the controller on the real @svclab/client informers, listers and rate-limited
// queue, fed by FakeListerWatchers; the writers store into the EndpointSlice/Endpoints sources so
// our own writes come back as watch events. Covers lost watch events, relist (410) and tombstones.
import type { EndpointSlice, Endpoints, KubeObject, Node, Pod, Service } from '@svclab/api';
import { newAlreadyExists, newNotFound } from '@svclab/apimachinery';
import { newLister, newRateLimitingQueue, newSharedIndexInformer } from '@svclab/client';
import { FakeListerWatcher } from '@svclab/client/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheListerFrom, labelIndexedListerFrom } from './client-adapters.js';
import { Controller } from './controller.js';
import type { EndpointSliceWriter, EndpointsWriter } from './endpoint-slice-writer.js';
import { makeNode, makePod, makePods, makeService } from './testing-fixtures.js';

/** A writer that behaves like the apiserver over a FakeListerWatcher (the "storage"). */
function lwWriter<T extends KubeObject>(
  lw: FakeListerWatcher<T>,
  resource: string,
): {
  create(o: T): Promise<T>;
  update(o: T): Promise<T>;
  delete(ns: string, name: string): Promise<void>;
} {
  let seq = 0;
  const gr = { group: '', resource };
  const find = async (ns: string, name: string): Promise<T | undefined> =>
    (await lw.list()).items.find(
      (o) => (o.metadata.namespace ?? '') === ns && o.metadata.name === name,
    );
  return {
    create: async (o) => {
      const obj = structuredClone(o);
      if ((obj.metadata.name ?? '') === '')
        obj.metadata.name = `${obj.metadata.generateName ?? ''}${String(++seq).padStart(5, '0')}`;
      if ((await find(obj.metadata.namespace ?? '', obj.metadata.name ?? '')) !== undefined)
        throw newAlreadyExists(gr, obj.metadata.name ?? '');
      obj.metadata.uid = `uid-${obj.metadata.name ?? ''}`;
      obj.metadata.generation = 1;
      return lw.add(obj);
    },
    update: async (o) => {
      const cur = await find(o.metadata.namespace ?? '', o.metadata.name ?? '');
      if (cur === undefined) throw newNotFound(gr, o.metadata.name ?? '');
      const obj = structuredClone(o);
      obj.metadata.uid = cur.metadata.uid ?? '';
      obj.metadata.generation = (cur.metadata.generation ?? 1) + 1;
      return lw.modify(obj);
    },
    delete: async (ns, name) => {
      const cur = await find(ns, name);
      if (cur === undefined) throw newNotFound(gr, name);
      lw.delete(cur);
    },
  };
}

const running: AbortController[] = [];
afterEach(() => {
  for (const ac of running.splice(0)) ac.abort();
});

function start(init: { services?: Service[]; pods?: Pod[]; nodes?: Node[] }) {
  const lws = {
    services: new FakeListerWatcher<Service>(init.services ?? []),
    pods: new FakeListerWatcher<Pod>(init.pods ?? []),
    nodes: new FakeListerWatcher<Node>(init.nodes ?? [makeNode('node-1', 'zone-a')]),
    endpointslices: new FakeListerWatcher<EndpointSlice>([]),
    endpoints: new FakeListerWatcher<Endpoints>([]),
  };
  const ac = new AbortController();
  running.push(ac);
  const pair = <T extends KubeObject>(lw: FakeListerWatcher<T>, resource: string) => {
    const informer = newSharedIndexInformer<T>(lw, { name: resource });
    void informer.run(ac.signal);
    return {
      informer,
      lister: cacheListerFrom(newLister<T>(informer.getIndexer(), { group: '', resource })),
    };
  };
  const c = new Controller({
    services: pair(lws.services, 'services'),
    // Pods go through the label index, as in main.ts.
    pods: (() => {
      const informer = newSharedIndexInformer<Pod>(lws.pods, { name: 'pods' });
      const lister = labelIndexedListerFrom(
        informer,
        newLister<Pod>(informer.getIndexer(), { group: '', resource: 'pods' }),
      );
      void informer.run(ac.signal);
      return { informer, lister };
    })(),
    nodes: pair(lws.nodes, 'nodes'),
    endpointSlices: pair(lws.endpointslices, 'endpointslices'),
    endpoints: pair(lws.endpoints, 'endpoints'),
    sliceWriter: lwWriter(lws.endpointslices, 'endpointslices') satisfies EndpointSliceWriter,
    endpointsWriter: lwWriter(lws.endpoints, 'endpoints') satisfies EndpointsWriter,
    queue: newRateLimitingQueue<string>({ name: 'test' }),
  });
  const done = c.run(2, ac.signal);
  const ips = async (): Promise<string[]> =>
    (await lws.endpointslices.list()).items
      .flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses))
      .sort();
  const endpointsIPs = async (): Promise<string[]> =>
    (await lws.endpoints.list()).items
      .flatMap((e) => (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)))
      .sort();
  return { lws, c, ac, done, ips, endpointsIPs };
}

const eventually = (fn: () => Promise<void>) => vi.waitFor(fn, { timeout: 20_000, interval: 25 });

describe('Controller on client informers', () => {
  it('initial list → slices and Endpoints; pod events → updates', async () => {
    const h = start({ services: [makeService()], pods: makePods(3) });
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      expect(await h.endpointsIPs()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    });
    h.lws.pods.add(makePod({ name: 'web-9', ips: ['10.0.0.10'] }));
    await eventually(async () => {
      expect(await h.ips()).toContain('10.0.0.10');
    });
    expect((await h.lws.endpointslices.list()).items).toHaveLength(1);
  });

  it('a lost pod event is caught up by the relist after 410 Expired', async () => {
    const h = start({ services: [makeService()], pods: makePods(1) });
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1']);
    });
    h.lws.pods.addDropWatch(makePod({ name: 'late', ips: ['10.0.0.50'] }));
    h.lws.pods.resetWatch();
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1', '10.0.0.50']);
    });
  });

  it('a pod deleted while history was lost (410 → relist → tombstone) is removed', async () => {
    const pods = makePods(2);
    const h = start({ services: [makeService()], pods });
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1', '10.0.0.2']);
    });
    const stored = (await h.lws.pods.list()).items.find((p) => p.metadata.name === 'web-1');
    h.lws.pods.deleteDropWatch(stored!);
    h.lws.pods.resetWatch();
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1']);
      expect(await h.endpointsIPs()).toEqual(['10.0.0.1']);
    });
  });

  it('a slice deleted by someone else is recreated', async () => {
    const h = start({ services: [makeService()], pods: makePods(2) });
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1', '10.0.0.2']);
    });
    const [slice] = (await h.lws.endpointslices.list()).items;
    h.lws.endpointslices.delete(slice!);
    await eventually(async () => {
      expect(await h.ips()).toEqual(['10.0.0.1', '10.0.0.2']);
    });
  });
});
