import { describe, expect, it } from 'vitest';
import { QType, RcodeName } from '../../plugin.js';
import { fixtureObjects, rr } from '../../testing/fixtures.js';
import { DnsController } from './controller.js';
import { answer } from './handler.js';
import { kubernetesOptions, PodMode, type KubernetesOptions } from './setup.js';

const SERIAL = 1700000000;
function source(synced = true): DnsController {
  const c = new DnsController({ now: () => SERIAL });
  for (const o of fixtureObjects()) c.onAdd(o);
  if (synced) c.markSynced();
  return c;
}
const soa = (zone = 'cluster.local', ttl = 5): string =>
  `${zone}. ${Math.min(ttl, 300)} IN SOA ns.dns.${zone}. hostmaster.${zone}. ${SERIAL} 7200 1800 86400 ${ttl}`;
const SOA = soa();
const Z = 'cluster.local';
const T = `testns.svc.${Z}`;

/** CoreDNS test.Case: qname, qtype → rcode, answer, ns, extra. */
interface Case {
  name: string;
  qname: string;
  qtype: keyof typeof QType;
  rcode: string;
  answer?: string[];
  ns?: string[];
  extra?: string[];
  opts?: Partial<KubernetesOptions>;
  synced?: boolean;
  upstream?: string;
}

const noFall = { fallthrough: undefined };
const cases: Case[] = [
  // ClusterIP services
  {
    name: 'A of a ClusterIP service',
    qname: `svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'AAAA of an IPv4 service is NODATA',
    qname: `svc1.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'AAAA of an IPv6 service',
    qname: `svc6.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`svc6.${T}. 5 IN AAAA 1234:abcd::1`],
  },
  {
    name: 'A of an IPv6 service is NODATA',
    qname: `svc6.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'dual-stack A',
    qname: `dual.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`dual.${T}. 5 IN A 10.0.0.6`],
  },
  {
    name: 'dual-stack AAAA',
    qname: `dual.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`dual.${T}. 5 IN AAAA fd00::6`],
  },
  {
    name: 'ClusterIP without endpoints still answers',
    qname: `noeps.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`noeps.${T}. 5 IN A 10.0.0.10`],
  },
  {
    name: 'service without ports answers A',
    qname: `noports.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`noports.${T}. 5 IN A 10.0.0.9`],
  },
  {
    name: 'unknown service is NXDOMAIN',
    qname: `nothere.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'case is kept in owner names',
    qname: 'SVC1.TestNS.svc.Cluster.Local',
    qtype: 'A',
    rcode: 'NOERROR',
    answer: ['SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1'],
  },
  {
    name: 'SOA is spelled as the query zone',
    qname: 'nothere.testns.svc.CLUSTER.local',
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [soa('CLUSTER.local')],
  },
  // endpoint names under ClusterIP services
  {
    name: 'endpoint hostname under a ClusterIP service',
    qname: `ep1a.svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`ep1a.svc1.${T}. 5 IN A 172.0.0.1`],
  },
  {
    name: 'dashed-IP endpoint name',
    qname: `172-0-0-2.svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`172-0-0-2.svc1.${T}. 5 IN A 172.0.0.2`],
  },
  {
    name: 'unknown endpoint is NXDOMAIN',
    qname: `nope.svc1.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'three labels left of the service is NXDOMAIN',
    qname: `a.b.c.svc1.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  // SRV
  {
    name: 'SRV of a named port',
    qname: `_http._tcp.svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`_http._tcp.svc1.${T}. 5 IN SRV 0 100 80 svc1.${T}.`],
    extra: [`svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'SRV of a UDP port',
    qname: `_dns._udp.svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`_dns._udp.svc1.${T}. 5 IN SRV 0 100 53 svc1.${T}.`],
    extra: [`svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'SRV without underscores',
    qname: `http.tcp.svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`http.tcp.svc1.${T}. 5 IN SRV 0 100 80 svc1.${T}.`],
    extra: [`svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'SRV of all ports, unnamed included',
    qname: `svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [
      `svc1.${T}. 5 IN SRV 0 33 80 svc1.${T}.`,
      `svc1.${T}. 5 IN SRV 0 33 53 svc1.${T}.`,
      `svc1.${T}. 5 IN SRV 0 33 8080 svc1.${T}.`,
    ],
    extra: [`svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'unknown port is NXDOMAIN',
    qname: `_nope._tcp.svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'wrong protocol is NXDOMAIN',
    qname: `_http._udp.svc1.${T}`,
    qtype: 'SRV',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'A on an SRV name returns the ClusterIP',
    qname: `_http._tcp.svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`_http._tcp.svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'dual-stack SRV: weight 50, one record, two glue',
    qname: `dual.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [`dual.${T}. 5 IN SRV 0 50 80 dual.${T}.`],
    extra: [`dual.${T}. 5 IN A 10.0.0.6`, `dual.${T}. 5 IN AAAA fd00::6`],
  },
  {
    name: 'SRV on a service without ports is NODATA',
    qname: `noports.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'SRV target spelled as the query zone',
    qname: `_http._tcp.svc1.testns.svc.Cluster.Local`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [
      `_http._tcp.svc1.testns.svc.Cluster.Local. 5 IN SRV 0 100 80 svc1.testns.svc.Cluster.Local.`,
    ],
    extra: [`svc1.testns.svc.Cluster.Local. 5 IN A 10.0.0.1`],
  },
  // headless
  {
    name: 'headless A: every ready address',
    qname: `hdls1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [
      `hdls1.${T}. 5 IN A 172.0.0.10`,
      `hdls1.${T}. 5 IN A 172.0.0.11`,
      `hdls1.${T}. 5 IN A 172.0.0.12`,
    ],
  },
  {
    name: 'headless AAAA',
    qname: `hdls1.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`hdls1.${T}. 5 IN AAAA 5678:abcd::1`],
  },
  {
    name: 'headless SRV: per endpoint targets, duplicates removed',
    qname: `_http._tcp.hdls1.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    answer: [
      `_http._tcp.hdls1.${T}. 5 IN SRV 0 25 80 dup-name.hdls1.${T}.`,
      `_http._tcp.hdls1.${T}. 5 IN SRV 0 25 80 172-0-0-12.hdls1.${T}.`,
      `_http._tcp.hdls1.${T}. 5 IN SRV 0 25 80 5678-abcd--1.hdls1.${T}.`,
    ],
    extra: [
      `dup-name.hdls1.${T}. 5 IN A 172.0.0.10`,
      `dup-name.hdls1.${T}. 5 IN A 172.0.0.11`,
      `172-0-0-12.hdls1.${T}. 5 IN A 172.0.0.12`,
      `5678-abcd--1.hdls1.${T}. 5 IN AAAA 5678:abcd::1`,
    ],
  },
  {
    name: 'shared hostname returns every address',
    qname: `dup-name.hdls1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`dup-name.hdls1.${T}. 5 IN A 172.0.0.10`, `dup-name.hdls1.${T}. 5 IN A 172.0.0.11`],
  },
  {
    name: 'IPv6 dashed endpoint name',
    qname: `5678-abcd--1.hdls1.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`5678-abcd--1.hdls1.${T}. 5 IN AAAA 5678:abcd::1`],
  },
  {
    name: 'not-ready endpoint is left out',
    qname: `172-0-0-13.hdls1.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'headless with no ready address is NXDOMAIN',
    qname: `hdlsempty.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'headless with no ready address, SOA is NODATA',
    qname: `hdlsempty.${T}`,
    qtype: 'SOA',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'headless slice without ports answers A',
    qname: `hdlsnoports.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`hdlsnoports.${T}. 5 IN A 172.0.0.30`],
  },
  {
    name: 'headless slice without ports: SRV NODATA',
    qname: `hdlsnoports.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  // ExternalName
  {
    name: 'ExternalName CNAME',
    qname: `external.${T}`,
    qtype: 'CNAME',
    rcode: 'NOERROR',
    answer: [`external.${T}. 5 IN CNAME ext.interwebs.test.`],
  },
  {
    name: 'ExternalName A asks upstream',
    qname: `external.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`external.${T}. 5 IN CNAME ext.interwebs.test.`],
    upstream: 'ext.interwebs.test A',
  },
  {
    name: 'ExternalName to an in-zone name is chased',
    qname: `extinternal.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`extinternal.${T}. 5 IN CNAME svc1.${T}.`, `svc1.${T}. 5 IN A 10.0.0.1`],
  },
  {
    name: 'in-zone chase finding nothing is NODATA without CNAME',
    qname: `extinternal.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'ExternalName with an IP is NXDOMAIN',
    qname: `extip.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'below an ExternalName is NXDOMAIN',
    qname: `foo.external.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'ExternalName TXT is NODATA',
    qname: `external.${T}`,
    qtype: 'TXT',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'ExternalName SRV is NODATA',
    qname: `external.${T}`,
    qtype: 'SRV',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'CNAME on a ClusterIP service is NODATA',
    qname: `svc1.${T}`,
    qtype: 'CNAME',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  // namespaces and empty requests
  { name: 'existing namespace is NODATA', qname: T, qtype: 'A', rcode: 'NOERROR', ns: [SOA] },
  {
    name: 'namespace without services is NODATA',
    qname: `emptyns.svc.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'missing namespace is NXDOMAIN',
    qname: `nope.svc.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'service in a namespace that does not exist is NXDOMAIN',
    qname: `invisible.ghost.svc.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  { name: 'svc.<zone> is NODATA', qname: `svc.${Z}`, qtype: 'A', rcode: 'NOERROR', ns: [SOA] },
  { name: 'pod.<zone> is NODATA', qname: `pod.${Z}`, qtype: 'A', rcode: 'NOERROR', ns: [SOA] },
  {
    name: 'second label not svc/pod is NXDOMAIN',
    qname: `foo.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'namespaces option hides others',
    qname: `svc1.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { namespaces: ['default'] },
  },
  // apex, NS, TXT, SOA, other types
  { name: 'apex SOA', qname: Z, qtype: 'SOA', rcode: 'NOERROR', answer: [SOA] },
  { name: 'apex A is NODATA', qname: Z, qtype: 'A', rcode: 'NOERROR', ns: [SOA] },
  {
    name: 'apex NS',
    qname: Z,
    qtype: 'NS',
    rcode: 'NOERROR',
    answer: [`${Z}. 5 IN NS ns.dns.${Z}.`],
    extra: [`ns.dns.${Z}. 5 IN A 127.0.0.1`],
  },
  {
    name: 'apex NS: the service this server is an endpoint of',
    qname: Z,
    qtype: 'NS',
    rcode: 'NOERROR',
    answer: [`${Z}. 5 IN NS svc1.${T}.`],
    extra: [`svc1.${T}. 5 IN A 10.0.0.1`],
    opts: { nsAddresses: ['172.0.0.2'] },
  },
  {
    name: 'apex NS: a headless service names the endpoint',
    qname: Z,
    qtype: 'NS',
    rcode: 'NOERROR',
    answer: [`${Z}. 5 IN NS 172-0-0-12.hdls1.${T}.`],
    extra: [`172-0-0-12.hdls1.${T}. 5 IN A 172.0.0.12`],
    opts: { nsAddresses: ['172.0.0.12'] },
  },
  {
    name: 'ns.dns.<zone> A follows the NS addresses',
    qname: `ns.dns.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`ns.dns.${Z}. 5 IN A 10.0.0.1`],
    opts: { nsAddresses: ['172.0.0.2'] },
  },
  {
    name: 'ns.dns.<zone> A',
    qname: `ns.dns.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`ns.dns.${Z}. 5 IN A 127.0.0.1`],
  },
  {
    name: 'NS below the apex on an existing name is NODATA',
    qname: `svc1.${T}`,
    qtype: 'NS',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'NS below the apex on a missing name is NXDOMAIN',
    qname: `nothere.${T}`,
    qtype: 'NS',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'dns-version TXT',
    qname: `dns-version.${Z}`,
    qtype: 'TXT',
    rcode: 'NOERROR',
    answer: [`dns-version.${Z}. 28800 IN TXT "1.1.0"`],
  },
  {
    name: 'TXT on a name with records is NODATA',
    qname: `svc1.${T}`,
    qtype: 'TXT',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'TXT on a missing name is NXDOMAIN',
    qname: `nothere.${T}`,
    qtype: 'TXT',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'TXT on the apex is NXDOMAIN (quirk)',
    qname: Z,
    qtype: 'TXT',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'SOA below the apex is NODATA even if missing',
    qname: `nothere.${T}`,
    qtype: 'SOA',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'HINFO on an existing name is NODATA',
    qname: `svc1.${T}`,
    qtype: 'HINFO',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'HINFO on a missing name is NXDOMAIN',
    qname: `nothere.${T}`,
    qtype: 'HINFO',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'MX on an existing name is NODATA',
    qname: `svc1.${T}`,
    qtype: 'MX',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  { name: 'AXFR is REFUSED', qname: Z, qtype: 'AXFR', rcode: 'REFUSED' },
  // PTR
  {
    name: 'PTR of a ClusterIP',
    qname: '1.0.0.10.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${T}.`],
  },
  {
    name: 'PTR of an endpoint with hostname',
    qname: '1.0.0.172.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [`1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.${T}.`],
  },
  {
    name: 'PTR of an endpoint without hostname',
    qname: '12.0.0.172.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [`12.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-12.hdls1.${T}.`],
  },
  {
    name: 'PTR of an IPv6 ClusterIP',
    qname: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa',
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [
      `1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR svc6.${T}.`,
    ],
  },
  {
    name: 'PTR of an unknown IP is NXDOMAIN with the reverse SOA',
    qname: '9.9.9.9.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'NXDOMAIN',
    ns: [soa('in-addr.arpa')],
    opts: noFall,
  },
  {
    name: 'PTR of an unknown IP falls through by default',
    qname: '9.9.9.9.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'next',
  },
  {
    name: 'PTR on an existing forward name is NODATA',
    qname: `svc1.${T}`,
    qtype: 'PTR',
    rcode: 'NOERROR',
    ns: [SOA],
  },
  {
    name: 'PTR on a missing forward name is NXDOMAIN',
    qname: `nothere.${T}`,
    qtype: 'PTR',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'PTR hidden by namespaces',
    qname: '1.0.0.10.in-addr.arpa',
    qtype: 'PTR',
    rcode: 'NXDOMAIN',
    ns: [soa('in-addr.arpa')],
    opts: { namespaces: ['default'], fallthrough: undefined },
  },
  // pods
  {
    name: 'pods disabled: NXDOMAIN',
    qname: `10-244-0-5.testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  {
    name: 'pods insecure: any IP',
    qname: `1-2-3-4.testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`1-2-3-4.testns.pod.${Z}. 5 IN A 1.2.3.4`],
    opts: { pods: PodMode.Insecure },
  },
  {
    name: 'pods insecure: not an IP',
    qname: `notanip.testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { pods: PodMode.Insecure },
  },
  {
    name: 'pods insecure: missing namespace',
    qname: `1-2-3-4.nope.pod.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { pods: PodMode.Insecure },
  },
  {
    name: 'pods insecure: <ns>.pod is NODATA',
    qname: `testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    ns: [SOA],
    opts: { pods: PodMode.Insecure },
  },
  {
    name: 'pods insecure: AAAA of an IPv4 label is NODATA',
    qname: `1-2-3-4.testns.pod.${Z}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    ns: [SOA],
    opts: { pods: PodMode.Insecure },
  },
  {
    name: 'pods verified: existing pod',
    qname: `10-244-0-5.testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`10-244-0-5.testns.pod.${Z}. 5 IN A 10.244.0.5`],
    opts: { pods: PodMode.Verified },
  },
  {
    name: 'pods verified: no such pod',
    qname: `1-2-3-4.testns.pod.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { pods: PodMode.Verified },
  },
  {
    name: 'pods verified: pod in another namespace',
    qname: `10-244-0-5.default.pod.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { pods: PodMode.Verified },
  },
  // options
  {
    name: 'endpoint_pod_names',
    qname: `pod-b.svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`pod-b.svc1.${T}. 5 IN A 172.0.0.2`],
    opts: { endpointPodNames: true },
  },
  {
    name: 'endpoint_pod_names: hostname still wins',
    qname: `ep1a.svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`ep1a.svc1.${T}. 5 IN A 172.0.0.1`],
    opts: { endpointPodNames: true },
  },
  {
    name: 'ignore empty_service',
    qname: `noeps.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { ignoreEmptyService: true },
  },
  {
    name: 'ignore empty_service keeps services with endpoints',
    qname: `svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`svc1.${T}. 5 IN A 10.0.0.1`],
    opts: { ignoreEmptyService: true },
  },
  {
    name: 'noendpoints: headless is NXDOMAIN',
    qname: `hdls1.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { noEndpoints: true },
  },
  {
    name: 'ttl option',
    qname: `svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`svc1.${T}. 30 IN A 10.0.0.1`],
    opts: { ttl: 30 },
  },
  {
    name: 'ttl option in the SOA',
    qname: `nothere.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [soa(Z, 30)],
    opts: { ttl: 30 },
  },
  {
    name: 'fallthrough (all zones)',
    qname: `nothere.${T}`,
    qtype: 'A',
    rcode: 'next',
    opts: { fallthrough: [] },
  },
  {
    name: 'fallthrough never applies to NODATA',
    qname: `svc1.${T}`,
    qtype: 'AAAA',
    rcode: 'NOERROR',
    ns: [SOA],
    opts: { fallthrough: [] },
  },
  {
    name: 'fallthrough limited to a zone',
    qname: `foo.${Z}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
    opts: { fallthrough: [`svc.${Z}`] },
  },
  // sync and zones
  {
    name: 'not synced: name error is SERVFAIL',
    qname: `nothere.${T}`,
    qtype: 'A',
    rcode: 'SERVFAIL',
    ns: [SOA],
    synced: false,
  },
  {
    name: 'not synced: positive answers still served',
    qname: `svc1.${T}`,
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`svc1.${T}. 5 IN A 10.0.0.1`],
    synced: false,
  },
  { name: 'out of zone goes to the next plugin', qname: 'example.org', qtype: 'A', rcode: 'next' },
  {
    name: 'wildcards are literal labels (removed in 1.9.0)',
    qname: `*.${T}`,
    qtype: 'A',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
];

describe('answer', () => {
  it.each(cases)('$name', (c) => {
    const a = answer(
      { qname: c.qname, qtype: QType[c.qtype] },
      source(c.synced ?? true),
      kubernetesOptions(c.opts),
    );
    if (c.rcode === 'next') {
      expect(a.kind).toBe('next');
      return;
    }
    if (a.kind !== 'reply') throw new Error('expected a reply');
    expect(RcodeName[a.reply.rcode]).toBe(c.rcode);
    expect(a.reply.answers.map(rr)).toEqual(c.answer ?? []);
    expect(a.reply.authorities.map(rr)).toEqual(c.ns ?? []);
    expect(a.reply.additionals.map(rr)).toEqual(c.extra ?? []);
    expect(a.reply.aa).toBe(c.rcode !== 'REFUSED');
    expect(a.upstream ? `${a.upstream.name} ${c.qtype}` : undefined).toBe(c.upstream);
  });
});
