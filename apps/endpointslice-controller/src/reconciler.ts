// EndpointSliceReconciler: Service + selected Pods + existing slices → the EndpointSlices that
// should exist, with as little churn as possible (k8s.io/endpointslice reconciler.go, utils.go,
// trafficdist/trafficdist.go). `plan` is pure; `reconcile` plans and then writes through an
// injected EndpointSliceWriter, recording generations in the EndpointSliceTracker.
import type {
  AddressType,
  Endpoint,
  EndpointSlice,
  EndpointSlicePort,
  Node,
  OwnerReference,
  Pod,
  Service,
} from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { isNotFound, isStatusError } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { nopLogger } from '@svclab/telemetry';
import { canonicalJSON } from './deep-hash.js';
import { EndpointSet, endpointsEqualBeyondHash, portMapKey } from './endpoint-set.js';
import type { EndpointSliceWriter, WrittenEndpointSlice } from './endpoint-slice-writer.js';
import { canonicalIP, isIPv6String } from './ip.js';
import {
  findPort,
  isPodReady,
  isServiceIPSet,
  podIPs,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from './pod-util.js';
import type { EndpointSliceTracker } from './slice-tracker.js';
import { withTriggerTime } from './trigger-time.js';

/** Default and bounds of --max-endpoints-per-slice (API validation caps a slice at 1000). */
export const DefaultMaxEndpointsPerSlice = 100;
export const MinMaxEndpointsPerSlice = 1;
export const MaxMaxEndpointsPerSlice = 1000;

/** Validates --max-endpoints-per-slice with upstream's wording; returns the error text or undefined. */
export function validateMaxEndpointsPerSlice(n: number): string | undefined {
  if (!Number.isInteger(n))
    return `max-endpoints-per-slice must be an integer, but got ${String(n)}`;
  if (n < MinMaxEndpointsPerSlice)
    return `max-endpoints-per-slice must not be less than 1, but got ${n}`;
  if (n > MaxMaxEndpointsPerSlice)
    return `max-endpoints-per-slice must not be more than 1000, but got ${n}`;
  return undefined;
}

/** Anything that finds a Node by name: a Lister, or simply a `Map<string, Node>`. */
export interface NodeGetter {
  get(name: string): Node | undefined;
}

export interface ReconcileInput {
  readonly service: Service;
  /** Pods selected by the Service (the controller lists them by selector, same namespace). */
  readonly pods: readonly Pod[];
  /** Slices labelled for this Service and managed by this controller, without deleting ones. */
  readonly existingSlices: readonly EndpointSlice[];
  readonly nodes: NodeGetter;
  /** Latest change time of the Service or its pods; undefined removes the annotation. */
  readonly triggerTime?: Date | undefined;
}

/** Endpoints and slices of one port mapping, as upstream's EfficiencyInfo. */
export interface PortMapEfficiency {
  readonly addressType: AddressType;
  readonly portMapKey: string;
  readonly endpoints: number;
  readonly slices: number;
}

/** What `plan` decided. Slices are fresh objects; nothing from the input is shared or mutated. */
export interface EndpointSlicePlan {
  readonly create: EndpointSlice[];
  readonly update: EndpointSlice[];
  readonly delete: EndpointSlice[];
  /** Endpoints newly added / removed across all port mappings (metrics). */
  readonly added: number;
  readonly removed: number;
  readonly efficiency: PortMapEfficiency[];
  /** Non-fatal problems (pod on a missing Node): the plan is still written, then the sync retried. */
  readonly errors: Error[];
}

export type SliceOperation = 'create' | 'update' | 'delete';

export interface EndpointSliceReconcilerOptions {
  readonly writer: EndpointSliceWriter;
  readonly tracker?: EndpointSliceTracker | undefined;
  /** 1..1000, default 100. */
  readonly maxEndpointsPerSlice?: number | undefined;
  readonly controllerName?: string | undefined;
  /** Accept PreferSameZone / PreferSameNode trafficDistribution (feature PreferSameTrafficDistribution). */
  readonly preferSameTrafficDistribution?: boolean | undefined;
  readonly logger?: Logger | undefined;
  /** Called after each successful write (metrics `…_changes{operation}`). */
  readonly onSliceChange?: ((op: SliceOperation) => void) | undefined;
  /** Called by `reconcile` with the plan, before any write (metrics per sync). */
  readonly onPlan?: ((service: Service, plan: EndpointSlicePlan) => void) | undefined;
}

interface EndpointMeta {
  readonly ports: EndpointSlicePort[];
  readonly addressType: AddressType;
}

const reservedLabelKeys = new Set<string>([
  wellKnown.LabelServiceName,
  wellKnown.LabelManagedBy,
  wellKnown.LabelHeadless,
]);

/** getAddressTypesForService: from spec.ipFamilies; else the clusterIP's family; headless → both. */
export function addressTypesForService(service: Service): Set<AddressType> {
  const out = new Set<AddressType>();
  for (const f of service.spec?.ipFamilies ?? []) {
    if (f === 'IPv4') out.add('IPv4');
    if (f === 'IPv6') out.add('IPv6');
  }
  if (out.size > 0) return out;
  const clusterIP = service.spec?.clusterIP ?? '';
  if (clusterIP !== '' && clusterIP !== 'None') {
    out.add(isIPv6String(clusterIP) ? 'IPv6' : 'IPv4');
    return out;
  }
  out.add('IPv4');
  out.add('IPv6');
  return out;
}

/** getEndpointSlicePrefix: `<name>-` unless that is not a valid DNS-1123 subdomain prefix. */
export function endpointSlicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  const candidate = `${prefix}a`;
  const valid =
    candidate.length <= 253 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(candidate);
  return valid ? prefix : serviceName;
}

/** metav1.NewControllerRef(service, v1/Service). */
export function serviceControllerRef(service: Service): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: service.metadata.name ?? '',
    uid: service.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** ownedBy: the slice has an ownerReference to this Service's UID (v1/Service). */
export function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some(
    (o) => o.uid === (service.metadata.uid ?? '') && o.kind === 'Service' && o.apiVersion === 'v1',
  );
}

/**
 * setEndpointSliceLabels: the Service's labels minus reserved keys, plus service-name, managed-by
 * and (when headless) the headless label. `changed` compares only the non-reserved labels.
 */
export function endpointSliceLabels(
  slice: EndpointSlice,
  service: Service,
  controllerName: string,
): { labels: Record<string, string>; changed: boolean } {
  const sliceLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice.metadata.labels ?? {}))
    if (!reservedLabelKeys.has(k)) sliceLabels[k] = v;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {}))
    if (!reservedLabelKeys.has(k)) labels[k] = v;
  const changed = canonicalJSON(sliceLabels) !== canonicalJSON(labels);
  if (!isServiceIPSet(service)) labels[wellKnown.LabelHeadless] = '';
  labels[wellKnown.LabelServiceName] = service.metadata.name ?? '';
  labels[wellKnown.LabelManagedBy] = controllerName;
  return { labels, changed };
}

/** getEndpointPorts: one port per Service port that resolves on this pod (headless without ports → []). */
export function endpointPortsForPod(service: Service, pod: Pod): EndpointSlicePort[] {
  const ports: EndpointSlicePort[] = [];
  const svcPorts = service.spec?.ports ?? [];
  if (svcPorts.length === 0 && service.spec?.clusterIP === 'None') return ports;
  for (const sp of svcPorts) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointSlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports;
}

/** getEndpointAddresses: the pod's IPs of this family, re-stringified. */
function endpointAddresses(pod: Pod, addressType: AddressType): string[] {
  const out: string[] = [];
  for (const raw of podIPs(pod)) {
    const ip = canonicalIP(raw);
    if (ip === undefined) continue;
    const v6 = isIPv6String(ip);
    if (v6 && addressType === 'IPv6') out.push(ip);
    if (!v6 && addressType === 'IPv4') out.push(ip);
  }
  return out;
}

/** podToEndpoint: conditions, targetRef, nodeName, zone (from the Node), hostname. */
export function podToEndpoint(
  pod: Pod,
  service: Service,
  on: { node: Node | undefined; addressType: AddressType },
): Endpoint {
  const { node, addressType } = on;
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const ready = (service.spec?.publishNotReadyAddresses ?? false) || (serving && !terminating);
  const ep: Endpoint = {
    addresses: endpointAddresses(pod, addressType),
    conditions: { ready, serving, terminating },
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
    },
  };
  const nodeName = pod.spec?.nodeName ?? '';
  if (nodeName !== '') ep.nodeName = nodeName;
  const zone = node?.metadata.labels?.[wellKnown.LabelTopologyZone] ?? '';
  if (zone !== '') ep.zone = zone;
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec?.hostname ?? '';
  return ep;
}

/** newEndpointSlice: generateName, namespace, labels, controller ownerRef, empty endpoints. */
export function newEndpointSlice(
  service: Service,
  meta: EndpointMeta,
  controllerName: string,
): EndpointSlice {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: endpointSlicePrefix(service.metadata.name ?? ''),
      namespace: service.metadata.namespace ?? '',
      labels: {},
      ownerReferences: [serviceControllerRef(service)],
    },
    addressType: meta.addressType,
    endpoints: [],
    ports: meta.ports.map((p) => ({ ...p })),
  };
  slice.metadata.labels = endpointSliceLabels(slice, service, controllerName).labels;
  return slice;
}

/** placeholderSliceCompare: namespace, labels, ownerRefs, addressType, ports and endpoints (nil ≡ []). */
function placeholderEqual(a: EndpointSlice, b: EndpointSlice): boolean {
  const view = (s: EndpointSlice): string =>
    canonicalJSON({
      namespace: s.metadata.namespace ?? '',
      labels: s.metadata.labels ?? {},
      ownerReferences: s.metadata.ownerReferences ?? [],
      addressType: s.addressType,
      ports: s.ports ?? [],
      endpoints: s.endpoints ?? [],
    });
  return view(a) === view(b);
}

const sliceName = (s: EndpointSlice): string => s.metadata.name ?? '';
const endpointsOf = (s: EndpointSlice): Endpoint[] => s.endpoints ?? [];

/** A copy of a cached slice safe to edit: metadata and ports copied, endpoints left to the caller. */
function copySliceShell(s: EndpointSlice): EndpointSlice {
  return {
    ...s,
    metadata: structuredClone(s.metadata),
    ports: s.ports === undefined || s.ports === null ? s.ports : s.ports.map((p) => ({ ...p })),
    endpoints: [],
  };
}

/** getSliceToFill: the slice closest to full after adding `n`, or undefined if none fits. */
function sliceToFill(
  slices: readonly EndpointSlice[],
  n: number,
  max: number,
): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (n + endpointsOf(s).length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (diff === 0) return closest;
    }
  }
  return closest;
}

type TrafficHeuristic = 'zone' | 'node';

function endpointReady(ep: Endpoint): boolean {
  return ep.conditions?.ready === true;
}

/** trafficdist heuristics: ready endpoints get forZones=[zone] (and forNodes=[node] for PreferSameNode). */
function applyHint(ep: Endpoint, h: TrafficHeuristic): void {
  if (!endpointReady(ep)) return;
  const hints: NonNullable<Endpoint['hints']> = { forZones: [{ name: ep.zone ?? '' }] };
  if (h === 'node') hints.forNodes = [{ name: ep.nodeName ?? '' }];
  ep.hints = hints;
}

function needsHintUpdate(slice: EndpointSlice, h: TrafficHeuristic): boolean {
  for (const ep of endpointsOf(slice)) {
    if (!endpointReady(ep)) continue;
    const z = ep.hints?.forZones;
    if (z?.length !== 1 || z[0]?.name !== (ep.zone ?? '')) return true;
    if (h === 'node') {
      const n = ep.hints?.forNodes;
      if (n?.length !== 1 || n[0]?.name !== (ep.nodeName ?? '')) return true;
    } else if (ep.hints?.forNodes !== undefined) {
      return true;
    }
  }
  return false;
}

function hintsEnabled(annotations: Readonly<Record<string, string>> | undefined): boolean {
  const val =
    annotations?.[wellKnown.AnnotationTopologyAwareHints] ??
    annotations?.[wellKnown.AnnotationTopologyMode];
  return val === 'Auto' || val === 'auto';
}

interface AddressTypePlan extends PortMapResult {
  efficiency: PortMapEfficiency[];
  errors: Error[];
}

interface PerAddressTypePlans {
  plans: AddressTypePlan[];
  /** Slices of address types the Service no longer has. */
  unsupported: EndpointSlice[];
}

function mergePlans(perType: PerAddressTypePlans): EndpointSlicePlan {
  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  const del: EndpointSlice[] = [];
  const efficiency: PortMapEfficiency[] = [];
  const errors: Error[] = [];
  let added = 0;
  let removed = 0;
  for (const p of perType.plans) {
    create.push(...p.create);
    update.push(...p.update);
    del.push(...p.delete);
    efficiency.push(...p.efficiency);
    errors.push(...p.errors);
    added += p.added;
    removed += p.removed;
  }
  del.push(...perType.unsupported);
  return { create, update, delete: del, added, removed, efficiency, errors };
}

interface PortMapResult {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  added: number;
  removed: number;
}

/**
 * Owns no state besides its options and the (shared) tracker; one instance serves all Services.
 * `reconcile` for the same Service must not run concurrently (the work queue guarantees that).
 */
export class EndpointSliceReconciler {
  readonly maxEndpointsPerSlice: number;
  readonly controllerName: string;
  readonly #writer: EndpointSliceWriter;
  readonly #tracker: EndpointSliceTracker | undefined;
  readonly #preferSame: boolean;
  readonly #logger: Logger;
  readonly #onSliceChange: (op: SliceOperation) => void;
  readonly #onPlan: (service: Service, plan: EndpointSlicePlan) => void;

  constructor(opts: EndpointSliceReconcilerOptions) {
    const max = opts.maxEndpointsPerSlice ?? DefaultMaxEndpointsPerSlice;
    const invalid = validateMaxEndpointsPerSlice(max);
    if (invalid !== undefined) throw new RangeError(invalid);
    this.maxEndpointsPerSlice = max;
    this.controllerName = opts.controllerName ?? wellKnown.ControllerName;
    this.#writer = opts.writer;
    this.#tracker = opts.tracker;
    this.#preferSame = opts.preferSameTrafficDistribution ?? true;
    this.#logger = opts.logger ?? nopLogger;
    this.#onSliceChange = opts.onSliceChange ?? (() => undefined);
    this.#onPlan = opts.onPlan ?? (() => undefined);
  }

  /** ManagedByController: the slice's managed-by label names this controller. */
  managedByController(slice: EndpointSlice): boolean {
    return slice.metadata.labels?.[wellKnown.LabelManagedBy] === this.controllerName;
  }

  /** ManagedByChanged: exactly one of the two slices is managed by this controller. */
  managedByChanged(a: EndpointSlice, b: EndpointSlice): boolean {
    return this.managedByController(a) !== this.managedByController(b);
  }

  /** The whole plan across address types, exactly what `reconcile` would write. Pure. */
  plan(input: ReconcileInput): EndpointSlicePlan {
    return mergePlans(this.#planPerAddressType(input));
  }

  /**
   * Plans and writes: per address type creates, then updates, then deletes (a failure stops that
   * address type); then deletes slices of address types the Service no longer has. Resolves to the
   * plan; rejects with an AggregateError of every failure (and of plan.errors) so the controller
   * requeues. Deleting an already-deleted slice is not an error.
   */
  async reconcile(input: ReconcileInput): Promise<EndpointSlicePlan> {
    const perType = this.#planPerAddressType(input);
    const plan = mergePlans(perType);
    this.#onPlan(input.service, plan);
    const errs: Error[] = [];
    const { service } = input;
    const svcKey = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
    for (const p of perType.plans) {
      try {
        await this.#finalizeWrites(service, p);
      } catch (err) {
        errs.push(err instanceof Error ? err : new Error(String(err)));
      }
      errs.push(...p.errors);
    }
    for (const s of perType.unsupported) {
      try {
        await this.#deleteSlice(s);
      } catch (err) {
        errs.push(
          new Error(
            `error deleting ${sliceName(s)} EndpointSlice for Service ${svcKey}: ${errMsg(err)}`,
            { cause: err },
          ),
        );
      }
    }
    if (errs.length > 0) throw new AggregateError(errs, errs.map((e) => e.message).join('; '));
    return plan;
  }

  #planPerAddressType(input: ReconcileInput): PerAddressTypePlans {
    const supported = addressTypesForService(input.service);
    const unsupported: EndpointSlice[] = [];
    const byType = new Map<AddressType, EndpointSlice[]>();
    for (const s of input.existingSlices) {
      if (!supported.has(s.addressType)) {
        unsupported.push(s);
        continue;
      }
      const list = byType.get(s.addressType) ?? [];
      list.push(s);
      byType.set(s.addressType, list);
    }
    const plans = [...supported].map((t) => this.#planByAddressType(input, byType.get(t) ?? [], t));
    return { plans, unsupported };
  }

  #planByAddressType(
    input: ReconcileInput,
    existingSlices: readonly EndpointSlice[],
    addressType: AddressType,
  ): AddressTypePlan {
    const { service } = input;
    const svcNs = service.metadata.namespace ?? '';
    const svcName = service.metadata.name ?? '';
    const errors: Error[] = [];
    let toCreate: EndpointSlice[] = [];
    const toUpdate: EndpointSlice[] = [];
    let toDelete: EndpointSlice[] = [];

    const existingByPortMap = new Map<string, EndpointSlice[]>();
    for (const s of existingSlices) {
      if (ownedBy(s, service)) {
        const k = portMapKey(s.ports);
        const list = existingByPortMap.get(k) ?? [];
        list.push(s);
        existingByPortMap.set(k, list);
      } else {
        toDelete.push(s);
      }
    }

    const desiredMeta = new Map<string, EndpointMeta>();
    const desiredEndpoints = new Map<string, EndpointSet>();
    for (const pod of input.pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = endpointPortsForPod(service, pod);
      const k = portMapKey(ports);
      let set = desiredEndpoints.get(k);
      if (set === undefined) {
        set = new EndpointSet();
        desiredEndpoints.set(k, set);
      }
      if (!desiredMeta.has(k)) desiredMeta.set(k, { addressType, ports });
      const nodeName = pod.spec?.nodeName ?? '';
      const node = input.nodes.get(nodeName);
      if (node === undefined && service.spec?.publishNotReadyAddresses !== true) {
        this.#logger.info('skipping Pod for Service, Node not found', {
          pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`,
          service: `${svcNs}/${svcName}`,
          node: nodeName,
        });
        errors.push(
          new Error(
            `skipping Pod ${pod.metadata.name ?? ''} for Service ${svcNs}/${svcName}: Node ${nodeName} Not Found`,
          ),
        );
        continue;
      }
      const ep = podToEndpoint(pod, service, { node, addressType });
      if (ep.addresses.length > 0) set.insert(ep);
    }

    const efficiency: PortMapEfficiency[] = [];
    let added = 0;
    let removed = 0;
    for (const [k, set] of desiredEndpoints) {
      const numEndpoints = set.size;
      const meta = desiredMeta.get(k) ?? { addressType, ports: [] };
      const existing = existingByPortMap.get(k) ?? [];
      const r = this.#reconcileByPortMapping(service, {
        existingSlices: existing,
        desired: set,
        meta,
      });
      added += r.added;
      removed += r.removed;
      efficiency.push({
        addressType,
        portMapKey: k,
        endpoints: numEndpoints,
        slices: existing.length + r.create.length - r.delete.length,
      });
      toCreate.push(...r.create);
      toUpdate.push(...r.update);
      toDelete.push(...r.delete);
    }
    for (const [k, slices] of existingByPortMap) {
      if (!desiredEndpoints.has(k)) toDelete.push(...slices);
    }

    // Placeholder: every selector Service keeps at least one slice per address type.
    if (existingSlices.length === toDelete.length && toCreate.length < 1) {
      const placeholder = newEndpointSlice(
        service,
        { addressType, ports: [] },
        this.controllerName,
      );
      const only = toDelete[0];
      if (toDelete.length === 1 && only !== undefined && placeholderEqual(only, placeholder)) {
        toDelete = [];
      } else {
        toCreate.push(placeholder);
      }
      efficiency.push({ addressType, portMapKey: portMapKey([]), endpoints: 0, slices: 1 });
    }

    // Hints: trafficDistribution (TopologyCache for the topology-mode annotation is not modelled,
    // so with that annotation hints are removed as upstream does without a topology cache).
    const unchanged = (): EndpointSlice[] => {
      const changed = new Set([...toUpdate, ...toDelete].map(sliceName));
      return existingSlices.filter((s) => !changed.has(sliceName(s)));
    };
    const td = service.spec?.trafficDistribution;
    const heuristic: TrafficHeuristic | undefined =
      td === 'PreferClose' || (this.#preferSame && td === 'PreferSameZone')
        ? 'zone'
        : this.#preferSame && td === 'PreferSameNode'
          ? 'node'
          : undefined;
    const useTrafficDist = heuristic !== undefined && !hintsEnabled(service.metadata.annotations);
    if (!useTrafficDist) {
      for (const s of [...toCreate, ...toUpdate]) for (const ep of endpointsOf(s)) delete ep.hints;
      for (const s of unchanged()) {
        if (endpointsOf(s).some((ep) => ep.hints !== undefined)) {
          const copy = structuredClone(s);
          for (const ep of endpointsOf(copy)) delete ep.hints;
          toUpdate.push(copy);
        }
      }
    } else {
      for (const s of [...toCreate, ...toUpdate])
        for (const ep of endpointsOf(s)) applyHint(ep, heuristic);
      for (const s of unchanged()) {
        if (needsHintUpdate(s, heuristic)) {
          const copy = structuredClone(s);
          for (const ep of endpointsOf(copy)) applyHint(ep, heuristic);
          toUpdate.push(copy);
        }
      }
    }

    // finalize, part 1 (pure): turn create+delete pairs into updates of the slice to delete.
    for (let i = 0; i < toDelete.length;) {
      if (toCreate.length === 0) break;
      const del = toDelete[i];
      const create = toCreate[toCreate.length - 1];
      if (del === undefined || create === undefined) break;
      if (del.addressType === create.addressType && ownedBy(del, service)) {
        // The create takes over the name (and, unlike upstream, the resourceVersion and uid of the
        // cached copy, so the update is a guarded one rather than unconditional).
        const updated: EndpointSlice = {
          ...create,
          metadata: { ...create.metadata, name: sliceName(del) },
        };
        if (del.metadata.resourceVersion !== undefined)
          updated.metadata.resourceVersion = del.metadata.resourceVersion;
        if (del.metadata.uid !== undefined) updated.metadata.uid = del.metadata.uid;
        toCreate = toCreate.slice(0, -1);
        toUpdate.push(updated);
        toDelete = [...toDelete.slice(0, i), ...toDelete.slice(i + 1)];
      } else {
        i++;
      }
    }
    // Don't create while the Service is being deleted (race with the garbage collector).
    if (service.metadata.deletionTimestamp !== undefined) toCreate = [];
    for (const s of [...toCreate, ...toUpdate])
      s.metadata.annotations = withTriggerTime(s.metadata.annotations, input.triggerTime);

    return {
      create: toCreate,
      update: toUpdate,
      delete: toDelete,
      added,
      removed,
      efficiency,
      errors,
    };
  }

  /** reconcileByPortMapping: steps 1–3 of upstream's churn-minimising algorithm. */
  #reconcileByPortMapping(
    service: Service,
    group: { existingSlices: readonly EndpointSlice[]; desired: EndpointSet; meta: EndpointMeta },
  ): PortMapResult {
    const { existingSlices, desired, meta } = group;
    const max = this.maxEndpointsPerSlice;
    const byName = new Map<string, EndpointSlice>();
    const unchangedNames = new Set<string>();
    const updateNames = new Set<string>();
    const deleteNames = new Set<string>();
    let removed = 0;

    // 1. Keep endpoints that are still desired (as their desired version); drop the rest.
    for (const existing of existingSlices) {
      byName.set(sliceName(existing), existing);
      const kept: Endpoint[] = [];
      let endpointUpdated = false;
      for (const ep of endpointsOf(existing)) {
        const got = desired.take(ep);
        if (got === undefined) continue;
        // Desired endpoints are fresh objects of this plan (never cached ones): no copy needed.
        kept.push(got);
        if (!endpointsEqualBeyondHash(got, ep)) endpointUpdated = true;
      }
      const { labels, changed: labelsChanged } = endpointSliceLabels(
        existing,
        service,
        this.controllerName,
      );
      const existingCount = endpointsOf(existing).length;
      if (endpointUpdated || existingCount !== kept.length) {
        if (existingCount > kept.length) removed += existingCount - kept.length;
        if (kept.length === 0) {
          deleteNames.add(sliceName(existing));
        } else {
          const copy = copySliceShell(existing);
          copy.endpoints = kept;
          copy.metadata.labels = labels;
          byName.set(sliceName(existing), copy);
          updateNames.add(sliceName(existing));
        }
      } else if (labelsChanged) {
        const copy = copySliceShell(existing);
        copy.endpoints = endpointsOf(existing).map((ep) => structuredClone(ep));
        copy.metadata.labels = labels;
        byName.set(sliceName(existing), copy);
        updateNames.add(sliceName(existing));
      } else {
        unchangedNames.add(sliceName(existing));
      }
    }

    const added = desired.size;

    // 2. Fill the slices already being updated, fullest first.
    if (desired.size > 0 && updateNames.size > 0) {
      const slices = [...updateNames]
        .map((n) => byName.get(n))
        .filter((s): s is EndpointSlice => s !== undefined);
      slices.sort((a, b) => endpointsOf(b).length - endpointsOf(a).length);
      for (const s of slices) {
        const eps = endpointsOf(s);
        while (desired.size > 0 && eps.length < max) {
          const ep = desired.popAny();
          if (ep !== undefined) eps.push(ep);
        }
        s.endpoints = eps;
      }
    }

    // 3. Put what is left into the unchanged slice closest to full, else into new slices.
    const create: EndpointSlice[] = [];
    while (desired.size > 0) {
      let fill: EndpointSlice | undefined;
      if (desired.size < max && unchangedNames.size > 0) {
        const unchanged = [...unchangedNames]
          .map((n) => byName.get(n))
          .filter((s): s is EndpointSlice => s !== undefined);
        fill = sliceToFill(unchanged, desired.size, max);
      }
      if (fill === undefined) {
        fill = newEndpointSlice(service, meta, this.controllerName);
      } else {
        fill = structuredClone(fill);
        byName.set(sliceName(fill), fill);
      }
      const eps = endpointsOf(fill);
      while (desired.size > 0 && eps.length < max) {
        const ep = desired.popAny();
        if (ep !== undefined) eps.push(ep);
      }
      fill.endpoints = eps;
      if (sliceName(fill) !== '') {
        updateNames.add(sliceName(fill));
        unchangedNames.delete(sliceName(fill));
      } else {
        create.push(fill);
      }
    }

    const pick = (names: Set<string>): EndpointSlice[] =>
      [...names].map((n) => byName.get(n)).filter((s): s is EndpointSlice => s !== undefined);
    return { create, update: pick(updateNames), delete: pick(deleteNames), added, removed };
  }

  async #finalizeWrites(service: Service, p: PortMapResult): Promise<void> {
    const svcKey = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
    for (const s of p.create) {
      let created: WrittenEndpointSlice;
      try {
        created = await this.#writer.create(s);
      } catch (err) {
        // A terminating namespace refuses creates forever: drop the item.
        if (hasStatusCause(err, 'NamespaceTerminating')) return;
        throw new Error(`failed to create EndpointSlice for Service ${svcKey}: ${errMsg(err)}`, {
          cause: err,
        });
      }
      this.#tracker?.update(created);
      this.#onSliceChange('create');
    }
    for (const s of p.update) {
      let updated: WrittenEndpointSlice;
      try {
        updated = await this.#writer.update(s);
      } catch (err) {
        throw new Error(
          `failed to update ${sliceName(s)} EndpointSlice for Service ${svcKey}: ${errMsg(err)}`,
          { cause: err },
        );
      }
      this.#tracker?.update(updated);
      this.#onSliceChange('update');
    }
    for (const s of p.delete) {
      try {
        await this.#deleteSlice(s);
      } catch (err) {
        throw new Error(
          `failed to delete ${sliceName(s)} EndpointSlice for Service ${svcKey}: ${errMsg(err)}`,
          { cause: err },
        );
      }
    }
  }

  /** deleteEndpointSlice: tolerates slices that are already gone. */
  async #deleteSlice(s: EndpointSlice): Promise<void> {
    try {
      await this.#writer.delete(s.metadata.namespace ?? '', sliceName(s));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.#tracker?.expectDeletion(s);
    this.#onSliceChange('delete');
  }
}

function errMsg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** errors.HasStatusCause: the Status carries a cause of this type (wire field `reason`). */
export function hasStatusCause(err: unknown, causeType: string): boolean {
  if (!isStatusError(err)) return false;
  return (err.status.details?.causes ?? []).some((c) => c.reason === causeType);
}
