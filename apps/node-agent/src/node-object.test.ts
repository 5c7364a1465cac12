import { describe, expect, it } from 'vitest';
import { defaultPodCIDR, defaultZone, leaseFor, nodeFor, nodeNeedsUpdate } from './node-object.js';

const id = { name: 'node-2', ip: '127.0.1.2', podCIDR: '127.244.2.0/24', zone: 'zone-b' };
const t0 = Date.parse('2026-01-02T03:04:05.678Z');

describe('addresses', () => {
  it.each([
    { name: 'node 1', ip: '127.0.1.1', cidr: '127.244.1.0/24', zone: 'zone-a', index: 1 },
    { name: 'node 2', ip: '127.0.1.2', cidr: '127.244.2.0/24', zone: 'zone-b', index: 2 },
    { name: 'node 3', ip: '127.0.1.3', cidr: '127.244.3.0/24', zone: 'zone-c', index: 3 },
    { name: 'node 4 wraps', ip: '127.0.1.4', cidr: '127.244.4.0/24', zone: 'zone-a', index: 4 },
  ])('$name', ({ ip, cidr, zone, index }) => {
    expect(defaultPodCIDR(ip)).toBe(cidr);
    expect(defaultZone(index)).toBe(zone);
  });
});

describe('nodeFor', () => {
  const node = nodeFor(id, t0);
  it.each([
    { name: 'hostname label', got: node.metadata.labels?.['kubernetes.io/hostname'], want: 'node-2' },
    { name: 'zone label', got: node.metadata.labels?.['topology.kubernetes.io/zone'], want: 'zone-b' },
    { name: 'os label', got: node.metadata.labels?.['kubernetes.io/os'], want: 'linux' },
    { name: 'podCIDR', got: node.spec?.podCIDR, want: '127.244.2.0/24' },
    { name: 'podCIDRs', got: node.spec?.podCIDRs?.join(','), want: '127.244.2.0/24' },
    { name: 'InternalIP', got: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, want: '127.0.1.2' },
    { name: 'Hostname', got: node.status?.addresses?.find((a) => a.type === 'Hostname')?.address, want: 'node-2' },
    { name: 'pods capacity', got: node.status?.capacity?.['pods'], want: '110' },
    { name: 'kubeletVersion', got: node.status?.nodeInfo?.kubeletVersion, want: 'v1.32.0-svclab' },
    { name: 'Ready', got: node.status?.conditions?.find((c) => c.type === 'Ready')?.reason, want: 'KubeletReady' },
    { name: 'Ready message', got: node.status?.conditions?.find((c) => c.type === 'Ready')?.message, want: 'kubelet is posting ready status' },
    { name: 'MemoryPressure', got: node.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status, want: 'False' },
    { name: 'DiskPressure', got: node.status?.conditions?.find((c) => c.type === 'DiskPressure')?.status, want: 'False' },
    { name: 'PIDPressure', got: node.status?.conditions?.find((c) => c.type === 'PIDPressure')?.status, want: 'False' },
    { name: 'heartbeat', got: node.status?.conditions?.[0]?.lastHeartbeatTime, want: '2026-01-02T03:04:05Z' },
  ])('$name', ({ got, want }) => {
    expect(got).toBe(want);
  });
});

describe('leaseFor', () => {
  it.each([
    { name: 'new lease', prev: undefined, duration: undefined, wantDuration: 40 },
    { name: 'renewal keeps metadata', prev: leaseFor('node-2', t0 - 10_000), duration: 4, wantDuration: 4 },
  ])('$name', ({ prev, duration, wantDuration }) => {
    const l = leaseFor('node-2', t0, { prev, durationSeconds: duration });
    expect(l.metadata).toMatchObject({ name: 'node-2', namespace: 'kube-node-lease' });
    expect(l.spec).toEqual({ holderIdentity: 'node-2', leaseDurationSeconds: wantDuration, renewTime: '2026-01-02T03:04:05.678000Z' });
  });
});

describe('nodeNeedsUpdate', () => {
  const ok = nodeFor(id, t0);
  it.each([
    { name: 'ready and labelled', node: ok, want: false },
    { name: 'marked Unknown', node: { ...ok, status: { conditions: [{ type: 'Ready', status: 'Unknown' as const }] } }, want: true },
    { name: 'zone label lost', node: { ...ok, metadata: { name: 'node-2', labels: {} } }, want: true },
    { name: 'other podCIDR', node: { ...ok, spec: { podCIDR: '127.244.9.0/24' } }, want: true },
  ])('$name', ({ node, want }) => {
    expect(nodeNeedsUpdate(node, id)).toBe(want);
  });
});
