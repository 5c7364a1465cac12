// Builders for Services, Pods and Nodes used by the reconciler and controller tests.
import type { Container, Node, Pod, Service, ServicePort, ServiceSpec } from '@svclab/api';

export interface PodOpts {
  name: string;
  namespace?: string;
  ips?: string[];
  ready?: boolean;
  readySince?: string;
  node?: string;
  labels?: Record<string, string>;
  deleting?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  hostname?: string;
  subdomain?: string;
  containers?: Container[];
}

export function makePod(o: PodOpts): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${o.name}`,
      resourceVersion: '1',
      labels: o.labels ?? { app: 'web' },
    },
    spec: {
      nodeName: o.node ?? 'node-1',
      containers: o.containers ?? [
        { name: 'c', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
      ],
    },
    status: {
      phase: o.phase ?? 'Running',
      podIPs: (o.ips ?? []).map((ip) => ({ ip })),
      conditions: [
        {
          type: 'Ready',
          status: (o.ready ?? true) ? 'True' : 'False',
          lastTransitionTime: o.readySince ?? '2024-01-01T00:00:00Z',
        },
      ],
    },
  };
  if (o.ips?.[0] !== undefined && pod.status) pod.status.podIP = o.ips[0];
  if (o.deleting === true) pod.metadata.deletionTimestamp = '2024-01-02T00:00:00Z';
  if (o.hostname !== undefined && pod.spec) pod.spec.hostname = o.hostname;
  if (o.subdomain !== undefined && pod.spec) pod.spec.subdomain = o.subdomain;
  return pod;
}

/** `n` ready pods web-0..web-(n-1) with IPs 10.0.x.y on node-1. */
export function makePods(n: number, from = 0): Pod[] {
  const out: Pod[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(makePod({ name: `web-${i}`, ips: [`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`] }));
  }
  return out;
}

export interface ServiceOpts {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  ports?: ServicePort[];
  spec?: Partial<ServiceSpec>;
}

export function makeService(o: ServiceOpts = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name ?? 'web',
      namespace: o.namespace ?? 'default',
      uid: 'uid-svc-web',
      resourceVersion: '1',
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...(o.labels === undefined ? {} : { labels: o.labels }),
    },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ports: o.ports ?? [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      ...o.spec,
    },
  };
}

export function makeNode(name: string, zone?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      ...(zone === undefined ? {} : { labels: { 'topology.kubernetes.io/zone': zone } }),
    },
  };
}

export function nodeMap(...nodes: Node[]): Map<string, Node> {
  return new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
}
