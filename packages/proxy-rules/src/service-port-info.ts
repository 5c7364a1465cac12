// Slim projection of a Service port as kube-proxy sees it (pkg/proxy/serviceport.go
// BaseServicePortInfo + newBaseServiceInfo), for an IPv4 proxier.
import type { Protocol, Service } from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { isIPv4, parseCIDR } from './ip.js';

/** Default ClientIP affinity timeout, seconds (v1 defaults: DefaultClientIPServiceAffinitySeconds). */
export const DefaultStickyMaxAgeSeconds = 10800;

/**
 * One (Service, port) as kube-proxy programs it. Built once per Service change; never holds the
 * Service object. NOTE: immutable — renderers and caches share it.
 */
export interface ServicePortInfo {
  /** ServicePortName.String(): `ns/name:port`, or `ns/name` for an unnamed port. */
  readonly name: string;
  /** `ns/name` of the Service (metaNamespaceKey). */
  readonly serviceKey: string;
  /** Matches endpoint ports: ServicePortName including the protocol. */
  readonly key: string;
  readonly portName: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  /** 0 when the port has no nodePort. */
  readonly nodePort: number;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress[].ip in VIP mode (Proxy-mode ingress is skipped). */
  readonly loadBalancerVIPs: readonly string[];
  /** Trimmed and normalised CIDRs (`203.0.113.0/25`). */
  readonly loadBalancerSourceRanges: readonly string[];
  readonly sessionAffinityClientIP: boolean;
  /** sessionAffinityConfig.clientIP.timeoutSeconds when ClientIP affinity is on, else 0. */
  readonly stickyMaxAgeSeconds: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** Non-zero only for LoadBalancer Services with externalTrafficPolicy Local. */
  readonly healthCheckNodePort: number;
}

export function servicePortNameString(serviceKey: string, portName: string): string {
  return portName === '' ? serviceKey : `${serviceKey}:${portName}`;
}

export function servicePortKey(portNameString: string, protocol: string): string {
  return `${portNameString}/${protocol}`;
}

/** UsesClusterEndpoints: Cluster internal policy, or any external access (short-circuiting needs them). */
export function usesClusterEndpoints(info: ServicePortInfo): boolean {
  return !info.internalPolicyLocal || externallyAccessible(info);
}

export function usesLocalEndpoints(info: ServicePortInfo): boolean {
  return info.internalPolicyLocal || (info.externalPolicyLocal && externallyAccessible(info));
}

export function externallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort !== 0 || info.loadBalancerVIPs.length > 0 || info.externalIPs.length > 0;
}

/** The informer's label selector `!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name`. */
export function selectedByProxy(labels: Readonly<Record<string, string>> | undefined): boolean {
  return (
    labels?.[wellKnown.LabelHeadless] === undefined &&
    labels?.[wellKnown.LabelServiceProxyName] === undefined
  );
}

function clusterIPv4(svc: Service): string {
  const spec = svc.spec ?? {};
  const ips =
    spec.clusterIPs !== undefined && spec.clusterIPs.length > 0
      ? spec.clusterIPs
      : [spec.clusterIP ?? ''];
  return ips.find((ip) => isIPv4(ip)) ?? '';
}

/** ShouldSkipService plus the informer selector and the IPv4 family filter. */
export function shouldSkipService(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (!selectedByProxy(svc.metadata.labels)) return true;
  if (spec.type === 'ExternalName') return true;
  if (spec.clusterIP === undefined || spec.clusterIP === '' || spec.clusterIP === 'None')
    return true;
  return clusterIPv4(svc) === '';
}

function externallyAccessibleService(svc: Service): boolean {
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0)
  );
}

/** Projects every port of a Service; empty when kube-proxy would skip the Service. */
export function servicePortInfos(svc: Service): ServicePortInfo[] {
  if (shouldSkipService(svc)) return [];
  const spec = svc.spec ?? {};
  const serviceKey = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  const externalPolicyLocal =
    externallyAccessibleService(svc) && spec.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const clientIP = spec.sessionAffinity === 'ClientIP';
  const sticky = clientIP
    ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DefaultStickyMaxAgeSeconds)
    : 0;
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => isIPv4(ip));
  const sourceRanges: string[] = [];
  for (const r of spec.loadBalancerSourceRanges ?? []) {
    const c = parseCIDR(r);
    if (c !== undefined) sourceRanges.push(c.text);
  }
  const vips: string[] = [];
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip === undefined || ing.ip === '') continue;
    if (ing.ipMode === 'Proxy') continue;
    if (isIPv4(ing.ip)) vips.push(ing.ip);
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && externalPolicyLocal;
  const clusterIP = clusterIPv4(svc);
  return (spec.ports ?? []).map((p) => {
    const portName = p.name ?? '';
    const protocol = p.protocol ?? 'TCP';
    const name = servicePortNameString(serviceKey, portName);
    return {
      name,
      serviceKey,
      key: servicePortKey(name, protocol),
      portName,
      protocol,
      clusterIP,
      port: p.port,
      nodePort: p.nodePort ?? 0,
      externalIPs,
      loadBalancerVIPs: vips,
      loadBalancerSourceRanges: sourceRanges,
      sessionAffinityClientIP: clientIP,
      stickyMaxAgeSeconds: sticky,
      externalPolicyLocal,
      internalPolicyLocal,
      healthCheckNodePort: needsHealthCheck ? (spec.healthCheckNodePort ?? 0) : 0,
    };
  });
}
