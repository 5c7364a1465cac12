import { describe, expect, it } from 'vitest';
import { AffinityTable } from './affinity-table.js';
import type { Packet } from './decide.js';
import { decide, explain } from './decide.js';
import { renderIptables } from './iptables-render.js';
import {
  makeEndpointSlice,
  makeService,
  overallIptablesFixture,
  tcp80,
  testNodeName,
} from './testing.js';

const node = { name: testNodeName, ip: '192.168.0.2' };
const { ruleSet } = renderIptables(overallIptablesFixture(), node, { clusterCIDR: '10.0.0.0/8' });
const pod = '10.244.1.5';
const outside = '198.51.100.1';
const pkt = (
  srcIP: string,
  dstIP: string,
  dstPort: number,
  more: Partial<Packet> = {},
): Packet => ({
  srcIP,
  dstIP,
  dstPort,
  protocol: 'TCP',
  fromLocalPod: srcIP.startsWith('10.'),
  ...more,
});

interface Case {
  name: string;
  packet: Packet;
  rand?: number;
  want: { verdict: string; ip?: string; port?: number; masquerade?: boolean; comment?: string };
}

const cases: Case[] = [
  {
    name: 'pod → ClusterIP: DNAT, no masquerade',
    packet: pkt(pod, '172.30.0.41', 80),
    want: { verdict: 'dnat', ip: '10.180.0.1', port: 80, masquerade: false },
  },
  {
    name: 'off-cluster source → ClusterIP: masquerade',
    packet: pkt(outside, '172.30.0.41', 80),
    want: { verdict: 'dnat', ip: '10.180.0.1', masquerade: true },
  },
  {
    name: 'ClusterIP wrong port: untouched',
    packet: pkt(pod, '172.30.0.41', 81),
    want: { verdict: 'none' },
  },
  {
    name: 'no endpoints → REJECT',
    packet: pkt(pod, '172.30.0.46', 80),
    want: { verdict: 'reject', comment: 'ns6/svc6:p80 has no endpoints' },
  },
  {
    name: 'eTP Local, no local endpoints: external → LB IP dropped',
    packet: pkt(outside, '1.2.3.4', 80),
    want: { verdict: 'drop', comment: 'ns2/svc2:p80 has no local endpoints' },
  },
  {
    name: 'eTP Local, no local endpoints: external → externalIP dropped',
    packet: pkt(outside, '192.168.99.22', 80),
    want: { verdict: 'drop', comment: 'ns2/svc2:p80 has no local endpoints' },
  },
  {
    name: 'eTP Local, no local endpoints: external → NodePort dropped',
    packet: pkt(outside, '192.168.0.2', 3001),
    want: { verdict: 'drop', comment: 'ns2/svc2:p80 has no local endpoints' },
  },
  {
    name: 'eTP Local: pod → LB IP short-circuits to the cluster chain',
    packet: pkt(pod, '1.2.3.4', 80),
    want: { verdict: 'dnat', ip: '10.180.0.2', masquerade: false },
  },
  {
    name: 'eTP Local: host → NodePort is masqueraded and routed to the cluster chain',
    packet: pkt('192.168.0.2', '192.168.0.2', 3001, { fromHost: true, fromLocalPod: false }),
    want: { verdict: 'dnat', ip: '10.180.0.2', masquerade: true },
  },
  {
    name: 'health check node port accepted',
    packet: pkt(outside, '192.168.0.2', 30000),
    want: { verdict: 'accept' },
  },
  {
    name: 'NodePort Cluster policy: masquerade',
    packet: pkt(outside, '192.168.0.2', 3003),
    want: { verdict: 'dnat', ip: '10.180.0.3', masquerade: true },
  },
  {
    name: 'localhost NodePort',
    packet: pkt('127.0.0.1', '127.0.0.1', 3003, { fromHost: true }),
    want: { verdict: 'dnat', ip: '10.180.0.3', masquerade: true },
  },
  {
    name: 'externalIP, Cluster policy: masquerade',
    packet: pkt(outside, '192.168.99.33', 80, { fromLocalPod: false }),
    rand: 0.9,
    want: { verdict: 'dnat', ip: '10.180.0.5', masquerade: true },
  },
  {
    name: 'two endpoints, rand 0.2 → first',
    packet: pkt(pod, '172.30.0.44', 80),
    rand: 0.2,
    want: { verdict: 'dnat', ip: '10.180.0.4' },
  },
  {
    name: 'two endpoints, rand 0.7 → second',
    packet: pkt(pod, '172.30.0.44', 80),
    rand: 0.7,
    want: { verdict: 'dnat', ip: '10.180.0.5' },
  },
  {
    name: 'LB source range allowed',
    packet: pkt('203.0.113.5', '5.6.7.8', 80),
    want: { verdict: 'dnat', ip: '10.180.0.3', masquerade: true },
  },
  {
    name: 'LB source range refused → KUBE-PROXY-FIREWALL drop',
    packet: pkt(outside, '5.6.7.8', 80),
    want: {
      verdict: 'drop',
      comment: 'ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C',
    },
  },
  {
    name: 'UDP to a TCP service: untouched',
    packet: pkt(pod, '172.30.0.41', 80, { protocol: 'UDP' }),
    want: { verdict: 'none' },
  },
];

describe('decide on TestOverallIPTablesRules', () => {
  it.each(cases)('$name', ({ packet, rand, want }) => {
    const d = decide(ruleSet, packet, () => rand ?? 0.5, new AffinityTable(() => 0));
    expect(d).toMatchObject(want);
  });
});

describe('decide: load balancing and affinity', () => {
  const three = [
    makeEndpointSlice('ns1', 'svc1', {
      endpoints: [
        { addresses: ['10.180.0.1'] },
        { addresses: ['10.180.0.2'] },
        { addresses: ['10.180.0.3'] },
      ],
      ports: tcp80,
    }),
  ];
  const p80 = { name: 'p80', port: 80, protocol: 'TCP' } as const;

  it.each([
    { name: 'rand 0.00 → 1st', draws: [0.0], want: '10.180.0.1' },
    { name: 'rand 0.34 then 0.49 → 2nd', draws: [0.34, 0.49], want: '10.180.0.2' },
    { name: 'rand 0.34 then 0.51 → 3rd', draws: [0.34, 0.51], want: '10.180.0.3' },
  ])('three endpoints: $name', ({ draws, want }) => {
    const rs = renderIptables(
      {
        services: [
          makeService('ns1', 'svc1', { spec: { clusterIP: '172.30.0.41', ports: [p80] } }),
        ],
        endpointSlices: three,
      },
      node,
      {
        clusterCIDR: '10.0.0.0/8',
      },
    ).ruleSet;
    let i = 0;
    const d = decide(rs, pkt(pod, '172.30.0.41', 80), () => draws[i++] ?? 1, new AffinityTable());
    expect(d).toMatchObject({ verdict: 'dnat', ip: want });
  });

  it('spreads evenly over a uniform grid of draws', () => {
    const rs = renderIptables(
      {
        services: [
          makeService('ns1', 'svc1', { spec: { clusterIP: '172.30.0.41', ports: [p80] } }),
        ],
        endpointSlices: three,
      },
      node,
      {
        clusterCIDR: '10.0.0.0/8',
      },
    ).ruleSet;
    const counts = new Map<string, number>();
    const n = 300;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < 2; b++) {
        const draws = [(a + 0.5) / n, (b + 0.5) / 2];
        let i = 0;
        const d = decide(
          rs,
          pkt(pod, '172.30.0.41', 80),
          () => draws[i++] ?? 0,
          new AffinityTable(),
        );
        if (d.verdict === 'dnat') counts.set(d.ip, (counts.get(d.ip) ?? 0) + 1);
      }
    }
    expect([...counts.values()]).toEqual([200, 200, 200]);
  });

  it('ClientIP affinity sticks until the timeout passes', () => {
    const svc = makeService('ns1', 'svc1', {
      spec: {
        clusterIP: '172.30.0.41',
        ports: [p80],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      },
    });
    const rs = renderIptables({ services: [svc], endpointSlices: three }, node, {
      clusterCIDR: '10.0.0.0/8',
    }).ruleSet;
    let now = 1_000_000;
    const affinity = new AffinityTable(() => now);
    const first = decide(rs, pkt(pod, '172.30.0.41', 80), () => 0.99, affinity);
    expect(first).toMatchObject({ verdict: 'dnat', ip: '10.180.0.3' });
    now += 59_000;
    expect(decide(rs, pkt(pod, '172.30.0.41', 80), () => 0, affinity)).toMatchObject({
      ip: '10.180.0.3',
    });
    expect(decide(rs, pkt('10.244.1.6', '172.30.0.41', 80), () => 0, affinity)).toMatchObject({
      ip: '10.180.0.1',
    });
    now += 61_000;
    expect(decide(rs, pkt(pod, '172.30.0.41', 80), () => 0, affinity)).toMatchObject({
      ip: '10.180.0.1',
    });
  });

  it('internalTrafficPolicy Local without local endpoints drops ClusterIP traffic', () => {
    const svc = makeService('ns1', 'svc1', {
      spec: { clusterIP: '172.30.0.41', ports: [p80], internalTrafficPolicy: 'Local' },
    });
    const rs = renderIptables({ services: [svc], endpointSlices: three }, node, {
      clusterCIDR: '10.0.0.0/8',
    }).ruleSet;
    expect(decide(rs, pkt(pod, '172.30.0.41', 80), () => 0, new AffinityTable())).toMatchObject({
      verdict: 'drop',
      comment: 'ns1/svc1:p80 has no local endpoints',
    });
  });

  it('uses the chain index on long chains and still picks the right service', () => {
    const services = Array.from({ length: 200 }, (_, i) =>
      makeService('ns', `s${i}`, {
        spec: { clusterIP: `172.30.${Math.floor(i / 250)}.${i % 250}`, ports: [p80] },
      }),
    );
    const slices = services.map((s, i) =>
      makeEndpointSlice('ns', s.metadata.name ?? '', {
        endpoints: [{ addresses: [`10.180.1.${i % 250}`] }],
        ports: tcp80,
      }),
    );
    const rs = renderIptables({ services, endpointSlices: slices }, node, {
      clusterCIDR: '10.0.0.0/8',
    }).ruleSet;
    expect(decide(rs, pkt(pod, '172.30.0.123', 80), () => 0, new AffinityTable())).toMatchObject({
      verdict: 'dnat',
      ip: '10.180.1.123',
    });
  });
});

describe('explain', () => {
  const close = (x: number): number => Math.round(x * 1e9) / 1e9;
  it.each([
    {
      name: 'two endpoints, half each, pod source not masqueraded',
      packet: pkt(pod, '172.30.0.44', 80),
      want: [
        { ip: '10.180.0.4', port: 80, probability: 0.5, masquerade: false },
        { ip: '10.180.0.5', port: 80, probability: 0.5, masquerade: false },
      ],
    },
    {
      name: 'hairpin: an endpoint reaching itself is masqueraded',
      packet: pkt('10.180.0.4', '172.30.0.44', 80),
      want: [
        { ip: '10.180.0.4', port: 80, probability: 0.5, masquerade: true },
        { ip: '10.180.0.5', port: 80, probability: 0.5, masquerade: false },
      ],
    },
    {
      name: 'single endpoint',
      packet: pkt(outside, '172.30.0.41', 80),
      want: [{ ip: '10.180.0.1', port: 80, probability: 1, masquerade: true }],
    },
  ])('$name', ({ packet, want }) => {
    const e = explain(ruleSet, packet);
    expect(e.verdict).toBe('dnat');
    if (e.verdict !== 'dnat') return;
    expect(e.candidates.map((c) => ({ ...c, probability: close(c.probability) }))).toEqual(want);
  });

  it('reports the affinity window and keeps the affinity table untouched', () => {
    const e = explain(ruleSet, pkt(pod, '172.30.0.45', 80));
    expect(e).toMatchObject({
      verdict: 'dnat',
      affinitySeconds: 10800,
      candidates: [{ ip: '10.180.0.3', probability: 1 }],
    });
  });

  it.each([
    { name: 'no endpoints', packet: pkt(pod, '172.30.0.46', 80), verdict: 'reject' },
    {
      name: 'eTP Local without local endpoints, from outside',
      packet: pkt(outside, '1.2.3.4', 80),
      verdict: 'drop',
    },
    { name: 'not a service', packet: pkt(pod, '10.9.9.9', 80), verdict: 'none' },
  ])('$name → $verdict', ({ packet, verdict }) => {
    expect(explain(ruleSet, packet).verdict).toBe(verdict);
  });

  it('three endpoints get a third each', () => {
    const p80 = { name: 'p80', port: 80, protocol: 'TCP' } as const;
    const rs = renderIptables(
      {
        services: [
          makeService('ns1', 'svc1', { spec: { clusterIP: '172.30.0.41', ports: [p80] } }),
        ],
        endpointSlices: [
          makeEndpointSlice('ns1', 'svc1', {
            endpoints: [
              { addresses: ['10.180.0.1'] },
              { addresses: ['10.180.0.2'] },
              { addresses: ['10.180.0.3'] },
            ],
            ports: tcp80,
          }),
        ],
      },
      node,
      { clusterCIDR: '10.0.0.0/8' },
    ).ruleSet;
    const e = explain(rs, pkt(pod, '172.30.0.41', 80));
    expect(e.verdict === 'dnat' ? e.candidates.map((c) => close(c.probability)) : []).toEqual([
      close(1 / 3),
      close(1 / 3),
      close(1 / 3),
    ]);
  });
});
