// Slim projections of the API objects the kubernetes plugin answers from (CoreDNS plugin/kubernetes/object).
// Objects are converted on arrival; the full API objects are never kept. NOTE: projections are frozen
// and shared between indexes; they must NOT be modified.
import {
  ClusterIPNone,
  wellKnown,
  type EndpointSlice,
  type Namespace,
  type Pod,
  type Service,
} from '@svclab/api';

/** Port of a Service or EndpointSlice; `port: -1` is CoreDNS's sentinel for "no ports declared". */
export interface SlimPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

export interface SlimService {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly headless: boolean;
  /** spec.clusterIPs, or [spec.clusterIP] when the list is empty. */
  readonly clusterIPs: readonly string[];
  readonly externalName: string;
  readonly ports: readonly SlimPort[];
}

export interface SlimEndpointAddress {
  readonly ip: string;
  readonly hostname: string;
  readonly nodeName: string;
  /** targetRef.name, kept only when shorter than 64 characters (CoreDNS object/endpoint.go). */
  readonly targetRefName: string;
}

/** One EndpointSlice reduced to its ready addresses and ports. */
export interface SlimEndpoints {
  /** EndpointSlice name. */
  readonly name: string;
  readonly namespace: string;
  /** Value of the kubernetes.io/service-name label ("" if absent). */
  readonly serviceName: string;
  /** Only endpoints whose conditions.ready is true or unset. */
  readonly addresses: readonly SlimEndpointAddress[];
  readonly ports: readonly SlimPort[];
}

export interface SlimPod {
  readonly name: string;
  readonly namespace: string;
  readonly podIP: string;
}

export interface SlimNamespace {
  readonly name: string;
}

const NO_PORTS: readonly SlimPort[] = Object.freeze([
  Object.freeze({ name: '', port: -1, protocol: '' }),
]);

export function toService(svc: Service): SlimService {
  const spec = svc.spec ?? {};
  const clusterIPs =
    spec.clusterIPs !== undefined && spec.clusterIPs.length > 0
      ? spec.clusterIPs
      : spec.clusterIP
        ? [spec.clusterIP]
        : [];
  const ports =
    spec.ports && spec.ports.length > 0
      ? spec.ports.map((p) =>
          Object.freeze({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }),
        )
      : NO_PORTS;
  return Object.freeze({
    name: svc.metadata.name ?? '',
    namespace: svc.metadata.namespace ?? '',
    type: spec.type ?? 'ClusterIP',
    headless: clusterIPs[0] === ClusterIPNone,
    clusterIPs: Object.freeze([...clusterIPs]),
    externalName: spec.externalName ?? '',
    ports: Object.freeze(ports),
  });
}

export function toEndpoints(slice: EndpointSlice): SlimEndpoints {
  const addresses: SlimEndpointAddress[] = [];
  for (const ep of slice.endpoints ?? []) {
    if (ep.conditions?.ready === false) continue;
    const ref = ep.targetRef?.name ?? '';
    for (const ip of ep.addresses) {
      addresses.push(
        Object.freeze({
          ip,
          hostname: ep.hostname ?? '',
          nodeName: ep.nodeName ?? '',
          targetRefName: ref.length < 64 ? ref : '',
        }),
      );
    }
  }
  const ports =
    slice.ports && slice.ports.length > 0
      ? slice.ports.map((p) =>
          Object.freeze({ name: p.name ?? '', port: p.port ?? -1, protocol: p.protocol ?? 'TCP' }),
        )
      : NO_PORTS;
  return Object.freeze({
    name: slice.metadata.name ?? '',
    namespace: slice.metadata.namespace ?? '',
    serviceName: slice.metadata.labels?.[wellKnown.LabelServiceName] ?? '',
    addresses: Object.freeze(addresses),
    ports: Object.freeze(ports),
  });
}

/** undefined for pods CoreDNS does not index (terminating, or without a pod IP). */
export function toPod(pod: Pod): SlimPod | undefined {
  if (pod.metadata.deletionTimestamp !== undefined) return undefined;
  const ip = pod.status?.podIP ?? '';
  if (ip === '') return undefined;
  return Object.freeze({
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    podIP: ip,
  });
}

export function toNamespace(ns: Namespace): SlimNamespace {
  return Object.freeze({ name: ns.metadata.name ?? '' });
}

/** CoreDNS endpointHostname: hostname, then the pod name (endpoint_pod_names), then the dashed IP. */
export function endpointHostname(addr: SlimEndpointAddress, endpointPodNames: boolean): string {
  if (addr.hostname !== '') return addr.hostname;
  if (endpointPodNames && addr.targetRefName !== '') return addr.targetRefName;
  if (addr.ip.includes('.')) return addr.ip.replaceAll('.', '-');
  if (addr.ip.includes(':')) {
    const h = addr.ip.replaceAll(':', '-');
    return h.endsWith('-') ? `${h}0` : h;
  }
  return '';
}
