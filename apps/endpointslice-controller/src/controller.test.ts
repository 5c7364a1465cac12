import type { EndpointSlice, Endpoints, Node, ObjectReference, Pod, Service } from '@svclab/api';
import type { EventRecorder } from '@svclab/client';
import { memoryLogger } from '@svclab/telemetry';
import { describe, expect, it, vi } from 'vitest';
import { Controller, MaxRetries, selectorMatches } from './controller.js';
import { FakeEndpointSliceWriter, FakeEndpointsWriter } from './fake-writers.js';
import { EndpointSliceMetrics } from './metrics.js';
import { isStaleInformerCache } from './stale-informer-cache-error.js';
import { FakeInformer, FakeQueue } from './testing-informers.js';
import { makeNode, makePod, makePods, makeService } from './testing-fixtures.js';

interface RecordedEvent {
  component: string;
  ref: ObjectReference;
  type: string;
  reason: string;
  message: string;
}

/** An EventRecorder per component that keeps what it was given. */
function recordersInto(out: RecordedEvent[]): {
  endpointSlices: EventRecorder;
  endpoints: EventRecorder;
} {
  const rec = (component: string): EventRecorder => ({
    event(ref, e) {
      out.push({ component, ref, ...e });
    },
  });
  return {
    endpointSlices: rec('endpoint-slice-controller'),
    endpoints: rec('endpoint-controller'),
  };
}

function harness(opts: { batchMs?: number; autoPump?: boolean } = {}) {
  const events: RecordedEvent[] = [];
  const services = new FakeInformer<Service>();
  const pods = new FakeInformer<Pod>();
  const nodes = new FakeInformer<Node>();
  const slices = new FakeInformer<EndpointSlice>();
  const endpoints = new FakeInformer<Endpoints>();
  const sliceWriter = new FakeEndpointSliceWriter();
  const endpointsWriter = new FakeEndpointsWriter();
  const queue = new FakeQueue();
  const metrics = new EndpointSliceMetrics({ maxEndpointsPerSlice: 100 });
  const logger = memoryLogger('endpointslice-controller');
  const c = new Controller({
    services: { informer: services, lister: services },
    pods: { informer: pods, lister: pods },
    nodes: { informer: nodes, lister: nodes },
    endpointSlices: { informer: slices, lister: slices },
    endpoints: { informer: endpoints, lister: endpoints },
    sliceWriter,
    endpointsWriter,
    queue,
    metrics,
    logger,
    recorders: recordersInto(events),
    endpointUpdatesBatchPeriodMs: opts.batchMs,
  });
  nodes.set(makeNode('node-1', 'zone-a'));
  /** Deliver the writers' state to the informers, as the watch would. */
  const pump = (): void => {
    const stored = new Map(sliceWriter.slices().map((s) => [s.metadata.name ?? '', s]));
    for (const s of slices.list())
      if (!stored.has(s.metadata.name ?? ''))
        slices.delete(s.metadata.namespace ?? '', s.metadata.name ?? '');
    for (const s of stored.values()) {
      const cur = slices.get(s.metadata.namespace ?? '', s.metadata.name ?? '');
      if (cur?.metadata.resourceVersion !== s.metadata.resourceVersion) slices.set(s);
    }
    const storedEp = [...endpointsWriter.store.objects.values()];
    for (const e of endpoints.list()) {
      if (
        !endpointsWriter.store.objects.has(`${e.metadata.namespace ?? ''}/${e.metadata.name ?? ''}`)
      )
        endpoints.delete(e.metadata.namespace ?? '', e.metadata.name ?? '');
    }
    for (const e of storedEp) {
      const cur = endpoints.get(e.metadata.namespace ?? '', e.metadata.name ?? '');
      if (cur?.metadata.resourceVersion !== e.metadata.resourceVersion) endpoints.set(e);
    }
  };
  if (opts.autoPump === true) {
    // A watch delivers the write after the response: defer past the writer's promise.
    const later = (): void => {
      setImmediate(pump);
    };
    sliceWriter.afterWrite = later;
    endpointsWriter.afterWrite = later;
  }
  return {
    services,
    pods,
    nodes,
    slices,
    endpoints,
    sliceWriter,
    endpointsWriter,
    queue,
    metrics,
    logger,
    events,
    c,
    pump,
  };
}

type H = ReturnType<typeof harness>;

describe('Controller handlers enqueue keys only', () => {
  const svcA = makeService({ name: 'a' });
  const svcB = {
    ...makeService({ name: 'b' }),
    spec: { ...makeService().spec, selector: { app: 'other' } },
  };
  const selectorless = makeService({ name: 'manual', spec: { selector: undefined } });

  it.each([
    {
      name: 'pod added → Services selecting it',
      act: (h: H) => {
        h.pods.set(makePod({ name: 'p', ips: ['10.0.0.1'] }));
      },
      want: ['default/a'],
    },
    {
      name: 'pod in another namespace never matches',
      act: (h: H) => {
        h.pods.set(makePod({ name: 'p', namespace: 'other', ips: ['10.0.0.1'] }));
      },
      want: [],
    },
    {
      name: 'pod resync (same resourceVersion) → nothing',
      act: (h: H) => {
        h.pods.setSilently(makePod({ name: 'p', ips: ['10.0.0.1'] }));
        h.pods.set(makePod({ name: 'p', ips: ['10.0.0.1'] }));
      },
      want: [],
    },
    {
      name: 'pod readiness change → its Services',
      act: (h: H) => {
        h.pods.setSilently(makePod({ name: 'p', ips: ['10.0.0.1'] }));
        const p = makePod({ name: 'p', ips: ['10.0.0.1'], ready: false });
        p.metadata.resourceVersion = '2';
        h.pods.set(p);
      },
      want: ['default/a'],
    },
    {
      name: 'pod labels move it between Services → both',
      act: (h: H) => {
        h.pods.setSilently(makePod({ name: 'p', ips: ['10.0.0.1'] }));
        const p = makePod({ name: 'p', ips: ['10.0.0.1'], labels: { app: 'other' } });
        p.metadata.resourceVersion = '2';
        h.pods.set(p);
      },
      want: ['default/a', 'default/b'],
    },
    {
      name: 'pod deleted (tombstone) → its Services',
      act: (h: H) => {
        h.pods.setSilently(makePod({ name: 'p', ips: ['10.0.0.1'] }));
        h.pods.delete('default', 'p', { tombstone: true });
      },
      want: ['default/a'],
    },
    {
      name: 'Service added → itself',
      act: (h: H) => {
        h.services.set(makeService({ name: 'new' }));
      },
      want: ['default/new'],
    },
    {
      name: 'Endpoints of a selector-less Service → that Service',
      act: (h: H) => {
        h.endpoints.set({
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'manual', namespace: 'default' },
        });
      },
      want: ['default/manual'],
    },
    {
      name: 'Endpoints update of a selector Service → nothing',
      act: (h: H) => {
        h.endpoints.set({
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'a', namespace: 'default' },
        });
      },
      want: [],
    },
  ])('$name', ({ act, want }) => {
    const h = harness();
    for (const s of [svcA, svcB, selectorless]) h.services.setSilently(s);
    act(h);
    expect(h.queue.pending().sort()).toEqual(want);
  });

  it('batch period delays pod-triggered syncs', () => {
    const h = harness({ batchMs: 500 });
    h.services.setSilently(svcA);
    h.pods.set(makePod({ name: 'p', ips: ['10.0.0.1'] }));
    expect(h.queue.delayed).toEqual([{ key: 'default/a', ms: 500 }]);
  });
});

describe('Controller.syncService', () => {
  it('selector Service → slices and Endpoints; a second sync writes nothing', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    for (const p of makePods(3)) h.pods.setSilently(p);
    await h.c.syncService('default/web');
    expect(h.sliceWriter.slices().map((s) => s.endpoints?.length)).toEqual([3]);
    expect(h.endpointsWriter.get('default', 'web')?.subsets?.[0]?.addresses).toHaveLength(3);
    h.pump();
    h.sliceWriter.actions.length = 0;
    h.endpointsWriter.actions.length = 0;
    await h.c.syncService('default/web');
    expect([...h.sliceWriter.actions, ...h.endpointsWriter.actions]).toEqual([]);
  });

  it('our own slice writes echoed by the informer do not requeue; a foreign change does', () => {
    const h = harness();
    h.services.setSilently(makeService());
    return (async () => {
      await h.c.syncService('default/web');
      h.queue.clear();
      h.pump();
      expect(h.queue.pending()).toEqual([]);
      const s = structuredClone(h.sliceWriter.slices()[0]!);
      s.endpoints = [{ addresses: ['1.2.3.4'] }];
      const updated = await h.sliceWriter.update(s);
      h.slices.set(updated);
      expect(h.queue.delayed).toEqual([{ key: 'default/web', ms: 1000 }]);
    })();
  });

  it('echoes of our writes that arrive before the write responses do not requeue (create, update, delete)', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    for (const p of makePods(2)) h.pods.setSilently(p);
    // The watch delivers each write before its response reaches the reconciler (NATS beats HTTP).
    h.sliceWriter.afterWrite = h.pump;
    h.endpointsWriter.afterWrite = h.pump;
    await h.c.syncService('default/web');
    expect(h.sliceWriter.actions.map((a) => a.verb)).toEqual(['create']);
    const p1 = makePod({ name: 'web-1', ips: ['10.0.0.2'], ready: false });
    p1.metadata.resourceVersion = '2';
    h.pods.setSilently(p1);
    await h.c.syncService('default/web');
    h.pods.deleteSilently('default', 'web-0');
    h.pods.deleteSilently('default', 'web-1');
    h.services.setSilently({
      ...makeService(),
      spec: { ...makeService().spec, ipFamilies: ['IPv6'] },
    });
    await h.c.syncService('default/web');
    expect(h.sliceWriter.actions.map((a) => a.verb)).toEqual([
      'create',
      'update',
      'create',
      'delete',
    ]);
    expect(h.queue.delayed).toEqual([]);
  });

  it('a foreign change to our slice while its Service syncs → one requeue after the sync', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    await h.c.syncService('default/web');
    h.pump();
    h.queue.clear();
    const p = makePod({ name: 'web-0', ips: ['10.0.0.1'] });
    h.pods.setSilently(p);
    h.sliceWriter.afterWrite = () => {
      h.sliceWriter.afterWrite = () => undefined;
      h.pump();
      // Someone else edits the slice right after our write, before our response arrives.
      const s = structuredClone(h.sliceWriter.slices()[0]!);
      s.endpoints = [{ addresses: ['1.2.3.4'] }];
      h.slices.set(h.sliceWriter.store.update(s));
      expect(h.queue.delayed).toEqual([]);
    };
    await h.c.syncService('default/web');
    expect(h.queue.delayed).toEqual([{ key: 'default/web', ms: 1000 }]);
  });

  it('slice cache behind our writes → StaleInformerCacheError, then fine once it catches up', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    await h.c.syncService('default/web');
    const err = await h.c.syncService('default/web').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStaleInformerCache(err)).toBe(true);
    h.pump();
    await h.c.syncService('default/web');
  });

  it('selector-less Service with user Endpoints → mirrored slice; gaining a selector deletes it', async () => {
    const h = harness();
    h.services.setSilently(makeService({ name: 'manual', spec: { selector: undefined } }));
    h.endpoints.setSilently({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'manual', namespace: 'default', uid: 'uid-ep' },
      subsets: [
        {
          addresses: [{ ip: '192.168.1.1' }],
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        },
      ],
    });
    await h.c.syncService('default/manual');
    const [s] = h.sliceWriter.slices();
    expect(s?.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe(
      'endpointslicemirroring-controller.k8s.io',
    );
    expect(h.endpointsWriter.actions).toEqual([]);
    h.pump();
    h.services.setSilently(makeService({ name: 'manual' }));
    await h.c.syncService('default/manual');
    const managers = h.sliceWriter
      .slices()
      .map((x) => x.metadata.labels?.['endpointslice.kubernetes.io/managed-by']);
    expect(managers).toEqual(['endpointslice-controller.k8s.io']);
  });

  it('Service deleted → its Endpoints deleted, state forgotten', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    await h.c.syncService('default/web');
    h.pump();
    h.services.deleteSilently('default', 'web');
    await h.c.syncService('default/web');
    expect(h.endpointsWriter.get('default', 'web')).toBeUndefined();
  });

  it('level-triggered: a pod whose event was dropped is picked up by the next sync', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    await h.c.syncService('default/web');
    h.pump();
    h.pods.setSilently(makePod({ name: 'late', ips: ['10.0.0.9'] }));
    await h.c.syncService('default/web');
    expect(h.sliceWriter.slices()[0]?.endpoints?.map((e) => e.addresses[0])).toEqual(['10.0.0.9']);
  });

  it('ExternalName Service → nothing written', async () => {
    const h = harness();
    h.services.setSilently(
      makeService({ spec: { type: 'ExternalName', externalName: 'x.example' } }),
    );
    await h.c.syncService('default/web');
    expect([...h.sliceWriter.actions, ...h.endpointsWriter.actions]).toEqual([]);
  });
});

describe('Controller retries and metrics', () => {
  it.each([
    {
      name: 'success → forget',
      requeues: 3,
      fail: false,
      wantRequeued: false,
      wantForgotten: true,
    },
    {
      name: 'failure below maxRetries → rate-limited requeue',
      requeues: MaxRetries - 1,
      fail: true,
      wantRequeued: true,
      wantForgotten: false,
    },
    {
      name: 'failure at maxRetries → dropped',
      requeues: MaxRetries,
      fail: true,
      wantRequeued: false,
      wantForgotten: true,
    },
  ])('handleErr: $name', ({ requeues, fail, wantRequeued, wantForgotten }) => {
    const h = harness();
    for (let i = 0; i < requeues; i++) h.queue.addRateLimited('default/web');
    h.queue.rateLimited.length = 0;
    h.c.handleErr('default/web', fail ? new Error('x') : undefined);
    expect(h.queue.rateLimited.length > 0).toBe(wantRequeued);
    expect(h.queue.numRequeues('default/web') === 0).toBe(wantForgotten);
  });

  it('run(): waits for sync, processes the queue, counts syncs, stops on abort', async () => {
    const h = harness({ autoPump: true });
    h.pods.synced = false;
    h.services.setSilently(makeService());
    for (const p of makePods(2)) h.pods.setSilently(p);
    const ac = new AbortController();
    const done = h.c.run(2, ac.signal);
    expect(h.c.synced).toBe(false);
    h.pods.synced = true;
    await vi.waitFor(
      () => {
        expect(h.sliceWriter.slices()).toHaveLength(1);
        expect(h.endpointsWriter.get('default', 'web')).toBeDefined();
      },
      { timeout: 20_000, interval: 20 },
    );
    ac.abort();
    await done;
    const text = await h.metrics.registry.metrics();
    expect(text).toMatch(/endpoint_slice_controller_syncs\{result="success"\} 1/);
    expect(text).toMatch(/endpoint_slice_controller_changes\{operation="create"\} 1/);
    expect(text).toMatch(/endpoint_slice_controller_endpoints_desired 2/);
    expect(text).toMatch(/endpoint_slice_controller_desired_endpoint_slices 1/);
  });

  it('failed writes are Warning Events: on the Service for slices, on the Endpoints for Endpoints', async () => {
    const h = harness();
    h.services.setSilently(makeService());
    for (const p of makePods(1)) h.pods.setSilently(p);
    h.sliceWriter.store.failNext = { create: new Error('apiserver down') };
    h.endpointsWriter.store.failNext = { create: new Error('apiserver down') };
    await expect(h.c.syncService('default/web')).rejects.toThrow();
    expect(h.events).toEqual([
      {
        component: 'endpoint-slice-controller',
        ref: expect.objectContaining({
          kind: 'Service',
          apiVersion: 'v1',
          namespace: 'default',
          name: 'web',
        }) as ObjectReference,
        type: 'Warning',
        reason: 'FailedToUpdateEndpointSlices',
        message: expect.stringMatching(
          /^Error updating Endpoint Slices for Service default\/web: .*apiserver down/,
        ) as string,
      },
      {
        component: 'endpoint-controller',
        ref: { kind: 'Endpoints', apiVersion: 'v1', namespace: 'default', name: 'web' },
        type: 'Warning',
        reason: 'FailedToCreateEndpoint',
        message: 'Failed to create endpoint for service default/web: apiserver down',
      },
    ]);
    // Once the Endpoints exist, a failure to change them is FailedToUpdateEndpoint.
    await h.c.syncService('default/web');
    h.pump();
    h.events.length = 0;
    h.endpointsWriter.store.failNext = { update: new Error('conflict') };
    h.pods.setSilently(makePod({ name: 'web-9', ips: ['10.0.0.99'] }));
    await expect(h.c.syncService('default/web')).rejects.toThrow();
    expect(
      h.events.map((e) => `${e.component} ${e.ref.kind ?? ''} ${e.reason}: ${e.message}`),
    ).toEqual([
      'endpoint-controller Endpoints FailedToUpdateEndpoint: Failed to update endpoint default/web: conflict',
    ]);
  });

  it('run(): a failing sync is retried rate-limited and counted as error', async () => {
    const h = harness({ autoPump: true });
    h.services.setSilently(makeService());
    for (const p of makePods(1)) h.pods.setSilently(p);
    h.sliceWriter.store.failNext = { create: new Error('apiserver down') };
    const ac = new AbortController();
    const done = h.c.run(1, ac.signal);
    await vi.waitFor(
      () => {
        expect(h.sliceWriter.slices()).toHaveLength(1);
      },
      { timeout: 20_000, interval: 20 },
    );
    ac.abort();
    await done;
    expect(h.queue.rateLimited).toContain('default/web');
    const text = await h.metrics.registry.metrics();
    expect(
      text.split('\n').filter((l) => l.startsWith('endpoint_slice_controller_syncs{')),
    ).toEqual([
      'endpoint_slice_controller_syncs{result="error"} 1',
      'endpoint_slice_controller_syncs{result="success"} 1',
    ]);
  });
});

interface SelectorCase {
  name: string;
  sel: Record<string, string>;
  labels: Record<string, string>;
  want: boolean;
}

describe('selectorMatches (selectorFromSet(selector).matches(labels))', () => {
  it.each<SelectorCase>([
    { name: 'empty selector → every pod', sel: {}, labels: { app: 'web' }, want: true },
    {
      name: 'all pairs present',
      sel: { app: 'web', tier: 'fe' },
      labels: { app: 'web', tier: 'fe', x: 'y' },
      want: true,
    },
    {
      name: 'one value differs',
      sel: { app: 'web', tier: 'fe' },
      labels: { app: 'web', tier: 'be' },
      want: false,
    },
    { name: 'key missing', sel: { app: 'web' }, labels: {}, want: false },
    { name: 'empty value needs the key', sel: { app: '' }, labels: {}, want: false },
    { name: 'empty value present', sel: { app: '' }, labels: { app: '' }, want: true },
    { name: 'inherited keys do not count', sel: { toString: 'x' }, labels: {}, want: false },
  ])('$name', ({ sel, labels, want }) => {
    expect(selectorMatches(sel, labels)).toBe(want);
  });
});
