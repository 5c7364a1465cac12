import type { Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { setServiceDefaults } from './service-defaults.js';

function defaulted(spec: unknown, status?: unknown): Service {
  const s = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec,
    status,
  } as Service;
  setServiceDefaults(s);
  return s;
}

describe('SetDefaults_Service', () => {
  it.each<{ name: string; spec: unknown; want: Record<string, unknown> }>([
    {
      name: 'ClusterIP basics',
      spec: { ports: [{ port: 80 }] },
      want: {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      },
    },
    {
      name: 'targetPort 0 becomes port',
      spec: { ports: [{ port: 81, targetPort: 0 }] },
      want: { ports: [{ port: 81, protocol: 'TCP', targetPort: 81 }] },
    },
    {
      name: 'targetPort "" becomes port',
      spec: { ports: [{ port: 82, targetPort: '' }] },
      want: { ports: [{ port: 82, protocol: 'TCP', targetPort: 82 }] },
    },
    {
      name: 'named targetPort kept',
      spec: { ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }] },
      want: { ports: [{ port: 80, protocol: 'UDP', targetPort: 'http' }] },
    },
    {
      name: 'ClientIP gets 10800s',
      spec: { sessionAffinity: 'ClientIP' },
      want: {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      },
    },
    {
      name: 'ClientIP keeps a given timeout',
      spec: {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      },
      want: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    },
    {
      name: 'None drops the config',
      spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
      want: { sessionAffinity: 'None', sessionAffinityConfig: undefined },
    },
    {
      name: 'NodePort gets ETP Cluster',
      spec: { type: 'NodePort' },
      want: { externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' },
    },
    {
      name: 'LoadBalancer gets ETP and allocateLoadBalancerNodePorts',
      spec: { type: 'LoadBalancer' },
      want: { externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true },
    },
    {
      name: 'LB keeps allocate=false',
      spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false },
      want: { allocateLoadBalancerNodePorts: false },
    },
    {
      name: 'ClusterIP with externalIPs gets ETP',
      spec: { externalIPs: ['1.2.3.4'] },
      want: { externalTrafficPolicy: 'Cluster' },
    },
    {
      name: 'ClusterIP without externalIPs has no ETP',
      spec: {},
      want: { externalTrafficPolicy: undefined },
    },
    {
      name: 'ExternalName gets no ITP',
      spec: { type: 'ExternalName', externalName: 'x.example.com' },
      want: { internalTrafficPolicy: undefined, externalTrafficPolicy: undefined },
    },
    {
      name: 'Local ETP kept',
      spec: { type: 'NodePort', externalTrafficPolicy: 'Local' },
      want: { externalTrafficPolicy: 'Local' },
    },
    {
      name: 'clusterIP fills clusterIPs',
      spec: { clusterIP: '10.96.0.10' },
      want: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] },
    },
    {
      name: 'clusterIPs fills clusterIP',
      spec: { clusterIPs: ['10.96.0.10', 'fd00::a'] },
      want: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'] },
    },
    {
      name: 'families and policy not defaulted',
      spec: {},
      want: { ipFamilies: undefined, ipFamilyPolicy: undefined, clusterIP: undefined },
    },
    {
      name: 'missing spec becomes an empty defaulted spec',
      spec: undefined,
      want: { type: 'ClusterIP', sessionAffinity: 'None' },
    },
  ])('$name', ({ spec, want }) => {
    const s = defaulted(spec);
    for (const [k, v] of Object.entries(want))
      expect((s.spec as Record<string, unknown>)[k]).toEqual(v);
  });

  it('sets ipMode VIP on LoadBalancer ingress IPs only', () => {
    const s = defaulted(
      { type: 'LoadBalancer' },
      {
        loadBalancer: {
          ingress: [{ ip: '1.2.3.4' }, { hostname: 'x' }, { ip: '1.2.3.5', ipMode: 'Proxy' }],
        },
      },
    );
    expect(s.status?.loadBalancer?.ingress).toEqual([
      { ip: '1.2.3.4', ipMode: 'VIP' },
      { hostname: 'x' },
      { ip: '1.2.3.5', ipMode: 'Proxy' },
    ]);
  });

  it.each([
    { name: 'string spec', spec: 'x' },
    { name: 'ports not a list', spec: { ports: 'x' } },
    { name: 'null port entries', spec: { ports: [null, 5] } },
    {
      name: 'config of the wrong type',
      spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: 'x' },
    },
  ])('never throws: $name', ({ spec }) => {
    expect(() => defaulted(spec)).not.toThrow();
  });
});
