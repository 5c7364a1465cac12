// v1 defaulting for Services: pkg/apis/core/v1/defaults.go SetDefaults_Service (reference §1.2),
// plus the v1→internal clusterIP/clusterIPs sync.
import type { Service, ServicePort } from '@svclab/api';
import { isObject, isRecord, isSet } from '../meta/accessors.js';
import { externallyAccessible } from './service-helpers.js';

/** `v1.DefaultClientIPServiceAffinitySeconds`. */
export const DefaultClientIPServiceAffinitySeconds = 10800;

/** Mutates `svc` in place. Tolerates a missing or malformed spec (validation reports it). */
export function setServiceDefaults(svc: Service): void {
  const raw: unknown = svc.spec;
  if (!isObject(svc.spec)) {
    if (isSet(raw)) return;
    svc.spec = {};
  }
  const spec = svc.spec;
  if (spec.sessionAffinity === undefined || (spec.sessionAffinity as string) === '')
    spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') {
    delete spec.sessionAffinityConfig;
  } else if ((spec.sessionAffinity as string) === 'ClientIP') {
    const cfg = isObject(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = cfg && isObject(cfg.clientIP) ? cfg.clientIP : undefined;
    if (cfg === undefined || clientIP === undefined || !isSet(clientIP.timeoutSeconds)) {
      spec.sessionAffinityConfig = {
        clientIP: { timeoutSeconds: DefaultClientIPServiceAffinitySeconds },
      };
    }
  }
  if (spec.type === undefined || (spec.type as string) === '') spec.type = 'ClusterIP';
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports as unknown[]) {
      if (!isRecord(p)) continue;
      const port = p as unknown as ServicePort;
      if (port.protocol === undefined || (port.protocol as string) === '') port.protocol = 'TCP';
      if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
        port.targetPort = port.port;
    }
  }
  if (
    externallyAccessible(svc) &&
    (spec.externalTrafficPolicy === undefined || (spec.externalTrafficPolicy as string) === '')
  ) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (
    spec.internalTrafficPolicy === undefined &&
    (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer')
  ) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined)
    spec.allocateLoadBalancerNodePorts = true;
  const ingress =
    isObject(svc.status) && isObject(svc.status.loadBalancer)
      ? svc.status.loadBalancer.ingress
      : undefined;
  if (spec.type === 'LoadBalancer' && Array.isArray(ingress)) {
    for (const ing of ingress) {
      if (isObject(ing) && typeof ing.ip === 'string' && ing.ip !== '' && ing.ipMode === undefined)
        ing.ipMode = 'VIP';
    }
  }
  syncClusterIPs(svc);
}

/** The v1→internal conversion keeps `clusterIP` and `clusterIPs[0]` in sync. */
export function syncClusterIPs(svc: Service): void {
  const spec = svc.spec;
  if (!isObject(spec)) return;
  const ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (ip !== '' && ips.length === 0) spec.clusterIPs = [ip];
  else if (ip === '' && ips.length > 0 && typeof ips[0] === 'string') spec.clusterIP = ips[0];
}
