import { describe, expect, it } from 'vitest';
import { renderIpvs } from './ipvs-render.js';
import { makeEndpointSlice, makeService, overallIptablesFixture, testNodeName } from './testing.js';

const node = { name: testNodeName, ip: '192.168.0.2' };

describe('renderIpvs: ipvsadm -Ln', () => {
  it('prints the pkg/proxy/ipvs/README.md example (trailing padding aside)', () => {
    const services = [
      makeService('default', 'kubernetes', {
        spec: {
          clusterIP: '10.0.0.1',
          ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        },
      }),
      makeService('kube-system', 'kube-dns', {
        spec: {
          clusterIP: '10.0.0.10',
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
        },
      }),
    ];
    const endpointSlices = [
      makeEndpointSlice('default', 'kubernetes', {
        endpoints: [{ addresses: ['192.168.0.1'] }],
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      }),
      makeEndpointSlice('kube-system', 'kube-dns', {
        endpoints: [{ addresses: ['172.17.0.2'] }],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      }),
    ];
    const { ipvsadmText } = renderIpvs({ services, endpointSlices }, node, {
      connections: (vs) => ({ active: vs.port === 443 ? 1 : 0, inactive: 0 }),
    });
    const want = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.0.0.1:443 rr persistent 10800',
      '  -> 192.168.0.1:6443             Masq    1      1          0',
      'TCP  10.0.0.10:53 rr',
      '  -> 172.17.0.2:53                Masq    1      0          0',
      'UDP  10.0.0.10:53 rr',
      '  -> 172.17.0.2:53                Masq    1      0          0',
      '',
    ].join('\n');
    expect(ipvsadmText.replace(/ +$/gm, '')).toBe(want);
    // ipvsadm pads every column with printf("%-10u"), so the real line ends in spaces.
    expect(ipvsadmText).toContain(
      '  -> 172.17.0.2:53                Masq    1      0          0         \n',
    );
  });

  it.each([
    {
      name: 'ClusterIP with affinity is persistent',
      line: 'TCP  172.30.0.45:80 sh persistent 10800',
    },
    { name: 'LB IP virtual server', line: 'TCP  5.6.7.8:80 sh persistent 10800' },
    { name: 'NodePort on the node IP', line: 'TCP  192.168.0.2:3003 sh' },
    { name: 'externalIP virtual server', line: 'TCP  192.168.99.33:80 sh' },
    {
      name: 'no endpoints keeps an empty virtual server',
      line: 'TCP  172.30.0.46:80 sh\nTCP  192.168.0.2:3001 sh',
    },
    {
      name: 'eTP Local without local endpoints falls back to cluster endpoints',
      line: 'TCP  1.2.3.4:80 sh\n  -> 10.180.0.2:80',
    },
  ])('$name', ({ line }) => {
    const { ipvsadmText } = renderIpvs(overallIptablesFixture(), node, { scheduler: 'sh' });
    expect(ipvsadmText).toContain(line);
  });

  it('marks the external virtual servers of an eTP Local fallback (not the ClusterIP one)', () => {
    const { virtualServers } = renderIpvs(overallIptablesFixture(), node);
    const fallback = virtualServers.filter((v) => v.localFallback === true);
    expect(fallback.map((v) => `${v.kind} ${v.address}:${v.port}`)).toContain(
      'LoadBalancer 1.2.3.4:80',
    );
    expect(fallback.every((v) => v.kind !== 'ClusterIP')).toBe(true);
    expect(virtualServers.find((v) => v.address === '172.30.0.41')?.localFallback).toBeUndefined();
  });

  it('sorts by protocol, then address numerically, then port', () => {
    const { virtualServers } = renderIpvs(overallIptablesFixture(), node);
    const keys = virtualServers.map((v) => `${v.protocol} ${v.address}:${v.port}`);
    expect(keys.slice(0, 4)).toEqual([
      'TCP 1.2.3.4:80',
      'TCP 5.6.7.8:80',
      'TCP 172.30.0.41:80',
      'TCP 172.30.0.42:80',
    ]);
  });

  it('keeps a terminating endpoint at weight 0 while ready ones carry traffic', () => {
    const svc = makeService('ns1', 'svc1', {
      spec: { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] },
    });
    const slice = makeEndpointSlice('ns1', 'svc1', {
      endpoints: [
        { addresses: ['10.180.0.1'] },
        {
          addresses: ['10.180.0.2'],
          conditions: { ready: false, serving: true, terminating: true },
        },
      ],
      ports: [{ name: 'p80', port: 80, protocol: 'TCP' }],
    });
    const { virtualServers } = renderIpvs({ services: [svc], endpointSlices: [slice] }, node);
    expect(virtualServers[0]?.realServers.map((r) => [r.address, r.weight])).toEqual([
      ['10.180.0.1', 1],
      ['10.180.0.2', 0],
    ]);
  });
});

describe('renderIpvs: ipsets and iptables', () => {
  const r = renderIpvs(overallIptablesFixture(), node, { clusterCIDR: '10.0.0.0/8' });
  const set = (name: string): readonly string[] =>
    r.ipsets.find((s) => s.name === name)?.entries ?? [];

  it.each([
    {
      name: 'KUBE-CLUSTER-IP',
      want: [
        '172.30.0.41,tcp:80',
        '172.30.0.42,tcp:80',
        '172.30.0.43,tcp:80',
        '172.30.0.44,tcp:80',
        '172.30.0.45,tcp:80',
        '172.30.0.46,tcp:80',
      ],
    },
    { name: 'KUBE-LOOP-BACK', want: ['10.180.0.5,tcp:80,10.180.0.5'] },
    { name: 'KUBE-EXTERNAL-IP', want: ['192.168.99.33,tcp:80'] },
    { name: 'KUBE-EXTERNAL-IP-LOCAL', want: ['192.168.99.22,tcp:80'] },
    { name: 'KUBE-LOAD-BALANCER', want: ['1.2.3.4,tcp:80', '5.6.7.8,tcp:80'] },
    { name: 'KUBE-LOAD-BALANCER-LOCAL', want: ['1.2.3.4,tcp:80'] },
    { name: 'KUBE-LOAD-BALANCER-FW', want: ['5.6.7.8,tcp:80'] },
    { name: 'KUBE-LOAD-BALANCER-SOURCE-CIDR', want: ['5.6.7.8,tcp:80,203.0.113.0/25'] },
    { name: 'KUBE-LOAD-BALANCER-SOURCE-IP', want: [] },
    { name: 'KUBE-NODE-PORT-TCP', want: ['3001', '3002', '3003'] },
    { name: 'KUBE-NODE-PORT-LOCAL-TCP', want: ['3001'] },
    { name: 'KUBE-HEALTH-CHECK-NODE-PORT', want: ['30000'] },
  ])('$name', ({ name, want }) => {
    expect(set(name)).toEqual(want);
  });

  it('binds ClusterIPs, externalIPs and LB IPs to kube-ipvs0', () => {
    expect(r.boundAddresses).toEqual([
      '1.2.3.4',
      '5.6.7.8',
      '172.30.0.41',
      '172.30.0.42',
      '172.30.0.43',
      '172.30.0.44',
      '172.30.0.45',
      '172.30.0.46',
      '192.168.99.22',
      '192.168.99.33',
    ]);
  });

  it.each([
    '-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN',
    '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER',
    '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN',
    '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ',
    '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
    '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
    '-A KUBE-IPVS-OUT-FILTER -s 5.6.7.8 -m ipvs --vaddr 5.6.7.8 --vproto tcp --vport 80 -j DROP',
    '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
    '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
  ])('iptables has %s', (line) => {
    expect(r.iptablesText).toContain(`${line}\n`);
  });

  it('prints ipset list blocks with reference counts', () => {
    expect(r.ipsetText).toContain(
      'Name: KUBE-NODE-PORT-TCP\nType: bitmap:port\nRevision: 3\nHeader: range 0-65535\nSize in memory: 0\nReferences: 1\nNumber of entries: 3\nMembers:\n3001\n3002\n3003\n',
    );
  });
});
