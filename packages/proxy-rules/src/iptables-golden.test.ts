// THE GOLDEN TEST: upstream TestOverallIPTablesRules. Like upstream's assertIPTablesRulesEqual, the
// rendered text goes through sortIPTablesRules (replicated as sortIptablesRules) and is then
// compared byte for byte with the verbatim expected text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sortIptablesRules } from './iptables-dump.js';
import { renderIptables } from './iptables-render.js';
import {
  makeEndpointSlice,
  makeService,
  overallIptablesFixture,
  tcp80,
  testNodeName,
} from './testing.js';

const golden = (name: string): string =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const node = { name: testNodeName, ip: '192.168.0.2' };

describe('TestOverallIPTablesRules', () => {
  it('matches upstream verbatim after upstream sorting', () => {
    const { text } = renderIptables(overallIptablesFixture(), node, { clusterCIDR: '10.0.0.0/8' });
    expect(sortIptablesRules(text)).toBe(golden('overall-iptables-rules.txt'));
  });

  it('matches upstream whatever order the services come in', () => {
    const f = overallIptablesFixture();
    const { text } = renderIptables(
      { services: [...f.services].reverse(), endpointSlices: [...f.endpointSlices].reverse() },
      node,
      { clusterCIDR: '10.0.0.0/8' },
    );
    expect(sortIptablesRules(text)).toBe(golden('overall-iptables-rules.txt'));
  });
});

describe('TestOnlyLocalExternalIPs-style fixture (KUBE-SVL)', () => {
  it('matches the nat table of the older fixture (no nfacct)', () => {
    const svc = makeService('ns1', 'svc1', {
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '172.30.0.41',
        externalIPs: ['192.168.99.11'],
        healthCheckNodePort: 30000,
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    });
    const slice = makeEndpointSlice('ns1', 'svc1', {
      endpoints: [
        { addresses: ['10.180.0.1'], nodeName: 'other-node' },
        { addresses: ['10.180.2.1'], nodeName: testNodeName },
      ],
      ports: tcp80,
    });
    const { text } = renderIptables({ services: [svc], endpointSlices: [slice] }, node, {
      clusterCIDR: '10.0.0.0/8',
      nfacct: false,
      localhostNodePorts: false,
    });
    const sorted = sortIptablesRules(text);
    const natOnly = sorted.slice(sorted.indexOf('*nat'));
    const want = golden('only-local-external-ips-nat.txt');
    // That fixture predates the localhost-nodeports default; ours adds `! -d 127.0.0.0/8` when off.
    expect(
      natOnly.replace(
        ' -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 ',
        ' -m addrtype --dst-type LOCAL ',
      ),
    ).toBe(want);
  });
});
