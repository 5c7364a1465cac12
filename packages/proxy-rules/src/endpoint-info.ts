// Slim projection of EndpointSlice endpoints, merged per service port as
// pkg/proxy/endpointslicecache.go does for an IPv4 proxier.
import type { EndpointSlice, Protocol } from '@svclab/api';
import { isIPv4, joinHostPort } from './ip.js';
import { sliceServiceKeyOf } from './object-keys.js';
import { selectedByProxy, servicePortKey, servicePortNameString } from './service-port-info.js';

/** One usable endpoint of a service port. NOTE: immutable, shared by caches. */
export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  /** `ip:port` (net.JoinHostPort); endpoints of a port are sorted by this string. */
  readonly endpoint: string;
  /** conditions.ready, nil = true. */
  readonly ready: boolean;
  /** conditions.serving, nil = true. */
  readonly serving: boolean;
  /** conditions.terminating, nil = false. */
  readonly terminating: boolean;
  readonly nodeName: string;
  readonly zone: string;
  /** nodeName equals this proxy's node. */
  readonly isLocal: boolean;
  readonly zoneHints: readonly string[];
  readonly nodeHints: readonly string[];
}

/** Endpoints of one Service: service port key (`ns/name:port/TCP`) → endpoints sorted by `ip:port`. */
export type ServiceEndpoints = Map<string, EndpointInfo[]>;

/** Slices grouped by `ns/name` of their Service (label kubernetes.io/service-name). */
export function groupSlicesByService(
  slices: readonly EndpointSlice[],
): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const key = sliceServiceKeyOf(s);
    if (key === '') continue;
    if (!selectedByProxy(s.metadata.labels)) continue;
    const list = out.get(key);
    if (list === undefined) out.set(key, [s]);
    else list.push(s);
  }
  return out;
}

/**
 * Merges the slices of one Service into endpoints per service port. IPv4 slices only; ports with
 * no name field or no port number are ignored; endpoints without addresses are ignored and only
 * addresses[0] counts; an `ip:port` seen twice keeps the non-terminating copy.
 */
export function serviceEndpoints(
  serviceKey: string,
  slices: readonly EndpointSlice[],
  nodeName: string,
): ServiceEndpoints {
  const sets = new Map<string, Map<string, EndpointInfo>>();
  const ordered = [...slices].sort((a, b) => cmp(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const slice of ordered) {
    if (slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if (port.name === undefined || port.port === undefined || port.port === 0) continue;
      const protocol: Protocol = port.protocol ?? 'TCP';
      const key = servicePortKey(servicePortNameString(serviceKey, port.name), protocol);
      let set = sets.get(key);
      if (set === undefined) {
        set = new Map();
        sets.set(key, set);
      }
      addEndpoints(set, slice, { port: port.port, nodeName });
    }
  }
  const out: ServiceEndpoints = new Map();
  for (const [key, set] of sets) {
    out.set(
      key,
      [...set.values()].sort((a, b) => cmp(a.endpoint, b.endpoint)),
    );
  }
  return out;
}

function addEndpoints(
  set: Map<string, EndpointInfo>,
  slice: EndpointSlice,
  at: { port: number; nodeName: string },
): void {
  for (const ep of slice.endpoints ?? []) {
    const ip = ep.addresses[0];
    if (ip === undefined || !isIPv4(ip)) continue;
    const endpoint = joinHostPort(ip, at.port);
    const terminating = ep.conditions?.terminating === true;
    if (set.has(endpoint) && terminating) continue;
    set.set(endpoint, {
      ip,
      port: at.port,
      endpoint,
      ready: ep.conditions?.ready ?? true,
      serving: ep.conditions?.serving ?? true,
      terminating,
      nodeName: ep.nodeName ?? '',
      zone: ep.zone ?? '',
      isLocal: ep.nodeName !== undefined && at.nodeName !== '' && ep.nodeName === at.nodeName,
      zoneHints: ep.hints?.forZones === undefined ? noHints : ep.hints.forZones.map((z) => z.name),
      nodeHints: ep.hints?.forNodes === undefined ? noHints : ep.hints.forNodes.map((n) => n.name),
    });
  }
}

const noHints: readonly string[] = Object.freeze([]);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
