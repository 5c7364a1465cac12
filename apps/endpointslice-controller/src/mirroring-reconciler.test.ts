import type { Endpoints, EndpointSubset } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { deepFreeze, FakeEndpointSliceWriter } from './fake-writers.js';
import { MirroringReconciler, mirroringAction, shouldMirror } from './mirroring-reconciler.js';
import { makeService } from './testing-fixtures.js';

function makeEndpoints(
  subsets: EndpointSubset[],
  meta: Partial<Endpoints['metadata']> = {},
): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'ext', namespace: 'default', uid: 'uid-ep', resourceVersion: '5', ...meta },
    subsets,
  };
}

const port = { name: 'http', port: 8080, protocol: 'TCP' as const };
const addrs = (n: number, prefix = '192.168.0.') =>
  Array.from({ length: n }, (_, i) => ({ ip: `${prefix}${i + 1}` }));

function env(max?: number) {
  const writer = new FakeEndpointSliceWriter();
  return { writer, r: new MirroringReconciler({ writer, maxEndpointsPerSubset: max }) };
}

describe('MirroringReconciler', () => {
  it('mirrors ready and not-ready addresses with labels, annotations and ownerRef as upstream', async () => {
    const e = env();
    const ep = makeEndpoints(
      [
        {
          addresses: [
            {
              ip: '192.168.0.1',
              hostname: 'h',
              nodeName: 'n1',
              targetRef: { kind: 'Pod', name: 'x', namespace: 'default' },
            },
          ],
          notReadyAddresses: [{ ip: '192.168.0.2' }],
          ports: [port],
        },
      ],
      {
        labels: { team: 'a' },
        annotations: {
          keep: 'me',
          'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
      },
    );
    await e.r.reconcile(deepFreeze(ep), []);
    const [s, ...rest] = e.writer.slices();
    expect(rest).toEqual([]);
    expect(s?.metadata.generateName).toBe('ext-');
    expect(s?.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'ext',
      'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    expect(s?.metadata.annotations).toEqual({ keep: 'me' });
    expect(s?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        name: 'ext',
        uid: 'uid-ep',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(s?.addressType).toBe('IPv4');
    expect(s?.ports).toEqual([port]);
    expect(s?.endpoints).toEqual([
      {
        addresses: ['192.168.0.1'],
        conditions: { ready: true },
        hostname: 'h',
        nodeName: 'n1',
        targetRef: { kind: 'Pod', name: 'x', namespace: 'default' },
      },
      { addresses: ['192.168.0.2'], conditions: { ready: false } },
    ]);
  });

  it.each([
    {
      name: 'IPv4 and IPv6 addresses → one slice per address type',
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [port] }],
      want: ['IPv4:1', 'IPv6:1'],
    },
    {
      name: 'two subsets with different ports → two slices',
      subsets: [
        { addresses: addrs(2), ports: [port] },
        { addresses: addrs(3, '10.9.9.'), ports: [{ ...port, port: 9090 }] },
      ],
      want: ['IPv4:2', 'IPv4:3'],
    },
    {
      name: 'invalid IPs are skipped',
      subsets: [{ addresses: [{ ip: 'not-an-ip' }, { ip: '10.0.0.1' }], ports: [port] }],
      want: ['IPv4:1'],
    },
    { name: 'no subsets → no slices', subsets: [], want: [] },
  ])('$name', async ({ subsets, want }) => {
    const e = env();
    await e.r.reconcile(makeEndpoints(subsets), []);
    expect(
      e.writer
        .slices()
        .map((s) => `${s.addressType}:${(s.endpoints ?? []).length}`)
        .sort(),
    ).toEqual(want);
  });

  it('caps addresses per subset at 1000 (ready first)', async () => {
    const e = env();
    const p = await e.r.reconcile(
      makeEndpoints([
        {
          addresses: [
            ...addrs(250, '10.0.0.'),
            ...addrs(250, '10.0.1.'),
            ...addrs(250, '10.0.2.'),
            ...addrs(250, '10.0.3.'),
          ],
          notReadyAddresses: addrs(5, '10.0.4.'),
          ports: [port],
        },
      ]),
      [],
    );
    const [s] = e.writer.slices();
    expect(s?.endpoints).toHaveLength(1000);
    expect((s?.endpoints ?? []).every((x) => x.conditions?.ready === true)).toBe(true);
    expect(p.addressesSkipped).toBe(5);
  });

  it.each([
    { name: 'unchanged → no writes', change: (ep: Endpoints) => ep, verbs: [] },
    {
      name: 'address added → update in place',
      change: (ep: Endpoints) =>
        makeEndpoints([{ addresses: addrs(3), ports: [port] }], { labels: ep.metadata.labels }),
      verbs: ['update'],
    },
    {
      name: 'label changed → update',
      change: () =>
        makeEndpoints([{ addresses: addrs(2), ports: [port] }], { labels: { team: 'b' } }),
      verbs: ['update'],
    },
    {
      name: 'port changed → recycled by update',
      change: () =>
        makeEndpoints([{ addresses: addrs(2), ports: [{ ...port, port: 1 }] }], {
          labels: { team: 'a' },
        }),
      verbs: ['update'],
    },
    {
      name: 'all addresses gone → delete',
      change: () => makeEndpoints([], { labels: { team: 'a' } }),
      verbs: ['delete'],
    },
    {
      name: 'Endpoints recreated (new UID) → rebuilt',
      change: () =>
        makeEndpoints([{ addresses: addrs(2), ports: [port] }], {
          labels: { team: 'a' },
          uid: 'uid-2',
        }),
      verbs: ['update'],
    },
  ])('second sync: $name', async ({ change, verbs }) => {
    const e = env();
    const ep = makeEndpoints([{ addresses: addrs(2), ports: [port] }], { labels: { team: 'a' } });
    await e.r.reconcile(ep, []);
    e.writer.actions.length = 0;
    await e.r.reconcile(change(ep), e.writer.slices());
    expect(e.writer.actions.map((a) => a.verb)).toEqual(verbs);
  });

  it('deleteAll removes every mirrored slice', async () => {
    const e = env();
    await e.r.reconcile(
      makeEndpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [port] }]),
      [],
    );
    await e.r.deleteAll('default', 'ext', e.writer.slices());
    expect(e.writer.slices()).toEqual([]);
  });
});

describe('mirroring decisions', () => {
  const ep = makeEndpoints([]);
  it.each([
    {
      name: 'skip-mirror label',
      ep: makeEndpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }),
      want: false,
    },
    {
      name: 'leader-election annotation',
      ep: makeEndpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }),
      want: false,
    },
    { name: 'plain Endpoints', ep, want: true },
    { name: 'no Endpoints', ep: undefined, want: false },
  ])('shouldMirror: $name', ({ ep: x, want }) => {
    expect(shouldMirror(x)).toBe(want);
  });

  it.each([
    { name: 'Service gone', svc: undefined, ep, want: 'forget' },
    {
      name: 'ExternalName',
      svc: makeService({ spec: { type: 'ExternalName', selector: undefined } }),
      ep,
      want: 'forget',
    },
    { name: 'Service with selector', svc: makeService(), ep, want: 'delete' },
    {
      name: 'selector-less, Endpoints gone',
      svc: makeService({ spec: { selector: undefined } }),
      ep: undefined,
      want: 'delete',
    },
    {
      name: 'selector-less with Endpoints',
      svc: makeService({ spec: { selector: undefined } }),
      ep,
      want: 'mirror',
    },
  ])('mirroringAction: $name', ({ svc, ep: x, want }) => {
    expect(mirroringAction(svc, x)).toBe(want);
  });
});
