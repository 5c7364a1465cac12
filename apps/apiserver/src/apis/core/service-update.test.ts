import type { Service } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { setServiceDefaults } from './service-defaults.js';
import { prepareServiceForUpdate, validateServiceUpdate } from './service-update.js';

function svc(spec: Service['spec'], status?: Service['status']): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5' },
    spec: structuredClone(spec),
  };
  if (status !== undefined) s.status = structuredClone(status);
  setServiceDefaults(s);
  return s;
}

const base = {
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80 }],
  clusterIP: '10.96.0.10',
  clusterIPs: ['10.96.0.10'],
  ipFamilies: ['IPv4' as const],
  ipFamilyPolicy: 'SingleStack' as const,
};
const nodePortBase = {
  ...base,
  type: 'NodePort' as const,
  ports: [{ name: 'http', port: 80, nodePort: 30080 }],
};
const lbLocal = {
  ...base,
  type: 'LoadBalancer' as const,
  externalTrafficPolicy: 'Local' as const,
  healthCheckNodePort: 30100,
  ports: [{ name: 'http', port: 80, nodePort: 30080 }],
  loadBalancerClass: 'example.com/a',
};

function update(
  oldSpec: Service['spec'],
  newSpec: Service['spec'],
  oldStatus?: Service['status'],
): { svc: Service; errs: string[] } {
  const old = svc(oldSpec, oldStatus);
  const cur = svc(newSpec, oldStatus);
  prepareServiceForUpdate(cur, old);
  return { svc: cur, errs: validateServiceUpdate(cur, old).map(fieldErrorString) };
}

describe('prepareServiceForUpdate', () => {
  it.each<{
    name: string;
    old: Service['spec'];
    next: Service['spec'];
    oldStatus?: Service['status'];
    want: Record<string, unknown>;
    wantPorts?: unknown[];
  }>([
    {
      name: 'PUT without clusterIP keeps the allocated IPs and families',
      old: base,
      next: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      want: {
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    },
    {
      name: 'PUT without nodePort keeps the allocated one (matched by name)',
      old: nodePortBase,
      next: { ...nodePortBase, ports: [{ name: 'http', port: 80 }] },
      want: {},
      wantPorts: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
    },
    {
      name: 'PUT without healthCheckNodePort keeps it',
      old: lbLocal,
      next: { ...lbLocal, healthCheckNodePort: undefined },
      want: { healthCheckNodePort: 30100 },
    },
    {
      name: '→ ExternalName clears IPs, families and policy',
      old: base,
      next: { ...base, type: 'ExternalName', externalName: 'db.example.com' },
      want: {
        clusterIP: undefined,
        clusterIPs: undefined,
        ipFamilies: undefined,
        ipFamilyPolicy: undefined,
      },
    },
    {
      name: 'NodePort → ClusterIP clears nodePorts and ETP',
      old: nodePortBase,
      next: { ...nodePortBase, type: 'ClusterIP', externalTrafficPolicy: 'Cluster' },
      want: { externalTrafficPolicy: undefined },
      wantPorts: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
    },
    {
      name: 'NodePort → ClusterIP keeps a newly added nodePort (validation rejects it)',
      old: nodePortBase,
      next: {
        ...nodePortBase,
        type: 'ClusterIP',
        ports: [{ name: 'http', port: 80, nodePort: 30081 }],
      },
      want: {},
      wantPorts: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30081 }],
    },
    {
      name: 'LB → ClusterIP clears LB-only fields and status',
      old: { ...lbLocal, allocateLoadBalancerNodePorts: true },
      next: { ...lbLocal, type: 'ClusterIP', allocateLoadBalancerNodePorts: true },
      oldStatus: { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } },
      want: {
        healthCheckNodePort: undefined,
        allocateLoadBalancerNodePorts: undefined,
        loadBalancerClass: undefined,
        externalTrafficPolicy: undefined,
      },
    },
    {
      name: 'singular clusterIP changed, plural untouched: plural follows',
      old: base,
      next: { ...base, clusterIP: '10.96.0.11' },
      want: { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] },
    },
  ])('$name', ({ old, next, oldStatus, want, wantPorts }) => {
    const { svc: s } = update(old, next, oldStatus);
    for (const [k, v] of Object.entries(want))
      expect((s.spec as Record<string, unknown>)[k]).toEqual(v);
    if (wantPorts !== undefined) expect(s.spec?.ports).toEqual(wantPorts);
    if (oldStatus !== undefined && s.spec?.type !== 'LoadBalancer')
      expect(s.status?.loadBalancer).toEqual({});
  });
});

describe('validateServiceUpdate', () => {
  it.each<{ name: string; old: Service['spec']; next: Service['spec']; want: string[] }>([
    { name: 'unchanged', old: base, next: base, want: [] },
    {
      name: 'PUT without clusterIP is fine',
      old: base,
      next: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      want: [],
    },
    {
      name: 'changing the cluster IP',
      old: base,
      next: { ...base, clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] },
      want: ['spec.clusterIPs[0]: Invalid value: ["10.96.0.9"]: may not change once set'],
    },
    {
      name: 'releasing the secondary without SingleStack',
      old: {
        ...base,
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilies: ['IPv4', 'IPv6'],
        ipFamilyPolicy: 'PreferDualStack',
      },
      next: {
        ...base,
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'PreferDualStack',
      },
      want: [
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.10"]: `ipFamilyPolicy` must be set to \'SingleStack\' when releasing the secondary clusterIP',
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.10"]: `ipFamilyPolicy` must be set to \'SingleStack\' when releasing the secondary ipFamily',
      ],
    },
    {
      name: 'releasing the secondary with SingleStack',
      old: {
        ...base,
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilies: ['IPv4', 'IPv6'],
        ipFamilyPolicy: 'PreferDualStack',
      },
      next: {
        ...base,
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
      want: [],
    },
    {
      name: 'changing the family',
      old: base,
      next: { ...base, ipFamilies: ['IPv6'] },
      want: [
        'spec.ipFamilies[0]: Invalid value: ["IPv6"]: may not change once set',
        'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
      ],
    },
    {
      name: 'headless may change families',
      old: { ...base, clusterIP: 'None', clusterIPs: ['None'] },
      next: { ...base, clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv6'] },
      want: [],
    },
    {
      name: 'to ExternalName with unchanged IPs is fine',
      old: base,
      next: { ...base, type: 'ExternalName', externalName: 'db.example.com' },
      want: [],
    },
    {
      name: 'to ExternalName with a new clusterIP fails',
      old: base,
      next: {
        ...base,
        type: 'ExternalName',
        externalName: 'db.example.com',
        clusterIP: '10.96.0.11',
        clusterIPs: ['10.96.0.11'],
      },
      want: ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
    },
    {
      name: 'loadBalancerClass is immutable',
      old: lbLocal,
      next: { ...lbLocal, loadBalancerClass: 'example.com/b' },
      want: ['spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set'],
    },
    {
      name: 'healthCheckNodePort is immutable',
      old: lbLocal,
      next: { ...lbLocal, healthCheckNodePort: 30101 },
      want: ['spec.healthCheckNodePort: Forbidden: field is immutable'],
    },
  ])('$name', ({ old, next, want }) => {
    expect(update(old, next).errs).toEqual(want);
  });

  it.each([
    {
      name: 'name',
      edit: (s: Service) => (s.metadata.name = 'other'),
      want: 'metadata.name: Invalid value: "other": field is immutable',
    },
    {
      name: 'namespace',
      edit: (s: Service) => (s.metadata.namespace = 'other'),
      want: 'metadata.namespace: Invalid value: "other": field is immutable',
    },
    {
      name: 'uid',
      edit: (s: Service) => (s.metadata.uid = 'u2'),
      want: 'metadata.uid: Invalid value: "u2": field is immutable',
    },
  ])('metadata $name is immutable', ({ edit, want }) => {
    const old = svc(base);
    const cur = svc(base);
    edit(cur);
    expect(validateServiceUpdate(cur, old).map(fieldErrorString)).toContain(want);
  });
});
