import type { Node, Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { LoadBalancerIPPool } from './lb-ip-pool.js';
import { desiredListeners, loadBalancerBackends, wantsLoadBalancer } from './load-balancer-plan.js';

function node(name: string, o: { ready?: 'True' | 'False'; ip?: string; exclude?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(o.exclude === true ? { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } } : {}) },
    status: {
      conditions: [{ type: 'Ready', status: o.ready ?? 'True' }],
      addresses: o.ip === undefined ? [] : [{ type: 'InternalIP', address: o.ip }],
    },
  };
}

function lb(name: string, spec: Partial<NonNullable<Service['spec']>>, ips: string[]): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }], ...spec },
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) } },
  };
}

describe('load balancer plan', () => {
  it.each([
    { name: 'LoadBalancer', spec: { type: 'LoadBalancer' as const }, want: true },
    { name: 'NodePort', spec: { type: 'NodePort' as const }, want: false },
    { name: 'other loadBalancerClass', spec: { type: 'LoadBalancer' as const, loadBalancerClass: 'example.com/lb' }, want: false },
  ])('wantsLoadBalancer: $name', ({ spec, want }) => {
    expect(wantsLoadBalancer(lb('s', spec, []))).toBe(want);
  });

  it('backends: Ready nodes with an InternalIP, not excluded, by name', () => {
    const got = loadBalancerBackends([
      node('node-3', { ip: '127.0.1.3' }),
      node('node-1', { ip: '127.0.1.1' }),
      node('node-2', { ip: '127.0.1.2', ready: 'False' }),
      node('node-4'),
      node('node-5', { ip: '127.0.1.5', exclude: true }),
    ]);
    expect(got).toEqual([{ name: 'node-1', ip: '127.0.1.1' }, { name: 'node-3', ip: '127.0.1.3' }]);
  });

  it.each([
    { name: 'one listener per TCP port with a node port', svc: lb('a', { ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 81, nodePort: 0 }] }, ['127.200.0.1']), want: ['127.200.0.1:80/TCP->30080 cluster'] },
    { name: 'eTP Local carries the health check node port', svc: lb('a', { externalTrafficPolicy: 'Local', healthCheckNodePort: 32000 }, ['127.200.0.1']), want: ['127.200.0.1:80/TCP->30080 local hc=32000'] },
    { name: 'address not owned by the Service in the pool is not served', svc: lb('b', {}, ['127.200.0.1']), want: [] },
    { name: 'pending Service', svc: lb('a', {}, []), want: [] },
    { name: 'not a LoadBalancer any more', svc: lb('a', { type: 'NodePort' }, ['127.200.0.1']), want: [] },
  ])('desiredListeners: $name', ({ svc, want }) => {
    const pool = new LoadBalancerIPPool('127.200.0.0/24');
    pool.allocate('ns/a');
    const got = desiredListeners([svc], pool).map((l) => `${l.key}->${l.nodePort} ${l.local ? `local hc=${l.healthCheckNodePort ?? '-'}` : 'cluster'}`);
    expect(got).toEqual(want);
  });
});
