// Desired state, computed from the informer caches: which LB listeners to serve and which nodes
// may receive their traffic. Pure functions; the controller applies the result.
import type { Node, Service } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';
import type { Ipv4Cidr } from './ipv4.js';
import type { LoadBalancerIPPool } from './lb-ip-pool.js';
import { loadBalancerSourceRanges } from './source-ranges.js';

/** Upstream label that keeps a node out of every load balancer's backends. */
export const LabelNodeExcludeBalancers = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** A node that can receive LB traffic on its NodePorts. */
export interface LoadBalancerBackend {
  readonly name: string;
  /** InternalIP (local mode: 127.0.1.N). */
  readonly ip: string;
}

/** One LB IP:port served by a TCP listener. */
export interface LoadBalancerListenerSpec {
  /** `ip:port/TCP`: identity of the listener; a change of anything else is applied in place. */
  readonly key: string;
  /** `namespace/name` of the Service. */
  readonly service: string;
  readonly ip: string;
  readonly port: number;
  readonly nodePort: number;
  /** externalTrafficPolicy: Local — only healthy nodes, client address preserved. */
  readonly local: boolean;
  /** Where kube-proxy answers for this Service on every node (eTP Local only). */
  readonly healthCheckNodePort: number | undefined;
  /** Empty: everyone may connect. */
  readonly sourceRanges: readonly Ipv4Cidr[];
}

/** True for a Service this provider is responsible for (type LoadBalancer, no other loadBalancerClass). */
export function wantsLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && (svc.spec.loadBalancerClass === undefined || svc.spec.loadBalancerClass === '');
}

/** The IPs in `svc.status.loadBalancer.ingress`. */
export function ingressIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));
}

/** Ready nodes with an InternalIP, not excluded by label, sorted by name (stable round-robin). */
export function loadBalancerBackends(nodes: readonly Node[]): LoadBalancerBackend[] {
  const out: LoadBalancerBackend[] = [];
  for (const n of nodes) {
    if (n.metadata.labels?.[LabelNodeExcludeBalancers] !== undefined) continue;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') continue;
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (ip === undefined) continue;
    out.push({ name: n.metadata.name ?? '', ip });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The listeners for every LoadBalancer Service whose status holds an address of `pool` that the
 * pool records as that Service's (a stale or foreign status is never served). TCP ports with a
 * node port only.
 */
export function desiredListeners(services: readonly Service[], pool: LoadBalancerIPPool): LoadBalancerListenerSpec[] {
  const out: LoadBalancerListenerSpec[] = [];
  for (const svc of services) {
    if (!wantsLoadBalancer(svc)) continue;
    const key = metaNamespaceKey(svc);
    const local = svc.spec?.externalTrafficPolicy === 'Local';
    const sourceRanges = loadBalancerSourceRanges(svc);
    for (const ip of ingressIPs(svc)) {
      if (pool.ownerOf(ip) !== key) continue;
      for (const p of svc.spec?.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP' || p.nodePort === undefined || p.nodePort === 0) continue;
        out.push({
          key: `${ip}:${p.port}/TCP`,
          service: key,
          ip,
          port: p.port,
          nodePort: p.nodePort,
          local,
          healthCheckNodePort: local ? svc.spec?.healthCheckNodePort : undefined,
          sourceRanges,
        });
      }
    }
  }
  return out;
}
