import type { EndpointSlice, Node, Pod, Service } from '@svclab/api';
import { newInternalError } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { deepFreeze, FakeEndpointSliceWriter } from './fake-writers.js';
import {
  EndpointSliceReconciler,
  endpointSlicePrefix,
  validateMaxEndpointsPerSlice,
} from './reconciler.js';
import { EndpointSliceTracker } from './slice-tracker.js';
import { makeNode, makePod, makePods, makeService, nodeMap } from './testing-fixtures.js';

const nodes = nodeMap(makeNode('node-1', 'zone-a'), makeNode('node-2', 'zone-b'));

interface Env {
  writer: FakeEndpointSliceWriter;
  r: EndpointSliceReconciler;
  tracker: EndpointSliceTracker;
}

function env(max?: number): Env {
  const writer = new FakeEndpointSliceWriter();
  const tracker = new EndpointSliceTracker();
  return {
    writer,
    tracker,
    r: new EndpointSliceReconciler({ writer, tracker, maxEndpointsPerSlice: max }),
  };
}

async function sync(
  e: Env,
  svc: Service,
  pods: Pod[],
  opts: { nodes?: Map<string, Node>; triggerTime?: Date } = {},
) {
  const existingSlices = e.writer.slices();
  return e.r.reconcile({
    service: deepFreeze(structuredClone(svc)),
    pods: pods.map((p) => deepFreeze(structuredClone(p))),
    existingSlices,
    nodes: opts.nodes ?? nodes,
    triggerTime: opts.triggerTime,
  });
}

const sizes = (slices: EndpointSlice[]): number[] =>
  slices.map((s) => s.endpoints?.length ?? 0).sort((a, b) => b - a);
const allIPs = (slices: EndpointSlice[]): string[] =>
  slices.flatMap((s) => (s.endpoints ?? []).flatMap((ep) => ep.addresses)).sort();
const verbs = (e: Env) => e.writer.actions.map((a) => a.verb);
const only = (slices: EndpointSlice[]): EndpointSlice => {
  expect(slices).toHaveLength(1);
  return slices[0]!;
};

describe('EndpointSliceReconciler packing and churn', () => {
  it.each([
    { name: '250 pods → 100/100/50', pods: 250, max: 100, want: [100, 100, 50] },
    { name: '1 pod → 1 slice', pods: 1, max: 100, want: [1] },
    { name: 'exactly max → 1 full slice', pods: 100, max: 100, want: [100] },
    { name: 'max 1 → a slice per pod', pods: 3, max: 1, want: [1, 1, 1] },
    { name: 'max 1000 holds 1000', pods: 1000, max: 1000, want: [1000] },
  ])('$name', async ({ pods, max, want }) => {
    const e = env(max);
    await sync(e, makeService(), makePods(pods));
    expect(sizes(e.writer.slices())).toEqual(want);
    expect(verbs(e).every((v) => v === 'create')).toBe(true);
    expect(allIPs(e.writer.slices())).toHaveLength(pods);
  });

  it.each([
    {
      name: 'one pod added → exactly one slice updated (the one closest to full)',
      change: (p: Pod[]) => [...p, ...makePods(1, 250)],
      wantVerbs: ['update'],
      wantSizes: [100, 100, 51],
    },
    {
      name: 'pods removed from two slices → one update each, no create',
      change: (p: Pod[]) =>
        p.filter((x) => x.metadata.name !== 'web-0' && x.metadata.name !== 'web-150'),
      wantVerbs: ['update', 'update'],
      wantSizes: [99, 99, 50],
    },
    {
      name: 'nothing changed → no writes',
      change: (p: Pod[]) => p,
      wantVerbs: [],
      wantSizes: [100, 100, 50],
    },
    {
      name: 'pod resourceVersion bump only → no writes',
      change: (p: Pod[]) =>
        p.map((x) => ({ ...x, metadata: { ...x.metadata, resourceVersion: '99' } })),
      wantVerbs: [],
      wantSizes: [100, 100, 50],
    },
    {
      name: 'all pods of the half slice gone → that slice deleted',
      change: (p: Pod[]) => p.slice(0, 200),
      wantVerbs: ['delete'],
      wantSizes: [100, 100],
    },
    {
      name: 'one pod becomes not ready → one update, in place',
      change: (p: Pod[]) =>
        p.map((x) =>
          x.metadata.name === 'web-7'
            ? makePod({ name: 'web-7', ips: ['10.0.0.8'], ready: false })
            : x,
        ),
      wantVerbs: ['update'],
      wantSizes: [100, 100, 50],
    },
  ])('$name', async ({ change, wantVerbs, wantSizes }) => {
    const e = env();
    const pods = makePods(250);
    await sync(e, makeService(), pods);
    e.writer.actions.length = 0;
    await sync(e, makeService(), change(pods));
    expect(verbs(e)).toEqual(wantVerbs);
    expect(sizes(e.writer.slices())).toEqual(wantSizes);
  });

  it('recycling: 300 endpoints in 3 slices get new ports → 3 updates, no create/delete (finalize)', async () => {
    const e = env();
    const pods = makePods(300);
    await sync(e, makeService(), pods);
    e.writer.actions.length = 0;
    await sync(
      e,
      makeService({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9000 }] }),
      pods,
    );
    expect(verbs(e)).toEqual(['update', 'update', 'update']);
    expect(e.writer.slices().every((s) => s.ports?.[0]?.port === 9000)).toBe(true);
    expect(sizes(e.writer.slices())).toEqual([100, 100, 100]);
  });

  it('fill order: slices already being updated are filled first, fullest first', async () => {
    const e = env();
    const pods = makePods(250);
    await sync(e, makeService(), pods);
    e.writer.actions.length = 0;
    // Remove 10 pods from the first (full) slice and 10 from the half slice, add 15 new ones:
    // both slices are updated; the fuller one (90) is topped up to 100 first, the rest (5) go to the other.
    const names = new Set([
      ...Array.from({ length: 10 }, (_, i) => `web-${i}`),
      ...Array.from({ length: 10 }, (_, i) => `web-${200 + i}`),
    ]);
    await sync(e, makeService(), [
      ...pods.filter((p) => !names.has(p.metadata.name ?? '')),
      ...makePods(15, 300),
    ]);
    expect(verbs(e)).toEqual(['update', 'update']);
    expect(sizes(e.writer.slices())).toEqual([100, 100, 45]);
  });

  it('a second sync after any change converges (no further writes)', async () => {
    const e = env();
    await sync(e, makeService(), makePods(120));
    await sync(e, makeService(), makePods(130, 50));
    e.writer.actions.length = 0;
    await sync(e, makeService(), makePods(130, 50));
    expect(e.writer.actions).toEqual([]);
    expect(allIPs(e.writer.slices())).toHaveLength(130);
  });
});

describe('EndpointSliceReconciler endpoint shape', () => {
  it.each([
    {
      name: 'ready pod',
      pod: { ready: true },
      svc: {},
      want: { ready: true, serving: true, terminating: false },
    },
    {
      name: 'not ready pod',
      pod: { ready: false },
      svc: {},
      want: { ready: false, serving: false, terminating: false },
    },
    {
      name: 'terminating ready pod: serving+terminating, not ready',
      pod: { ready: true, deleting: true },
      svc: {},
      want: { ready: false, serving: true, terminating: true },
    },
    {
      name: 'terminating not-ready pod',
      pod: { ready: false, deleting: true },
      svc: {},
      want: { ready: false, serving: false, terminating: true },
    },
    {
      name: 'publishNotReadyAddresses → ready true',
      pod: { ready: false },
      svc: { publishNotReadyAddresses: true },
      want: { ready: true, serving: false, terminating: false },
    },
    {
      name: 'publishNotReadyAddresses + terminating → ready true',
      pod: { ready: true, deleting: true },
      svc: { publishNotReadyAddresses: true },
      want: { ready: true, serving: true, terminating: true },
    },
  ])('conditions: $name', async ({ pod, svc, want }) => {
    const e = env();
    await sync(e, makeService({ spec: svc }), [makePod({ name: 'p', ips: ['10.0.0.1'], ...pod })]);
    expect(only(e.writer.slices()).endpoints?.[0]?.conditions).toEqual(want);
  });

  it.each([
    { name: 'Succeeded pod', pod: { phase: 'Succeeded' as const, ips: ['10.0.0.1'] } },
    { name: 'Failed pod', pod: { phase: 'Failed' as const, ips: ['10.0.0.1'] } },
    { name: 'pod without IP', pod: { ips: [] } },
  ])('excluded: $name (placeholder only)', async ({ pod }) => {
    const e = env();
    await sync(e, makeService(), [makePod({ name: 'p', ...pod })]);
    const s = only(e.writer.slices());
    expect(s.endpoints).toEqual([]);
    expect(s.ports).toEqual([]);
  });

  it('full slice shape: labels, generateName, ownerRef, ports, endpoint fields, trigger time', async () => {
    const e = env();
    const svc = makeService({
      labels: {
        team: 'a',
        'kubernetes.io/service-name': 'evil',
        'endpointslice.kubernetes.io/managed-by': 'evil',
      },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', appProtocol: 'http' }],
    });
    await sync(e, svc, [makePod({ name: 'p', ips: ['10.0.0.1'] })], {
      triggerTime: new Date('2024-03-04T05:06:07.120Z'),
    });
    const s = only(e.writer.slices());
    expect(s.metadata.generateName).toBe('web-');
    expect(s.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(s.metadata.annotations).toEqual({
      'endpoints.kubernetes.io/last-change-trigger-time': '2024-03-04T05:06:07.12Z',
    });
    expect(s.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: 'uid-svc-web',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }]);
    expect(s.endpoints).toEqual([
      {
        addresses: ['10.0.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'uid-p' },
        nodeName: 'node-1',
        zone: 'zone-a',
      },
    ]);
  });

  it.each([
    { name: 'hostname + subdomain == service', hostname: 'h', subdomain: 'web', want: 'h' },
    { name: 'subdomain differs', hostname: 'h', subdomain: 'other', want: undefined },
    { name: 'no hostname', hostname: undefined, subdomain: 'web', want: undefined },
  ])('hostname: $name', async ({ hostname, subdomain, want }) => {
    const e = env();
    await sync(e, makeService(), [makePod({ name: 'p', ips: ['10.0.0.1'], hostname, subdomain })]);
    expect(only(e.writer.slices()).endpoints?.[0]?.hostname).toBe(want);
  });

  it.each([
    { name: 'node with zone', node: 'node-2', want: { zone: 'zone-b', nodeName: 'node-2' } },
    {
      name: 'node without zone label',
      node: 'node-3',
      want: { zone: undefined, nodeName: 'node-3' },
    },
  ])('zones: $name', async ({ node, want }) => {
    const e = env();
    await sync(e, makeService(), [makePod({ name: 'p', ips: ['10.0.0.1'], node })], {
      nodes: nodeMap(makeNode('node-2', 'zone-b'), makeNode('node-3')),
    });
    const ep = only(e.writer.slices()).endpoints?.[0];
    expect({ zone: ep?.zone, nodeName: ep?.nodeName }).toEqual(want);
  });

  it.each([
    {
      name: 'missing node → pod skipped, slices still written, error reported',
      publish: false,
      wantIPs: ['10.0.0.2'],
    },
    {
      name: 'missing node with publishNotReadyAddresses → pod kept',
      publish: true,
      wantIPs: ['10.0.0.1', '10.0.0.2'],
    },
  ])('$name', async ({ publish, wantIPs }) => {
    const e = env();
    const pods = [
      makePod({ name: 'gone', ips: ['10.0.0.1'], node: 'nope' }),
      makePod({ name: 'ok', ips: ['10.0.0.2'] }),
    ];
    const run = sync(e, makeService({ spec: { publishNotReadyAddresses: publish } }), pods);
    if (publish) await run;
    else
      await expect(run).rejects.toThrow(
        /skipping Pod gone for Service default\/web: Node nope Not Found/,
      );
    expect(allIPs(e.writer.slices())).toEqual(wantIPs);
  });
});

describe('EndpointSliceReconciler ports and address types', () => {
  const v1 = [
    { name: 'c', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' as const }] },
  ];
  const v2 = [
    { name: 'c', ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' as const }] },
  ];

  it('named targetPort: two pod versions → two slices with their own port numbers', async () => {
    const e = env();
    await sync(e, makeService(), [
      makePod({ name: 'a1', ips: ['10.0.0.1'], containers: v1 }),
      makePod({ name: 'a2', ips: ['10.0.0.2'], containers: v1 }),
      makePod({ name: 'b1', ips: ['10.0.0.3'], containers: v2 }),
    ]);
    const byPort = Object.fromEntries(
      e.writer.slices().map((s) => [String(s.ports?.[0]?.port), (s.endpoints ?? []).length]),
    );
    expect(byPort).toEqual({ 8080: 2, 9090: 1 });
  });

  it.each([
    {
      name: 'protocol must match too (UDP port not used for TCP)',
      containers: [
        { name: 'c', ports: [{ name: 'http', containerPort: 53, protocol: 'UDP' as const }] },
      ],
      want: [],
    },
    {
      name: 'sidecar init container port is found',
      init: [
        {
          name: 's',
          restartPolicy: 'Always' as const,
          ports: [{ name: 'http', containerPort: 7000, protocol: 'TCP' as const }],
        },
      ],
      containers: [],
      want: [7000],
    },
    {
      name: 'plain init container port is not',
      init: [
        { name: 's', ports: [{ name: 'http', containerPort: 7000, protocol: 'TCP' as const }] },
      ],
      containers: [],
      want: [],
    },
  ])('FindPort: $name', async ({ containers, init, want }) => {
    const e = env();
    const pod = makePod({ name: 'p', ips: ['10.0.0.1'], containers });
    if (init !== undefined && pod.spec) pod.spec.initContainers = init;
    await sync(e, makeService(), [pod]);
    const s = only(e.writer.slices());
    expect((s.ports ?? []).map((p) => p.port)).toEqual(want);
    expect(s.endpoints).toHaveLength(1);
  });

  it('numeric targetPort is used as is', async () => {
    const e = env();
    await sync(
      e,
      makeService({ ports: [{ name: 'x', port: 80, protocol: 'TCP', targetPort: 1234 }] }),
      [makePod({ name: 'p', ips: ['10.0.0.1'] })],
    );
    expect(only(e.writer.slices()).ports).toEqual([{ name: 'x', port: 1234, protocol: 'TCP' }]);
  });

  it.each([
    { name: 'IPv4 service, dual-stack pod', families: ['IPv4'], want: { IPv4: ['10.0.0.1'] } },
    { name: 'IPv6 service, dual-stack pod', families: ['IPv6'], want: { IPv6: ['fd00::1'] } },
    {
      name: 'dual-stack service',
      families: ['IPv4', 'IPv6'],
      want: { IPv4: ['10.0.0.1'], IPv6: ['fd00::1'] },
    },
  ] as const)('address types: $name', async ({ families, want }) => {
    const e = env();
    await sync(e, makeService({ spec: { ipFamilies: [...families] } }), [
      makePod({ name: 'p', ips: ['10.0.0.1', 'fd00:0:0::1'] }),
    ]);
    const got = Object.fromEntries(
      e.writer
        .slices()
        .map((s) => [s.addressType, (s.endpoints ?? []).flatMap((x) => x.addresses)]),
    );
    expect(got).toEqual(want);
  });

  it('IPv6 service with IPv4-only pods → IPv6 placeholder', async () => {
    const e = env();
    await sync(e, makeService({ spec: { ipFamilies: ['IPv6'] } }), [
      makePod({ name: 'p', ips: ['10.0.0.1'] }),
    ]);
    const s = only(e.writer.slices());
    expect(s.addressType).toBe('IPv6');
    expect(s.endpoints).toEqual([]);
  });

  it('dropping a family deletes its slices', async () => {
    const e = env();
    const pods = [makePod({ name: 'p', ips: ['10.0.0.1', 'fd00::1'] })];
    await sync(e, makeService({ spec: { ipFamilies: ['IPv4', 'IPv6'] } }), pods);
    e.writer.actions.length = 0;
    await sync(e, makeService({ spec: { ipFamilies: ['IPv4'] } }), pods);
    expect(verbs(e)).toEqual(['delete']);
    expect(e.writer.slices().map((s) => s.addressType)).toEqual(['IPv4']);
  });

  it('changed ports: create+delete become one update of the old slice', async () => {
    const e = env();
    const pods = makePods(3);
    await sync(e, makeService(), pods);
    const before = only(e.writer.slices()).metadata.name;
    e.writer.actions.length = 0;
    await sync(
      e,
      makeService({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9999 }] }),
      pods,
    );
    expect(verbs(e)).toEqual(['update']);
    const after = only(e.writer.slices());
    expect(after.metadata.name).toBe(before);
    expect(after.ports?.[0]?.port).toBe(9999);
    expect(after.endpoints).toHaveLength(3);
  });
});

describe('EndpointSliceReconciler placeholder, headless, labels, ownership', () => {
  it('no pods → one placeholder; a second sync writes nothing', async () => {
    const e = env();
    await sync(e, makeService(), []);
    const s = only(e.writer.slices());
    expect(s.ports).toEqual([]);
    expect(s.endpoints).toEqual([]);
    e.writer.actions.length = 0;
    await sync(e, makeService(), []);
    expect(e.writer.actions).toEqual([]);
  });

  it('pods arrive → the placeholder is reused (update, no create)', async () => {
    const e = env();
    await sync(e, makeService(), []);
    e.writer.actions.length = 0;
    await sync(e, makeService(), makePods(2));
    expect(verbs(e)).toEqual(['update']);
    expect(sizes(e.writer.slices())).toEqual([2]);
  });

  it('all pods gone → the slice becomes the placeholder by update', async () => {
    const e = env();
    await sync(e, makeService(), makePods(2));
    e.writer.actions.length = 0;
    await sync(e, makeService(), []);
    expect(verbs(e)).toEqual(['update']);
    expect(only(e.writer.slices()).endpoints).toEqual([]);
  });

  it.each([
    { name: 'clusterIP None', clusterIP: 'None', headless: true },
    { name: 'clusterIP empty', clusterIP: '', headless: true },
    { name: 'clusterIP set', clusterIP: '10.96.0.10', headless: false },
  ])('headless label: $name', async ({ clusterIP, headless }) => {
    const e = env();
    await sync(e, makeService({ spec: { clusterIP } }), makePods(1));
    expect(
      'service.kubernetes.io/headless' in (only(e.writer.slices()).metadata.labels ?? {}),
    ).toBe(headless);
  });

  it('headless Service without ports → endpoints with ports []', async () => {
    const e = env();
    await sync(e, makeService({ ports: [], spec: { clusterIP: 'None' } }), makePods(2));
    const s = only(e.writer.slices());
    expect(s.ports).toEqual([]);
    expect(s.endpoints).toHaveLength(2);
  });

  it('Service label change → slices updated', async () => {
    const e = env();
    await sync(e, makeService({ labels: { a: '1' } }), makePods(150));
    e.writer.actions.length = 0;
    await sync(e, makeService({ labels: { a: '2' } }), makePods(150));
    expect(verbs(e)).toEqual(['update', 'update']);
    expect(e.writer.slices().every((s) => s.metadata.labels?.['a'] === '2')).toBe(true);
  });

  it('a slice owned by another Service UID is deleted and replaced', async () => {
    const e = env();
    await sync(e, makeService(), makePods(2));
    e.writer.actions.length = 0;
    const reborn = makeService();
    reborn.metadata.uid = 'uid-new';
    await sync(e, reborn, makePods(2));
    expect(verbs(e).sort()).toEqual(['create', 'delete']);
    expect(only(e.writer.slices()).metadata.ownerReferences?.[0]?.uid).toBe('uid-new');
  });

  it('Service being deleted → no creates', async () => {
    const e = env();
    const svc = makeService();
    svc.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    await sync(e, svc, makePods(2));
    expect(e.writer.actions).toEqual([]);
  });

  it('plan() is pure and matches what reconcile writes', async () => {
    const e = env();
    const input = {
      service: deepFreeze(makeService()),
      pods: deepFreeze(makePods(120)),
      existingSlices: [],
      nodes,
    };
    const p = e.r.plan(input);
    expect(p.create.map((s) => s.endpoints?.length)).toEqual([100, 20]);
    expect(p.added).toBe(120);
    expect(e.writer.actions).toEqual([]);
    await e.r.reconcile(input);
    expect(verbs(e)).toEqual(['create', 'create']);
  });
});

describe('EndpointSliceReconciler hints', () => {
  it.each([
    {
      name: 'PreferClose → forZones on ready endpoints',
      td: 'PreferClose',
      want: { forZones: [{ name: 'zone-a' }] },
    },
    {
      name: 'PreferSameNode → forZones + forNodes',
      td: 'PreferSameNode',
      want: { forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-1' }] },
    },
    { name: 'no trafficDistribution → no hints', td: undefined, want: undefined },
  ])('$name', async ({ td, want }) => {
    const e = env();
    const spec = td === undefined ? {} : { trafficDistribution: td };
    await sync(e, makeService({ spec }), [
      makePod({ name: 'p', ips: ['10.0.0.1'] }),
      makePod({ name: 'q', ips: ['10.0.0.2'], ready: false }),
    ]);
    const eps = only(e.writer.slices()).endpoints ?? [];
    expect(eps.find((x) => x.addresses[0] === '10.0.0.1')?.hints).toEqual(want);
    expect(eps.find((x) => x.addresses[0] === '10.0.0.2')?.hints).toBeUndefined();
  });

  it('trafficDistribution removed → hints removed from unchanged slices', async () => {
    const e = env();
    await sync(e, makeService({ spec: { trafficDistribution: 'PreferClose' } }), makePods(2));
    e.writer.actions.length = 0;
    await sync(e, makeService(), makePods(2));
    expect(verbs(e)).toEqual(['update']);
    expect((only(e.writer.slices()).endpoints ?? []).every((x) => x.hints === undefined)).toBe(
      true,
    );
  });
});

describe('EndpointSliceReconciler writes and tracker', () => {
  it('records generations of its writes; the cache it wrote is not stale', async () => {
    const e = env();
    await sync(e, makeService(), makePods(2));
    expect(e.tracker.staleSlices(makeService(), e.writer.slices())).toBe(false);
    expect(e.tracker.staleSlices(makeService(), [])).toBe(true);
  });

  it('create failure → rejected with upstream wording', async () => {
    const e = env();
    e.writer.store.failNext = { create: newInternalError(new Error('boom')) };
    await expect(sync(e, makeService(), makePods(1))).rejects.toThrow(
      /failed to create EndpointSlice for Service default\/web/,
    );
  });

  it('deleting an already-deleted slice is fine', async () => {
    const e = env();
    await sync(e, makeService(), makePods(150));
    const stale = e.writer.slices();
    const half = stale.find((s) => (s.endpoints ?? []).length === 50)!;
    await e.writer.delete('default', half.metadata.name ?? '');
    await e.r.reconcile({
      service: makeService(),
      pods: makePods(100),
      existingSlices: stale,
      nodes,
    });
    expect(sizes(e.writer.slices())).toEqual([100]);
  });
});

describe('config', () => {
  it.each([
    { n: 0, err: 'max-endpoints-per-slice must not be less than 1, but got 0' },
    { n: 1001, err: 'max-endpoints-per-slice must not be more than 1000, but got 1001' },
    { n: 1, err: undefined },
    { n: 1000, err: undefined },
  ])('validateMaxEndpointsPerSlice($n)', ({ n, err }) => {
    expect(validateMaxEndpointsPerSlice(n)).toBe(err);
  });

  it.each([
    { name: 'web', want: 'web-' },
    { name: 'a'.repeat(253), want: 'a'.repeat(253) },
  ])('endpointSlicePrefix($name)', ({ name, want }) => {
    expect(endpointSlicePrefix(name)).toBe(want);
  });
});
