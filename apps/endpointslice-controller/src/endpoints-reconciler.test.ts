import type { EndpointAddress, Endpoints, EndpointSubset, Pod, Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { EndpointsReconciler, subsetsEqual, truncateSubsets } from './endpoints-reconciler.js';
import { deepFreeze, FakeEndpointsWriter } from './fake-writers.js';
import { repackSubsets } from './repack-subsets.js';
import { makePod, makePods, makeService } from './testing-fixtures.js';

function env() {
  const writer = new FakeEndpointsWriter();
  return { writer, r: new EndpointsReconciler({ writer }) };
}

async function sync(e: ReturnType<typeof env>, svc: Service, pods: Pod[], triggerTime?: Date) {
  return e.r.reconcile({
    service: deepFreeze(structuredClone(svc)),
    pods: pods.map((p) => deepFreeze(structuredClone(p))),
    current: e.writer.get(svc.metadata.namespace ?? '', svc.metadata.name ?? ''),
    triggerTime,
  });
}

const ips = (xs: { ip: string }[] | undefined): string[] => (xs ?? []).map((a) => a.ip);
const count = (ep: Endpoints | undefined, f: 'addresses' | 'notReadyAddresses'): number =>
  (ep?.subsets ?? []).reduce((n, s) => n + (s[f]?.length ?? 0), 0);

describe('EndpointsReconciler', () => {
  it('ready and not-ready pods → addresses and notReadyAddresses of one subset, sorted by IP bytes', async () => {
    const e = env();
    await sync(
      e,
      makeService({ labels: { team: 'a' } }),
      [
        makePod({ name: 'b', ips: ['10.0.0.10'] }),
        makePod({ name: 'a', ips: ['10.0.0.9'] }),
        makePod({ name: 'c', ips: ['10.0.0.2'], ready: false }),
      ],
      new Date('2024-01-01T00:00:00Z'),
    );
    const ep = e.writer.get('default', 'web');
    expect(ep?.subsets).toEqual([
      {
        addresses: [
          {
            ip: '10.0.0.9',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
          },
          {
            ip: '10.0.0.10',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.0.0.2',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' },
          },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(ep?.metadata.labels).toEqual({ team: 'a' });
    expect(ep?.metadata.annotations).toEqual({
      'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z',
    });
    expect(ep?.metadata.ownerReferences).toBeUndefined();
  });

  it.each([
    {
      name: 'terminating pod is left out',
      pod: { deleting: true },
      svc: {},
      want: { ready: 0, notReady: 0 },
    },
    {
      name: 'publishNotReadyAddresses: not-ready pod is ready',
      pod: { ready: false },
      svc: { publishNotReadyAddresses: true },
      want: { ready: 1, notReady: 0 },
    },
    {
      name: 'publishNotReadyAddresses keeps a terminating pod',
      pod: { deleting: true },
      svc: { publishNotReadyAddresses: true },
      want: { ready: 1, notReady: 0 },
    },
    {
      name: 'Failed pod is left out',
      pod: { phase: 'Failed' as const },
      svc: {},
      want: { ready: 0, notReady: 0 },
    },
  ])('$name', async ({ pod, svc, want }) => {
    const e = env();
    await sync(e, makeService({ spec: svc }), [makePod({ name: 'p', ips: ['10.0.0.1'], ...pod })]);
    const ep = e.writer.get('default', 'web');
    expect({ ready: count(ep, 'addresses'), notReady: count(ep, 'notReadyAddresses') }).toEqual(
      want,
    );
  });

  it('pods whose named port resolves differently land in different subsets', async () => {
    const e = env();
    await sync(e, makeService(), [
      makePod({ name: 'a', ips: ['10.0.0.1'] }),
      makePod({
        name: 'b',
        ips: ['10.0.0.2'],
        containers: [
          { name: 'c', ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] },
        ],
      }),
    ]);
    const subsets = e.writer.get('default', 'web')?.subsets ?? [];
    expect(subsets.map((s) => [ips(s.addresses), s.ports?.[0]?.port]).sort()).toEqual([
      [['10.0.0.1'], 8080],
      [['10.0.0.2'], 9090],
    ]);
  });

  it.each([
    {
      name: 'headless without ports → subset without ports',
      svc: makeService({ ports: [], spec: { clusterIP: 'None' } }),
      wantSubsets: 1,
      headless: true,
    },
    {
      name: 'clusterIP Service without ports → no subsets',
      svc: makeService({ ports: [] }),
      wantSubsets: 0,
      headless: false,
    },
  ])('$name', async ({ svc, wantSubsets, headless }) => {
    const e = env();
    await sync(e, svc, makePods(2));
    const ep = e.writer.get('default', 'web');
    expect(ep?.subsets ?? []).toHaveLength(wantSubsets);
    if (wantSubsets === 1) expect(ep?.subsets?.[0]?.ports).toBeUndefined();
    expect('service.kubernetes.io/headless' in (ep?.metadata.labels ?? {})).toBe(headless);
  });

  it('hostname when subdomain matches the Service', async () => {
    const e = env();
    await sync(e, makeService(), [
      makePod({ name: 'p', ips: ['10.0.0.1'], hostname: 'h', subdomain: 'web' }),
    ]);
    expect(e.writer.get('default', 'web')?.subsets?.[0]?.addresses?.[0]?.hostname).toBe('h');
  });

  it.each([
    {
      name: 'IPv6 primary family picks the v6 IP',
      families: ['IPv6', 'IPv4'] as const,
      want: 'fd00::1',
    },
    {
      name: 'IPv4 primary family picks the v4 IP',
      families: ['IPv4', 'IPv6'] as const,
      want: '10.0.0.1',
    },
  ])('$name', async ({ families, want }) => {
    const e = env();
    await sync(e, makeService({ spec: { ipFamilies: [...families] } }), [
      makePod({ name: 'p', ips: ['10.0.0.1', 'fd00::1'] }),
    ]);
    expect(e.writer.get('default', 'web')?.subsets?.[0]?.addresses?.[0]?.ip).toBe(want);
  });

  it.each([
    {
      name: 'no selector',
      svc: makeService({ spec: { selector: undefined } }),
      reason: 'no-selector',
    },
    {
      name: 'ExternalName',
      svc: makeService({ spec: { type: 'ExternalName' } }),
      reason: 'external-name',
    },
  ])('skips: $name', async ({ svc, reason }) => {
    const e = env();
    const p = await sync(e, svc, makePods(1));
    expect(p).toEqual({ action: 'none', reason });
    expect(e.writer.actions).toEqual([]);
  });

  it.each([
    { name: 'nothing changed', change: (p: Pod[]) => p, svc: makeService(), verbs: [] },
    {
      name: 'only pod resourceVersions changed',
      change: (p: Pod[]) =>
        p.map((x) => ({ ...x, metadata: { ...x.metadata, resourceVersion: '7' } })),
      svc: makeService(),
      verbs: [],
    },
    {
      name: 'a pod added',
      change: (p: Pod[]) => [...p, ...makePods(1, 10)],
      svc: makeService(),
      verbs: ['update'],
    },
    {
      name: 'Service labels changed',
      change: (p: Pod[]) => p,
      svc: makeService({ labels: { x: 'y' } }),
      verbs: ['update'],
    },
  ])('second sync: $name', async ({ change, svc, verbs }) => {
    const e = env();
    const pods = makePods(3);
    await sync(e, makeService(), pods);
    e.writer.actions.length = 0;
    await sync(e, svc, change(pods));
    expect(e.writer.actions.map((a) => a.verb)).toEqual(verbs);
  });

  it('1,001 ready pods → 1,000 addresses and the over-capacity annotation; back under → removed', async () => {
    const e = env();
    const pods = makePods(1001);
    await sync(e, makeService(), pods);
    let ep = e.writer.get('default', 'web');
    expect(count(ep, 'addresses')).toBe(1000);
    expect(ep?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBe('truncated');
    // Kept: the first 1000 in sorted (IP byte) order; the highest IP is cut.
    expect(ips(ep?.subsets?.[0]?.addresses)).not.toContain('10.0.4.2');
    e.writer.actions.length = 0;
    await sync(e, makeService(), pods);
    expect(e.writer.actions).toEqual([]);
    await sync(e, makeService(), pods.slice(0, 999));
    ep = e.writer.get('default', 'web');
    expect(count(ep, 'addresses')).toBe(999);
    expect(ep?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  });

  it('deleteForService tolerates a missing object', async () => {
    const e = env();
    await sync(e, makeService(), makePods(1));
    await e.r.deleteForService('default', 'web');
    await e.r.deleteForService('default', 'web');
    expect(e.writer.actions.map((a) => a.verb)).toEqual(['create', 'delete']);
  });
});

const addr = (ip: string) => ({ ip, targetRef: { kind: 'Pod', uid: `u-${ip}` } });
const range = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) =>
    addr(`10.1.${Math.floor((from + i) / 250)}.${((from + i) % 250) + 1}`),
  );

describe('truncateSubsets', () => {
  it.each([
    {
      name: 'under capacity → untouched',
      subsets: [{ addresses: range(10, 0), notReadyAddresses: range(5, 100) }],
      max: 20,
      want: [{ ready: 10, notReady: 5 }],
      truncated: false,
    },
    {
      name: 'ready fits, not-ready trimmed proportionally',
      subsets: [
        { addresses: range(6, 0), notReadyAddresses: range(6, 100) },
        { addresses: range(2, 200), notReadyAddresses: range(2, 300) },
      ],
      max: 10,
      want: [
        { ready: 6, notReady: 2 },
        { ready: 2, notReady: 0 },
      ],
      truncated: true,
    },
    {
      name: 'ready over capacity → all not-ready dropped, ready split by ceil share',
      subsets: [
        { addresses: range(9, 0), notReadyAddresses: range(3, 100) },
        { addresses: range(3, 200) },
      ],
      max: 10,
      want: [
        { ready: 8, notReady: 0 },
        { ready: 2, notReady: 0 },
      ],
      truncated: true,
    },
  ])('$name', ({ subsets, max, want, truncated }) => {
    const got = truncateSubsets(subsets, max);
    expect(got.truncated).toBe(truncated);
    expect(
      got.subsets.map((s) => ({
        ready: s.addresses?.length ?? 0,
        notReady: s.notReadyAddresses?.length ?? 0,
      })),
    ).toEqual(want);
  });
});

describe('repackSubsets', () => {
  const p80 = { name: 'a', port: 80, protocol: 'TCP' as const };
  const p90 = { name: 'b', port: 90, protocol: 'TCP' as const };
  it.each([
    {
      name: 'same address for two ports → one subset with both ports',
      in: [
        { addresses: [addr('10.0.0.1')], ports: [p80] },
        { addresses: [addr('10.0.0.1')], ports: [p90] },
      ],
      want: [{ ready: ['10.0.0.1'], notReady: [], ports: [80, 90] }],
    },
    {
      name: 'not ready for one port → not ready for that port only',
      in: [
        { addresses: [addr('10.0.0.1')], ports: [p80] },
        { notReadyAddresses: [addr('10.0.0.1')], ports: [p90] },
      ],
      want: [
        { ready: ['10.0.0.1'], notReady: [], ports: [80] },
        { ready: [], notReady: ['10.0.0.1'], ports: [90] },
      ],
    },
    {
      name: 'ready and not-ready for the same port → not ready wins',
      in: [
        { addresses: [addr('10.0.0.1')], ports: [p80] },
        { notReadyAddresses: [addr('10.0.0.1')], ports: [p80] },
      ],
      want: [{ ready: [], notReady: ['10.0.0.1'], ports: [80] }],
    },
    {
      name: 'addresses merged and sorted numerically',
      in: [
        { addresses: [addr('10.0.0.10')], ports: [p80] },
        { addresses: [addr('10.0.0.9')], ports: [p80] },
      ],
      want: [{ ready: ['10.0.0.9', '10.0.0.10'], notReady: [], ports: [80] }],
    },
  ])('$name', ({ in: input, want }) => {
    const got = repackSubsets(input)
      .map((s) => ({
        ready: ips(s.addresses),
        notReady: ips(s.notReadyAddresses),
        ports: (s.ports ?? []).map((p) => p.port).sort(),
      }))
      .sort((a, b) => a.ports[0]! - b.ports[0]!);
    expect(got).toEqual(want);
  });
});

describe('subsetsEqual', () => {
  const addr = (ip: string, extra: Partial<EndpointAddress> = {}): EndpointAddress => ({
    ip,
    nodeName: 'node-1',
    targetRef: { kind: 'Pod', namespace: 'default', name: `p-${ip}`, uid: `u-${ip}` },
    ...extra,
  });
  const subset = (x: Partial<EndpointSubset> = {}): EndpointSubset => ({
    addresses: [addr('10.0.0.1'), addr('10.0.0.2')],
    notReadyAddresses: [addr('10.0.0.3')],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    ...x,
  });
  const withRV = (a: EndpointAddress): EndpointAddress => ({
    ...a,
    targetRef: { ...a.targetRef, resourceVersion: '9' },
  });
  it.each([
    { name: 'same content, different objects', a: [subset()], b: [subset()], want: true },
    { name: 'undefined ≡ []', a: undefined, b: [], want: true },
    {
      name: 'missing address list ≡ []',
      a: [subset({ notReadyAddresses: [] })],
      b: [{ ...subset(), notReadyAddresses: undefined }],
      want: true,
    },
    {
      name: 'targetRef.resourceVersion ignored',
      a: [subset()],
      b: [subset({ addresses: [withRV(addr('10.0.0.1')), addr('10.0.0.2')] })],
      want: true,
    },
    { name: 'frozen cached copy vs fresh', a: deepFreeze([subset()]), b: [subset()], want: true },
    { name: 'one subset more', a: [subset()], b: [subset(), subset()], want: false },
    {
      name: 'address moved to not ready',
      a: [subset()],
      b: [
        subset({
          addresses: [addr('10.0.0.1')],
          notReadyAddresses: [addr('10.0.0.2'), addr('10.0.0.3')],
        }),
      ],
      want: false,
    },
    {
      name: 'ip differs',
      a: [subset()],
      b: [subset({ addresses: [addr('10.0.0.1'), addr('10.0.0.9')] })],
      want: false,
    },
    {
      name: 'hostname set on one side',
      a: [subset()],
      b: [subset({ addresses: [addr('10.0.0.1', { hostname: 'h' }), addr('10.0.0.2')] })],
      want: false,
    },
    {
      name: 'nodeName differs',
      a: [subset()],
      b: [subset({ addresses: [addr('10.0.0.1', { nodeName: 'node-2' }), addr('10.0.0.2')] })],
      want: false,
    },
    {
      name: 'targetRef missing on one side',
      a: [subset()],
      b: [subset({ addresses: [{ ip: '10.0.0.1', nodeName: 'node-1' }, addr('10.0.0.2')] })],
      want: false,
    },
    {
      name: 'targetRef uid differs',
      a: [subset()],
      b: [
        subset({
          addresses: [
            addr('10.0.0.1', {
              targetRef: { kind: 'Pod', namespace: 'default', name: 'p-10.0.0.1', uid: 'other' },
            }),
            addr('10.0.0.2'),
          ],
        }),
      ],
      want: false,
    },
    {
      name: 'port number differs',
      a: [subset()],
      b: [subset({ ports: [{ name: 'http', port: 81, protocol: 'TCP' }] })],
      want: false,
    },
    {
      name: 'appProtocol set on one side',
      a: [subset()],
      b: [subset({ ports: [{ name: 'http', port: 80, protocol: 'TCP', appProtocol: 'h2c' }] })],
      want: false,
    },
    {
      name: 'one port more',
      a: [subset()],
      b: [
        subset({
          ports: [
            { name: 'http', port: 80, protocol: 'TCP' },
            { name: 'b', port: 81 },
          ],
        }),
      ],
      want: false,
    },
  ])('$name → $want', ({ a, b, want }) => {
    expect(subsetsEqual(a, b)).toBe(want);
    expect(subsetsEqual(b, a)).toBe(want);
  });
});

describe('EndpointsReconciler.plan update', () => {
  it('keeps the current object (metadata, extra fields) with new subsets, labels and annotations, and shares nothing with it', () => {
    const r = new EndpointsReconciler({ writer: new FakeEndpointsWriter() });
    const svc = makeService();
    const current: Endpoints = deepFreeze({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'web',
        namespace: 'default',
        resourceVersion: '5',
        uid: 'ep-uid',
        finalizers: ['f'],
        annotations: { keep: 'me' },
      },
      subsets: [{ addresses: [{ ip: '10.9.9.9' }] }],
    });
    const p = r.plan({ service: svc, pods: makePods(2), current });
    expect(p.action).toBe('update');
    if (p.action !== 'update') return;
    expect(Object.keys(p.endpoints)).toEqual(['apiVersion', 'kind', 'metadata', 'subsets']);
    expect(p.endpoints.metadata).toMatchObject({
      resourceVersion: '5',
      uid: 'ep-uid',
      finalizers: ['f'],
      annotations: { keep: 'me' },
    });
    expect(ips(p.endpoints.subsets?.[0]?.addresses)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(p.endpoints.metadata.finalizers).not.toBe(current.metadata.finalizers);
    expect(Object.isFrozen(p.endpoints.metadata.finalizers)).toBe(false);
  });
});
