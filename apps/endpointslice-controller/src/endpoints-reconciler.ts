// EndpointsReconciler: the legacy v1 Endpoints object of a selector Service, as upstream's
// endpoints controller writes it (pkg/controller/endpoint/endpoints_controller.go syncService):
// ready `addresses` and `notReadyAddresses`, repacked; the 1000-address cap with the
// over-capacity annotation; Service labels + headless label; the trigger-time annotation.
import type {
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSubset,
  IPFamily,
  Pod,
  Service,
} from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { isNotFound } from '@svclab/apimachinery';
import { canonicalJSON } from './deep-hash.js';
import type { EndpointsWriter } from './endpoint-slice-writer.js';
import { isIPv6String } from './ip.js';
import {
  findPort,
  isPodReady,
  isServiceIPSet,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from './pod-util.js';
import { repackSubsets } from './repack-subsets.js';
import { withTriggerTime } from './trigger-time.js';

/** maxCapacity: addresses (ready + not ready) an Endpoints object may hold. */
export const EndpointsMaxCapacity = 1000;
/** Value of endpoints.kubernetes.io/over-capacity once truncated. */
export const OverCapacityTruncated = 'truncated';

export interface EndpointsInput {
  readonly service: Service;
  /** Pods selected by the Service. */
  readonly pods: readonly Pod[];
  /** The Endpoints object in the cache, if any. */
  readonly current: Endpoints | undefined;
  readonly triggerTime?: Date | undefined;
}

export type EndpointsPlan =
  | { readonly action: 'none'; readonly reason: 'unchanged' | 'no-selector' | 'external-name' }
  | {
      readonly action: 'create' | 'update';
      readonly endpoints: Endpoints;
      readonly ready: number;
      readonly notReady: number;
    };

/**
 * podToEndpointAddressForService: the first pod IP of the Service's primary family
 * (spec.ipFamilies[0]; else the clusterIP's family; headless → the family of status.podIP).
 */
export function podToEndpointAddress(svc: Service, pod: Pod): EndpointAddress | undefined {
  let family: IPFamily = 'IPv4';
  const families = svc.spec?.ipFamilies ?? [];
  if (families[0] !== undefined) {
    family = families[0];
  } else if (isServiceIPSet(svc)) {
    if (isIPv6String(svc.spec?.clusterIP ?? '')) family = 'IPv6';
  } else if (isIPv6String(pod.status?.podIP ?? '')) {
    family = 'IPv6';
  }
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (ips.length === 0 && pod.status?.podIP !== undefined) ips.push(pod.status.podIP);
  const ip = ips.find((x) => (family === 'IPv6') === isIPv6String(x));
  if (ip === undefined) return undefined;
  const epa: EndpointAddress = {
    ip,
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
    },
  };
  // Upstream always points nodeName at pod.spec.nodeName; an empty one would fail validation, so omit it.
  const nodeName = pod.spec?.nodeName ?? '';
  if (nodeName !== '') epa.nodeName = nodeName;
  return epa;
}

/** The repacked subsets for a Service and its pods (before truncation). */
export function desiredSubsets(
  service: Service,
  pods: readonly Pod[],
): { subsets: EndpointSubset[]; ready: number; notReady: number } {
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const tolerateUnready = service.spec?.publishNotReadyAddresses ?? false;
  const add = (pod: Pod, epa: EndpointAddress, epp: EndpointPort | undefined): void => {
    const ports = epp === undefined ? [] : [epp];
    if (tolerateUnready || isPodReady(pod)) {
      raw.push({ addresses: [epa], ports });
      ready++;
    } else {
      raw.push({ notReadyAddresses: [epa], ports });
      notReady++;
    }
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const epa = podToEndpointAddress(service, pod);
    if (epa === undefined) continue;
    if (shouldSetHostname(pod, service)) epa.hostname = pod.spec?.hostname ?? '';
    const svcPorts = service.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      if (service.spec?.clusterIP === 'None') add(pod, epa, undefined);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const epp: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol !== undefined) epp.appProtocol = sp.appProtocol;
      add(pod, epa, epp);
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}

/**
 * truncateEndpoints: over 1000 addresses, keep ready ones first. Each subset keeps a share
 * proportional to its size (rounded up, capped by what remains); when ready alone exceeds the cap
 * every not-ready address is dropped. Returns new subsets and whether anything was cut.
 */
export function truncateSubsets(
  subsets: readonly EndpointSubset[],
  maxCapacity = EndpointsMaxCapacity,
): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= maxCapacity) return { subsets: [...subsets], truncated: false };
  const truncateReady = totalReady > maxCapacity;
  const max = truncateReady ? maxCapacity : maxCapacity - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  const out = subsets.map((orig) => {
    const s: EndpointSubset = { ...orig };
    const numInSubset = truncateReady
      ? (s.addresses?.length ?? 0)
      : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((numInSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    return s;
  });
  return { subsets: out, truncated: true };
}

/** Field values as the former JSON view compared them: undefined ≡ null. */
const same = (a: unknown, b: unknown): boolean => (a ?? null) === (b ?? null);

/** Lists compared element by element with `eq`; a missing list ≡ []. */
function listsEqual<T>(
  xs: readonly T[] | undefined,
  ys: readonly T[] | undefined,
  eq: (a: T, b: T) => boolean,
): boolean {
  const n = xs?.length ?? 0;
  if (n !== (ys?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) {
    const a = xs?.[i];
    const b = ys?.[i];
    if (a === b) continue;
    if (a === undefined || b === undefined || !eq(a, b)) return false;
  }
  return true;
}

const targetRefEqual = (
  r: EndpointAddress['targetRef'],
  q: EndpointAddress['targetRef'],
): boolean =>
  r === undefined || q === undefined
    ? r === q
    : same(r.kind, q.kind) &&
      same(r.namespace, q.namespace) &&
      same(r.name, q.name) &&
      same(r.uid, q.uid) &&
      same(r.apiVersion, q.apiVersion) &&
      same(r.fieldPath, q.fieldPath);

const addressEqual = (a: EndpointAddress, b: EndpointAddress): boolean =>
  same(a.ip, b.ip) &&
  same(a.hostname, b.hostname) &&
  same(a.nodeName, b.nodeName) &&
  targetRefEqual(a.targetRef, b.targetRef);

const portEqual = (p: EndpointPort, q: EndpointPort): boolean =>
  same(p.name, q.name) &&
  same(p.port, q.port) &&
  same(p.protocol, q.protocol) &&
  same(p.appProtocol, q.appProtocol);

/**
 * Semantic equality of subsets: nil ≡ [], targetRef.resourceVersion ignored, every field of the
 * typed structs compared (absent ≡ null). Compared in place, field by field, stopping at the first
 * difference: it runs on every sync over every address.
 */
export function subsetsEqual(
  xs: readonly EndpointSubset[] | undefined,
  ys: readonly EndpointSubset[] | undefined,
): boolean {
  return listsEqual(
    xs,
    ys,
    (a, b) =>
      listsEqual(a.addresses, b.addresses, addressEqual) &&
      listsEqual(a.notReadyAddresses, b.notReadyAddresses, addressEqual) &&
      listsEqual(a.ports, b.ports, portEqual),
  );
}

/**
 * structuredClone of everything but the addresses: `subsets` is replaced by the plan's anyway
 * (kept as [] so the key keeps its place in the encoded object).
 */
function cloneWithoutSubsets(ep: Endpoints): Endpoints {
  return structuredClone({ ...ep, subsets: [] });
}

function labelsFor(service: Service): Record<string, string> {
  const labels = Object.fromEntries(
    Object.entries(service.metadata.labels ?? {}).filter(([k]) => k !== wellKnown.LabelHeadless),
  );
  if (!isServiceIPSet(service)) labels[wellKnown.LabelHeadless] = '';
  return labels;
}

export interface EndpointsReconcilerOptions {
  readonly writer: EndpointsWriter;
  /** Default 1000 (upstream's maxCapacity); lowered only in tests. */
  readonly maxCapacity?: number | undefined;
}

/**
 * Plans and writes the Endpoints object of one Service. Stateless besides its options. Unlike
 * upstream, the "unchanged" check compares the truncated result, so a Service over capacity is not
 * rewritten on every sync (upstream compares the untruncated subsets and so always rewrites).
 */
export class EndpointsReconciler {
  readonly #writer: EndpointsWriter;
  readonly #maxCapacity: number;

  constructor(opts: EndpointsReconcilerOptions) {
    this.#writer = opts.writer;
    this.#maxCapacity = opts.maxCapacity ?? EndpointsMaxCapacity;
  }

  /** Pure: the Endpoints object to create/update, or why nothing is written. */
  plan(input: EndpointsInput): EndpointsPlan {
    const { service, current } = input;
    if (service.spec?.type === 'ExternalName') return { action: 'none', reason: 'external-name' };
    if (service.spec?.selector === undefined) return { action: 'none', reason: 'no-selector' };
    const { subsets, ready, notReady } = desiredSubsets(service, input.pods);
    const { subsets: finalSubsets, truncated } = truncateSubsets(subsets, this.#maxCapacity);
    const labels = labelsFor(service);
    const create = (current?.metadata.resourceVersion ?? '') === '';
    if (
      !create &&
      subsetsEqual(current?.subsets, finalSubsets) &&
      canonicalJSON(current?.metadata.labels ?? {}) === canonicalJSON(labels) &&
      (current?.metadata.annotations?.[wellKnown.AnnotationEndpointsOverCapacity] ===
        OverCapacityTruncated) ===
        truncated
    ) {
      return { action: 'none', reason: 'unchanged' };
    }
    const base: Endpoints =
      current === undefined || create
        ? {
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: {
              name: service.metadata.name ?? '',
              namespace: service.metadata.namespace ?? '',
            },
          }
        : cloneWithoutSubsets(current);
    const annotations = Object.fromEntries(
      Object.entries(withTriggerTime(base.metadata.annotations, input.triggerTime)).filter(
        ([k]) => k !== wellKnown.AnnotationEndpointsOverCapacity,
      ),
    );
    if (truncated) annotations[wellKnown.AnnotationEndpointsOverCapacity] = OverCapacityTruncated;
    const endpoints: Endpoints = {
      ...base,
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...base.metadata, labels, annotations },
      subsets: finalSubsets,
    };
    // `subsets` is omitempty upstream: no addresses → no field.
    if (finalSubsets.length === 0) delete endpoints.subsets;
    return { action: create ? 'create' : 'update', endpoints, ready, notReady };
  }

  /** Plans and writes; resolves to the plan, rejects with the writer's StatusError on failure. */
  async reconcile(input: EndpointsInput): Promise<EndpointsPlan> {
    const p = this.plan(input);
    if (p.action === 'create') await this.#writer.create(p.endpoints);
    if (p.action === 'update') await this.#writer.update(p.endpoints);
    return p;
  }

  /** The Service is gone: delete its Endpoints (already gone is fine). */
  async deleteForService(namespace: string, name: string): Promise<void> {
    try {
      await this.#writer.delete(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
