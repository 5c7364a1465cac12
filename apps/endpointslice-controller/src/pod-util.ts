// Pod and Service predicates shared by the reconcilers, as in k8s.io/endpointslice/util and
// pkg/api/v1/pod (ShouldPodBeInEndpoints, IsPodReady, ShouldSetHostname, FindPort).
import type { Pod, Service, ServicePort } from '@svclab/api';
import { ClusterIPNone } from '@svclab/api';

/** Pod Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Time of the Ready condition's last transition, the pod's endpoints trigger time. */
export function podReadyTransitionTime(pod: Pod): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
}

function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

/**
 * ShouldPodBeInEndpoints: not terminal, has an IP, and (when includeTerminating is false)
 * not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  const hasIP = (pod.status?.podIP ?? '') !== '' || (pod.status?.podIPs?.length ?? 0) > 0;
  if (!hasIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp !== undefined) return false;
  return true;
}

/** ShouldSetHostname: hostname set and subdomain == service name, same namespace. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  const hostname = pod.spec?.hostname ?? '';
  return (
    hostname.length > 0 &&
    (pod.spec?.subdomain ?? '') === (svc.metadata.name ?? '') &&
    (svc.metadata.namespace ?? '') === (pod.metadata.namespace ?? '')
  );
}

/** isServiceIPSet: clusterIP is neither "None" nor empty. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return ip !== ClusterIPNone && ip !== '';
}

/** The pod's IPs: status.podIPs, falling back to status.podIP when podIPs is empty. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (ips.length === 0 && (pod.status?.podIP ?? '') !== '') return [pod.status?.podIP ?? ''];
  return ips;
}

/**
 * FindPort: an int targetPort is used as is (a missing targetPort defaults to `port`, as the
 * apiserver defaults it); a named one is looked up among the containers' ports with the same name
 * AND protocol, then among restartable ("sidecar") init containers. Undefined when not found.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
