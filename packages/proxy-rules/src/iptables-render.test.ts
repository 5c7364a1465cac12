import type { Endpoint, EndpointSlice, Service, ServiceSpec, ServiceStatus } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { sortIptablesRules } from './iptables-dump.js';
import type { IptablesOptions } from './iptables-render.js';
import { IptablesCache, renderIptables } from './iptables-render.js';
import { makeEndpointSlice, makeService, tcp80, testNodeName } from './testing.js';

const node = { name: testNodeName, ip: '192.168.0.2' };
const base: IptablesOptions = { clusterCIDR: '10.0.0.0/8' };
const p80 = { name: 'p80', port: 80, protocol: 'TCP' } as const;
// Hashes of ns1/svc1:p80 (tcp) and its endpoints.
const H = 'XPGD46QRK7WJZT7O';
const SEP1 = 'KUBE-SEP-SXIVWICOYRO3J4NJ'; // 10.180.0.1:80
const SEP2 = 'KUBE-SEP-ZX7GRIZKSNUQ3LAJ'; // 10.180.2.1:80

function svc1(spec: ServiceSpec, status?: ServiceStatus): Service {
  return makeService('ns1', 'svc1', {
    spec: { clusterIP: '172.30.0.41', ports: [p80], ...spec },
    ...(status ? { status } : {}),
  });
}
function eps(...endpoints: Endpoint[]): EndpointSlice[] {
  return [makeEndpointSlice('ns1', 'svc1', { endpoints, ports: tcp80 })];
}
const remote = (ip: string, c: Endpoint['conditions'] = {}): Endpoint => ({
  addresses: [ip],
  nodeName: 'other-node',
  conditions: c,
});
const local = (ip: string, c: Endpoint['conditions'] = {}): Endpoint => ({
  addresses: [ip],
  nodeName: testNodeName,
  conditions: c,
});

interface Case {
  name: string;
  services: Service[];
  slices: EndpointSlice[];
  opts?: IptablesOptions;
  has: string[];
  hasNot?: string[];
}

const cases: Case[] = [
  {
    name: 'ClientIP affinity: recent checks first, --set in the SEP chain',
    services: [
      svc1({
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } },
      }),
    ],
    slices: eps(remote('10.180.0.1'), local('10.180.2.1')),
    has: [
      `-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --name ${SEP1} --rcheck --seconds 300 --reap -j ${SEP1}`,
      `-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -m recent --name ${SEP2} --rcheck --seconds 300 --reap -j ${SEP2}`,
      `-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j ${SEP1}`,
      `-A ${SEP1} -m comment --comment ns1/svc1:p80 -m recent --name ${SEP1} --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`,
    ],
  },
  {
    name: 'externalTrafficPolicy Local with a local endpoint: EXT → SVL, health check accepted',
    services: [
      svc1(
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 30000,
          ports: [{ ...p80, nodePort: 3001 }],
        },
        { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      ),
    ],
    slices: eps(remote('10.180.0.1'), local('10.180.2.1')),
    has: [
      `:KUBE-SVL-${H} - [0:0]`,
      `-A KUBE-EXT-${H} -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-${H}`,
      `-A KUBE-EXT-${H} -j KUBE-SVL-${H}`,
      `-A KUBE-SVL-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j ${SEP2}`,
      '-A KUBE-NODEPORTS -m comment --comment "ns1/svc1:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT',
    ],
    hasNot: ['has no local endpoints'],
  },
  {
    name: 'externalTrafficPolicy Local without local endpoints: DROP external, no SVL, EXT short-circuits only',
    services: [
      svc1({
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        ports: [{ ...p80, nodePort: 3001 }],
      }),
    ],
    slices: eps(remote('10.180.0.1')),
    has: [
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP',
      `-A KUBE-EXT-${H} -m comment --comment "route LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${H}`,
    ],
    hasNot: [`KUBE-SVL-${H}`, `-A KUBE-EXT-${H} -j`, 'health check'],
  },
  {
    name: 'internalTrafficPolicy Local with no local endpoints: ClusterIP DROP in filter',
    services: [svc1({ internalTrafficPolicy: 'Local' })],
    slices: eps(remote('10.180.0.1')),
    has: [
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP',
    ],
    hasNot: [`KUBE-SVC-${H}`, `KUBE-SVL-${H}`, SEP1],
  },
  {
    name: 'internalTrafficPolicy Local with a local endpoint: ClusterIP → SVL only',
    services: [svc1({ internalTrafficPolicy: 'Local' })],
    slices: eps(remote('10.180.0.1'), local('10.180.2.1')),
    has: [
      `-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVL-${H}`,
      `-A KUBE-SVL-${H} -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`,
    ],
    hasNot: [`KUBE-SVC-${H}`, SEP1],
  },
  {
    name: 'NodePort with Cluster policy: localhost nfacct rule, then the plain one, EXT masquerades',
    services: [svc1({ type: 'NodePort', ports: [{ ...p80, nodePort: 30080 }] })],
    slices: eps(remote('10.180.0.1')),
    has: [
      `-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 30080 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-${H}`,
      `-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 30080 -j KUBE-EXT-${H}`,
      `-A KUBE-EXT-${H} -m comment --comment "masquerade traffic for ns1/svc1:p80 external destinations" -j KUBE-MARK-MASQ`,
      `-A KUBE-EXT-${H} -j KUBE-SVC-${H}`,
    ],
  },
  {
    name: 'LB source ranges: KUBE-FW chain, node-IP range allows the LB IP as source, PROXY-FIREWALL drop',
    services: [
      svc1(
        {
          type: 'LoadBalancer',
          ports: [{ ...p80, nodePort: 3001 }],
          loadBalancerSourceRanges: ['192.168.0.0/24', '203.0.113.0/25'],
        },
        {
          loadBalancer: { ingress: [{ ip: '5.6.7.8' }] },
        },
      ),
    ],
    slices: eps(remote('10.180.0.1')),
    has: [
      `-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-${H}`,
      `-A KUBE-FW-${H} -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 192.168.0.0/24 -j KUBE-EXT-${H}`,
      `-A KUBE-FW-${H} -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-${H}`,
      `-A KUBE-FW-${H} -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 5.6.7.8 -j KUBE-EXT-${H}`,
      `-A KUBE-FW-${H} -m comment --comment "other traffic to ns1/svc1:p80 will be dropped by KUBE-PROXY-FIREWALL"`,
      `-A KUBE-PROXY-FIREWALL -m comment --comment "ns1/svc1:p80 traffic not accepted by KUBE-FW-${H}" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP`,
    ],
  },
  {
    name: 'no endpoints: REJECT ClusterIP, externalIP, LB IP and NodePort; no nat chains',
    services: [
      svc1(
        {
          type: 'LoadBalancer',
          externalIPs: ['192.168.99.11'],
          ports: [{ ...p80, nodePort: 3001 }],
        },
        {
          loadBalancer: { ingress: [{ ip: '1.2.3.4' }] },
        },
      ),
    ],
    slices: [],
    has: [
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT',
    ],
    hasNot: [`KUBE-SVC-${H}`, `KUBE-EXT-${H}`, 'KUBE-NODEPORTS -m comment --comment ns1'],
  },
  {
    name: 'only terminating endpoints: serving ones are used, non-serving are not',
    services: [svc1({})],
    slices: eps(
      remote('10.180.0.1', { ready: false, serving: true, terminating: true }),
      remote('10.180.0.9', { ready: false, serving: false, terminating: true }),
    ),
    has: [`-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j ${SEP1}`],
    hasNot: ['10.180.0.9', 'has no endpoints'],
  },
  {
    name: 'ready endpoints win over terminating ones',
    services: [svc1({})],
    slices: eps(
      remote('10.180.0.1', { ready: false, serving: true, terminating: true }),
      local('10.180.2.1'),
    ),
    has: [`-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j ${SEP2}`],
    hasNot: [SEP1],
  },
  {
    name: 'externalIPs with Cluster policy',
    services: [svc1({ externalIPs: ['192.168.99.33', '2001:db8::1'] })],
    slices: eps(remote('10.180.0.1')),
    has: [
      `-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-${H}`,
    ],
    hasNot: ['2001:db8::1'],
  },
  {
    name: 'multi-port Service: one chain set per port, endpoints matched by port name',
    services: [
      makeService('ns1', 'web', {
        spec: {
          clusterIP: '172.30.0.50',
          ports: [
            { name: 'http', port: 80, protocol: 'TCP' },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
        },
      }),
    ],
    slices: [
      makeEndpointSlice('ns1', 'web', {
        endpoints: [{ addresses: ['10.180.0.7'] }],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'dns', port: 5353, protocol: 'UDP' },
        ],
      }),
    ],
    has: [
      '--comment "ns1/web:http cluster IP" -m tcp -p tcp -d 172.30.0.50 --dport 80 -j KUBE-SVC-',
      '--comment "ns1/web:dns cluster IP" -m udp -p udp -d 172.30.0.50 --dport 53 -j KUBE-SVC-',
      '--comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.180.0.7:8080',
      '--comment ns1/web:dns -m udp -p udp -j DNAT --to-destination 10.180.0.7:5353',
    ],
  },
  {
    name: 'three endpoints: probabilities 1/3 then 1/2, last unconditional',
    services: [svc1({})],
    slices: eps(remote('10.180.0.1'), remote('10.180.0.2'), remote('10.180.0.3')),
    has: [
      '"ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.3333333333 -j',
      '"ns1/svc1:p80 -> 10.180.0.2:80" -m statistic --mode random --probability 0.5000000000 -j',
      '"ns1/svc1:p80 -> 10.180.0.3:80" -j KUBE-SEP-',
    ],
  },
  {
    name: 'masquerade-all: SVC head masquerades every source',
    services: [svc1({})],
    slices: eps(remote('10.180.0.1')),
    opts: { masqueradeAll: true },
    has: [
      `-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ`,
    ],
  },
  {
    name: 'no local detector: no SVC head rule',
    services: [svc1({})],
    slices: eps(remote('10.180.0.1')),
    opts: { clusterCIDR: undefined },
    has: [`-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j ${SEP1}`],
    hasNot: [
      'KUBE-MARK-MASQ\n-A KUBE-SVC',
      `-A KUBE-SVC-${H} -m comment --comment "ns1/svc1:p80 cluster IP"`,
    ],
  },
  {
    name: 'headless, ExternalName and service-proxy-name Services are skipped; IPv6 slices ignored',
    services: [
      makeService('ns1', 'headless', { spec: { clusterIP: 'None', ports: [p80] } }),
      makeService('ns1', 'ext', {
        spec: { type: 'ExternalName', externalName: 'example.invalid', ports: [p80] },
      }),
      makeService('ns1', 'other', {
        spec: { clusterIP: '172.30.0.60', ports: [p80] },
        labels: { 'service.kubernetes.io/service-proxy-name': 'x' },
      }),
      svc1({}),
    ],
    slices: [
      makeEndpointSlice('ns1', 'svc1', {
        endpoints: [{ addresses: ['fd00::1'] }],
        ports: tcp80,
        addressType: 'IPv6',
      }),
    ],
    has: ['"ns1/svc1:p80 has no endpoints"'],
    hasNot: ['ns1/headless', 'ns1/ext', 'ns1/other', 'fd00'],
  },
  {
    name: 'endpoints merged across slices and de-duplicated, non-terminating copy wins',
    services: [svc1({})],
    slices: [
      makeEndpointSlice('ns1', 'svc1', {
        endpoints: [remote('10.180.0.1', { ready: false, serving: true, terminating: true })],
        ports: tcp80,
      }),
      makeEndpointSlice('ns1', 'svc1', {
        n: 2,
        endpoints: [remote('10.180.0.1'), remote('10.180.0.2')],
        ports: tcp80,
      }),
    ],
    has: [
      '"ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000',
      '"ns1/svc1:p80 -> 10.180.0.2:80" -j',
    ],
  },
  {
    name: 'unnamed port: comment is ns/name',
    services: [
      makeService('ns1', 'plain', {
        spec: { clusterIP: '172.30.0.70', ports: [{ port: 80, protocol: 'TCP' }] },
      }),
    ],
    slices: [
      makeEndpointSlice('ns1', 'plain', {
        endpoints: [{ addresses: ['10.180.0.8'] }],
        ports: [{ name: '', port: 80, protocol: 'TCP' }],
      }),
    ],
    has: [
      '--comment "ns1/plain cluster IP"',
      '--comment ns1/plain -m tcp -p tcp -j DNAT --to-destination 10.180.0.8:80',
    ],
  },
  {
    name: 'localhost nodeports off: last rule excludes 127.0.0.0/8, no KUBE-FIREWALL',
    services: [svc1({})],
    slices: eps(remote('10.180.0.1')),
    opts: { localhostNodePorts: false },
    has: ['-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS'],
    hasNot: [':KUBE-FIREWALL'],
  },
  {
    name: 'nodePortAddresses: one last rule per matching node IP',
    services: [svc1({})],
    slices: eps(remote('10.180.0.1')),
    opts: { nodePortAddresses: ['192.168.0.0/16'] },
    has: [
      '--comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.0.2 -j KUBE-NODEPORTS',
    ],
  },
];

describe('renderIptables rules', () => {
  it.each(cases)('$name', ({ services, slices, opts, has, hasNot }) => {
    const { text } = renderIptables({ services, endpointSlices: slices }, node, {
      ...base,
      ...opts,
    });
    const sorted = sortIptablesRules(text);
    for (const line of has) expect(sorted).toContain(line);
    for (const line of hasNot ?? []) expect(sorted).not.toContain(line);
  });
});

describe('large cluster mode', () => {
  it('drops per-endpoint comments above the threshold', () => {
    const { text, stats } = renderIptables(
      { services: [svc1({})], endpointSlices: eps(remote('10.180.0.1'), remote('10.180.0.2')) },
      node,
      {
        ...base,
        largeClusterThreshold: 1,
      },
    );
    expect(stats.largeClusterMode).toBe(true);
    expect(text).toContain(
      `-A KUBE-SVC-${H} -m statistic --mode random --probability 0.5000000000 -j ${SEP1}`,
    );
    expect(text).toContain(`-A ${SEP1} -s 10.180.0.1 -j KUBE-MARK-MASQ`);
    expect(text).toContain(`-A ${SEP1} -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`);
  });
});

describe('partial rendering with a cache', () => {
  it('reuses unchanged services, re-renders changed ones, deletes stale chains', () => {
    const cache = new IptablesCache();
    const a = svc1({});
    const b = makeService('ns2', 'svc2', { spec: { clusterIP: '172.30.0.42', ports: [p80] } });
    const slicesA = eps(remote('10.180.0.1'));
    const slicesB = [
      makeEndpointSlice('ns2', 'svc2', { endpoints: [remote('10.180.0.2')], ports: tcp80 }),
    ];
    const first = renderIptables(
      { services: [a, b], endpointSlices: [...slicesA, ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(first.stats.renderedServicePorts).toBe(2);

    const again = renderIptables(
      { services: [a, b], endpointSlices: [...slicesA, ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(again.stats.renderedServicePorts).toBe(0);
    expect(again.text).toBe(first.text);

    const slicesA2 = eps(remote('10.180.0.9'));
    const changed = renderIptables(
      { services: [a, b], endpointSlices: [...slicesA2, ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(changed.stats.renderedServicePorts).toBe(1);
    expect(changed.stats.deletedChains).toBe(1);
    expect(changed.text).toContain(`:${SEP1} - [0:0]`);
    expect(changed.text).toContain(`-X ${SEP1}`);
    const fresh = renderIptables(
      { services: [a, b], endpointSlices: [...slicesA2, ...slicesB] },
      node,
      base,
    );
    expect(
      sortIptablesRules(changed.text.replace(`:${SEP1} - [0:0]\n`, '').replace(`-X ${SEP1}\n`, '')),
    ).toBe(sortIptablesRules(fresh.text));
  });

  it('restoreText of a partial sync holds every KUBE-SERVICES rule but only the changed chains', () => {
    const cache = new IptablesCache();
    const a = svc1({});
    const b = makeService('ns2', 'svc2', { spec: { clusterIP: '172.30.0.42', ports: [p80] } });
    const slicesB = [
      makeEndpointSlice('ns2', 'svc2', { endpoints: [remote('10.180.0.2')], ports: tcp80 }),
    ];
    const first = renderIptables(
      { services: [a, b], endpointSlices: [...eps(remote('10.180.0.1')), ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(first.fullSync).toBe(true);
    expect(first.restoreText).toBe(first.text);

    const second = renderIptables(
      { services: [a, b], endpointSlices: [...eps(remote('10.180.0.9')), ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(second.fullSync).toBe(false);
    const r = second.restoreText;
    expect(r).toContain('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP"');
    expect(r).toContain('-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP"');
    expect(r).toContain(`:KUBE-SVC-${H} - [0:0]`);
    expect(r).toContain('--to-destination 10.180.0.9:80');
    expect(r).not.toContain('--to-destination 10.180.0.2:80');
    expect(r).not.toContain(':KUBE-SVC-GNZBNJ2PO5MGZ6GT');
    expect(r).toContain(`-X ${SEP1}`);
    expect(r.startsWith('*filter\n')).toBe(true);

    cache.forceFullSync();
    const third = renderIptables(
      { services: [a, b], endpointSlices: [...eps(remote('10.180.0.9')), ...slicesB] },
      node,
      { ...base, cache },
    );
    expect(third.fullSync).toBe(true);
    expect(third.stats.renderedServicePorts).toBe(2);
    expect(third.restoreText).toContain('--to-destination 10.180.0.2:80');
  });

  it('starts over when options change', () => {
    const cache = new IptablesCache();
    const state = { services: [svc1({})], endpointSlices: eps(remote('10.180.0.1')) };
    renderIptables(state, node, { ...base, cache });
    const r = renderIptables(state, node, { ...base, masqueradeAll: true, cache });
    expect(r.stats.renderedServicePorts).toBe(1);
    expect(r.stats.deletedChains).toBe(0);
  });
});
