// Service predicates (pkg/api/service/util.go, pkg/apis/core/validation isHeadlessService).
import { arr, rec, str } from '../meta/accessors.js';

/**
 * A headless Service: `clusterIPs == ["None"]`, or (before clusterIPs is filled) `clusterIP == "None"`.
 * Safe on any input.
 */
export function isHeadless(svc: { readonly spec?: unknown } | undefined): boolean {
  const spec = rec(svc?.spec);
  const ips = arr(spec['clusterIPs']);
  if (ips.length > 0) return ips.length === 1 && ips[0] === 'None';
  return spec['clusterIP'] === 'None';
}

/** Upstream's strict form, used by validation: `len(clusterIPs) == 1 && clusterIPs[0] == "None"`. */
export function isHeadlessStrict(svc: { readonly spec?: unknown } | undefined): boolean {
  const ips = arr(rec(svc?.spec)['clusterIPs']);
  return ips.length === 1 && ips[0] === 'None';
}

/** `ExternallyAccessible`: LoadBalancer, NodePort, or ClusterIP with externalIPs. */
export function externallyAccessible(svc: { readonly spec?: unknown } | undefined): boolean {
  const spec = rec(svc?.spec);
  const type = str(spec['type']);
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && arr(spec['externalIPs']).length > 0)
  );
}

/** `NeedsHealthCheck`: LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(svc: { readonly spec?: unknown } | undefined): boolean {
  const spec = rec(svc?.spec);
  return spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
}

/** Every type but ExternalName gets a cluster IP (or "None"). */
export function needsClusterIP(svc: { readonly spec?: unknown } | undefined): boolean {
  return str(rec(svc?.spec)['type']) !== 'ExternalName';
}

/** NodePort and LoadBalancer carry node ports. */
export function needsNodePort(svc: { readonly spec?: unknown } | undefined): boolean {
  const t = str(rec(svc?.spec)['type']);
  return t === 'NodePort' || t === 'LoadBalancer';
}
