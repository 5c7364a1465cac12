// Test fixtures: the API objects of the handler, server and end-to-end tests, and a dig-like record printer.
import type { Answer } from 'dns-packet';
import type { EndpointSlice, Namespace, Pod, Service } from '@svclab/api';

export function namespace(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function service(ns: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}

export interface Ep {
  ip: string;
  hostname?: string;
  ready?: boolean;
  pod?: string;
}

export function slice(
  { ns, name, svc }: { ns: string; name: string; svc: string },
  eps: readonly Ep[],
  ports: EndpointSlice['ports'] = [{ name: 'http', port: 80, protocol: 'TCP' }],
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': svc } },
    addressType: eps[0]?.ip.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      ...(e.hostname === undefined ? {} : { hostname: e.hostname }),
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
      ...(e.pod === undefined ? {} : { targetRef: { kind: 'Pod', namespace: ns, name: e.pod } }),
    })),
    ports,
  };
}

export function pod(ns: string, name: string, ip: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name },
    spec: { containers: [] },
    status: { podIP: ip },
  };
}

const http = [{ name: 'http', port: 80, protocol: 'TCP' as const }];

/** The objects the table tests run against. */
export function fixtureObjects(): (Service | EndpointSlice | Pod | Namespace)[] {
  return [
    namespace('testns'),
    namespace('default'),
    namespace('emptyns'),
    service('testns', 'svc1', {
      clusterIP: '10.0.0.1',
      ports: [...http, { name: 'dns', port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }],
    }),
    slice({ ns: 'testns', name: 'svc1-abc', svc: 'svc1' }, [
      { ip: '172.0.0.1', hostname: 'ep1a', pod: 'pod-a' },
      { ip: '172.0.0.2', pod: 'pod-b' },
    ]),
    service('testns', 'svc6', {
      clusterIP: '1234:abcd::1',
      clusterIPs: ['1234:abcd::1'],
      ports: http,
    }),
    service('testns', 'dual', {
      clusterIP: '10.0.0.6',
      clusterIPs: ['10.0.0.6', 'fd00::6'],
      ports: http,
    }),
    service('testns', 'hdls1', { clusterIP: 'None', ports: http }),
    slice({ ns: 'testns', name: 'hdls1-abc', svc: 'hdls1' }, [
      { ip: '172.0.0.10', hostname: 'dup-name' },
      { ip: '172.0.0.11', hostname: 'dup-name' },
      { ip: '172.0.0.12' },
      { ip: '172.0.0.13', ready: false },
    ]),
    slice({ ns: 'testns', name: 'hdls1-v6', svc: 'hdls1' }, [{ ip: '5678:abcd::1' }]),
    service('testns', 'hdlsempty', { clusterIP: 'None', ports: http }),
    slice({ ns: 'testns', name: 'hdlsempty-abc', svc: 'hdlsempty' }, [
      { ip: '172.0.0.20', ready: false },
    ]),
    service('testns', 'hdlsnoports', { clusterIP: 'None' }),
    slice(
      { ns: 'testns', name: 'hdlsnoports-abc', svc: 'hdlsnoports' },
      [{ ip: '172.0.0.30' }],
      [],
    ),
    service('testns', 'external', { type: 'ExternalName', externalName: 'ext.interwebs.test' }),
    service('testns', 'extinternal', {
      type: 'ExternalName',
      externalName: 'svc1.testns.svc.cluster.local',
    }),
    service('testns', 'extip', { type: 'ExternalName', externalName: '1.2.3.4' }),
    service('testns', 'noports', { clusterIP: '10.0.0.9' }),
    service('testns', 'noeps', { clusterIP: '10.0.0.10', ports: http }),
    service('ghost', 'invisible', { clusterIP: '10.0.0.11', ports: http }),
    pod('testns', 'pod1', '10.244.0.5'),
  ];
}

/** One record as dig prints it, whitespace collapsed: `name. ttl IN TYPE data`. */
export function rr(a: Answer): string {
  const n = (s: string): string => (s.endsWith('.') ? s : `${s}.`);
  const head = `${n(a.name)} ${'ttl' in a ? String(a.ttl ?? 0) : '0'} IN ${a.type}`;
  if (a.type === 'A' || a.type === 'AAAA') return `${head} ${a.data}`;
  if (a.type === 'CNAME' || a.type === 'PTR' || a.type === 'NS') return `${head} ${n(a.data)}`;
  if (a.type === 'SRV')
    return `${head} ${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${n(a.data.target)}`;
  if (a.type === 'SOA') {
    const d = a.data;
    return `${head} ${n(d.mname)} ${n(d.rname)} ${d.serial ?? 0} ${d.refresh ?? 0} ${d.retry ?? 0} ${d.expire ?? 0} ${d.minimum ?? 0}`;
  }
  if (a.type === 'TXT') {
    const parts = Array.isArray(a.data) ? a.data : [a.data];
    return `${head} ${parts.map((p) => `"${p.toString()}"`).join(' ')}`;
  }
  return head;
}
