// The Node object and Lease a node agent registers and renews (kubelet's initialNode +
// setNodeStatus, nodelease controller), pure. Addresses follow DESIGN.md "Addresses":
// node N = 127.0.1.N, pods 127.244.N.0/24, zones zone-a/zone-b/zone-c round robin.
import type { Lease, Node, NodeCondition } from '@svclab/api';

export const KubeletVersion = 'v1.32.0-svclab';
/** Seconds a node Lease stays valid without renewal (upstream kubelet default 40). */
export const NodeLeaseDurationSeconds = 40;
/** Renew interval, ms (upstream: 0.25 × lease duration = 10 s). */
export const NodeLeaseRenewIntervalMs = 10_000;
export const NodeLeaseNamespace = 'kube-node-lease';
export const MaxPods = 110;

export interface NodeIdentity {
  readonly name: string;
  readonly ip: string;
  readonly podCIDR: string;
  readonly zone: string;
  /** The kubelet API port on `ip` (status.daemonEndpoints; `kubectl logs` goes there). Default 10250. */
  readonly kubeletPort?: number;
}

/** The kubelet's default API port (`--port`). */
export const KubeletPort = 10250;

/** The last octet of an IPv4 address (node N of 127.0.1.N). */
export function nodeIndexOf(ip: string): number {
  const n = Number(ip.split('.')[3]);
  return Number.isInteger(n) ? n : 1;
}

/** 127.0.1.N → 127.244.N.0/24. */
export function defaultPodCIDR(ip: string): string {
  return `127.244.${nodeIndexOf(ip)}.0/24`;
}

/** zone-a, zone-b, zone-c for N = 1, 2, 3, 4 … */
export function defaultZone(index: number): string {
  return `zone-${String.fromCharCode(97 + ((Math.max(1, index) - 1) % 3))}`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** MicroTime as the apiserver and kubectl expect (`2006-01-02T15:04:05.000000Z`). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function readyConditions(nowMs: number, prev?: readonly NodeCondition[]): NodeCondition[] {
  const ts = formatTime(nowMs);
  const c = ([type, status, reason, message]: readonly [string, 'True' | 'False', string, string]): NodeCondition => {
    const old = prev?.find((x) => x.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: ts,
      lastTransitionTime: old?.status === status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : ts,
      reason,
      message,
    };
  };
  return [
    c(['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available']),
    c(['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure']),
    c(['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available']),
    c(['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status']),
  ];
}

export function nodeStatus(id: NodeIdentity, nowMs: number, prev?: Node): NonNullable<Node['status']> {
  const resources = { cpu: '4', memory: '8Gi', pods: String(MaxPods), 'ephemeral-storage': '100Gi' };
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: readyConditions(nowMs, prev?.status?.conditions),
    addresses: [
      { type: 'InternalIP', address: id.ip },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort ?? KubeletPort } },
    nodeInfo: {
      machineID: id.name,
      systemUUID: id.name,
      bootID: id.name,
      kernelVersion: 'svclab',
      osImage: 'svclab',
      containerRuntimeVersion: 'svclab://1.0.0',
      kubeletVersion: KubeletVersion,
      kubeProxyVersion: KubeletVersion,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function nodeLabels(id: NodeIdentity): Record<string, string> {
  return {
    'kubernetes.io/hostname': id.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': id.zone,
  };
}

/** The Node this agent registers. */
export function nodeFor(id: NodeIdentity, nowMs: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: id.name, labels: nodeLabels(id) },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] },
    status: nodeStatus(id, nowMs),
  };
}

/** The node's Lease in kube-node-lease, renewed at `nowMs`. */
export function leaseFor(name: string, nowMs: number, opts: { prev?: Lease | undefined; durationSeconds?: number | undefined } = {}): Lease {
  const prev = opts.prev;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: prev === undefined ? { name, namespace: NodeLeaseNamespace } : structuredClone(prev.metadata),
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: opts.durationSeconds ?? NodeLeaseDurationSeconds,
      renewTime: formatMicroTime(nowMs),
    },
  };
}

/** Whether a registered Node needs its status posted again (not Ready, or lost its labels/CIDR). */
export function nodeNeedsUpdate(node: Node, id: NodeIdentity): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return true;
  const want = nodeLabels(id);
  return Object.entries(want).some(([k, v]) => node.metadata.labels?.[k] !== v) || node.spec?.podCIDR !== id.podCIDR;
}
