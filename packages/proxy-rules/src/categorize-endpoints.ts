// CategorizeEndpoints, as pkg/proxy/topology.go: which endpoints Cluster and Local traffic policy
// use on this node, falling back from Ready to Serving+Terminating endpoints.
import type { EndpointInfo } from './endpoint-info.js';
import { wellKnown } from '@svclab/api';
import type { ServicePortInfo } from './service-port-info.js';
import { usesClusterEndpoints, usesLocalEndpoints } from './service-port-info.js';

export interface CategorizedEndpoints {
  /** Usable Cluster-policy endpoints (topology applied); empty if the port never uses Cluster policy. */
  readonly clusterEndpoints: readonly EndpointInfo[];
  /** Usable Local-policy endpoints; empty if the port never uses Local policy. */
  readonly localEndpoints: readonly EndpointInfo[];
  /** Union of both lists: the endpoints this node can route to (they get KUBE-SEP chains). */
  readonly allReachableEndpoints: readonly EndpointInfo[];
  /** Some usable endpoint exists anywhere in the cluster. */
  readonly hasAnyEndpoints: boolean;
}

export interface TopologyNode {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

type TopologyMode = '' | 'PreferSameZone' | 'PreferSameNode';

function topologyModeFromHints(
  endpoints: readonly EndpointInfo[],
  nodeName: string,
  zone: string,
): TopologyMode {
  let hasEndpointForNode = false;
  let allHaveNodeHints = true;
  let hasEndpointForZone = false;
  let allHaveZoneHints = true;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (ep.nodeHints.length === 0) allHaveNodeHints = false;
    else if (ep.nodeHints.includes(nodeName)) hasEndpointForNode = true;
    if (ep.zoneHints.length === 0) allHaveZoneHints = false;
    else if (ep.zoneHints.includes(zone)) hasEndpointForZone = true;
  }
  // PreferSameTrafficDistribution is on by default (beta since 1.33).
  if (allHaveNodeHints && hasEndpointForNode) return 'PreferSameNode';
  if (allHaveZoneHints && hasEndpointForZone) return 'PreferSameZone';
  return '';
}

function availableForTopology(
  ep: EndpointInfo,
  mode: TopologyMode,
  at: { nodeName: string; zone: string },
): boolean {
  switch (mode) {
    case '':
      return true;
    case 'PreferSameNode':
      return ep.nodeHints.includes(at.nodeName);
    case 'PreferSameZone':
      return ep.zoneHints.includes(at.zone);
  }
}

/** Upstream CategorizeEndpoints; the merged list is sorted by `ip:port` (upstream: map order). */
export function categorizeEndpoints(
  endpoints: readonly EndpointInfo[],
  svc: ServicePortInfo,
  node: TopologyNode,
): CategorizedEndpoints {
  let mode: TopologyMode = '';
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  let useServingTerminating = false;
  const zone = node.labels?.[wellKnown.LabelTopologyZone] ?? '';

  if (usesClusterEndpoints(svc)) {
    mode = topologyModeFromHints(endpoints, node.name, zone);
    clusterEndpoints = endpoints.filter(
      (ep) => ep.ready && availableForTopology(ep, mode, { nodeName: node.name, zone }),
    );
    if (clusterEndpoints.length === 0)
      clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(svc)) {
    return {
      clusterEndpoints,
      localEndpoints,
      allReachableEndpoints: clusterEndpoints,
      hasAnyEndpoints,
    };
  }

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) {
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  } else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!usesClusterEndpoints(svc)) {
    return {
      clusterEndpoints,
      localEndpoints,
      allReachableEndpoints: localEndpoints,
      hasAnyEndpoints,
    };
  }
  if (mode === '' && !useServingTerminating) {
    return {
      clusterEndpoints,
      localEndpoints,
      allReachableEndpoints: clusterEndpoints,
      hasAnyEndpoints,
    };
  }
  const merged = new Map<string, EndpointInfo>();
  for (const ep of clusterEndpoints) merged.set(ep.endpoint, ep);
  for (const ep of localEndpoints) merged.set(ep.endpoint, ep);
  const allReachableEndpoints = [...merged.values()].sort((a, b) =>
    a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0,
  );
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
