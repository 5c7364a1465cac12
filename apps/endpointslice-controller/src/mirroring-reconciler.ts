// MirroringReconciler: mirrors a user-managed Endpoints object of a selector-less Service into
// EndpointSlices managed by endpointslicemirroring-controller.k8s.io
// (pkg/controller/endpointslicemirroring/{reconciler,reconciler_helpers,utils}.go).
import type {
  AddressType,
  Endpoint,
  EndpointAddress,
  EndpointSlice,
  EndpointSlicePort,
  Endpoints,
  OwnerReference,
  Service,
} from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { isNotFound } from '@svclab/apimachinery';
import { canonicalJSON } from './deep-hash.js';
import { EndpointSet, endpointsEqualBeyondHash, portMapKey } from './endpoint-set.js';
import type { EndpointSliceWriter, WrittenEndpointSlice } from './endpoint-slice-writer.js';
import { isIPv6String, ipTo16 } from './ip.js';
import { endpointSlicePrefix, hasStatusCause, type SliceOperation } from './reconciler.js';
import { repackSubsets } from './repack-subsets.js';
import type { EndpointSliceTracker } from './slice-tracker.js';

/** --mirroring-max-endpoints-per-subset: the code default (the flag help says 100; the code uses 1000). */
export const DefaultMirroringMaxEndpointsPerSubset = 1000;
/** Annotation that marks leader-election Endpoints (never mirrored). */
export const LeaderElectionRecordAnnotationKey = 'control-plane.alpha.kubernetes.io/leader';

/** shouldMirror: not labelled skip-mirror "true" and not a leader-election record. */
export function shouldMirror(endpoints: Endpoints | undefined): boolean {
  if (endpoints === undefined) return false;
  if (endpoints.metadata.labels?.[wellKnown.LabelSkipMirror] === 'true') return false;
  if (endpoints.metadata.annotations?.[LeaderElectionRecordAnnotationKey] !== undefined)
    return false;
  return true;
}

/**
 * What syncEndpoints does for a key, given the cached Service and Endpoints:
 * - `forget`: the Service is gone (its slices go with the Endpoints via ownerReferences) or is ExternalName;
 * - `delete`: the Service has a selector, or the Endpoints are gone / not mirrorable → delete mirrored slices;
 * - `mirror`: reconcile the Endpoints into slices.
 */
export function mirroringAction(
  service: Service | undefined,
  endpoints: Endpoints | undefined,
): 'forget' | 'delete' | 'mirror' {
  if (service === undefined) return 'forget';
  if (service.spec?.type === 'ExternalName') return 'forget';
  if (service.spec?.selector !== undefined) return 'delete';
  if (!shouldMirror(endpoints)) return 'delete';
  return 'mirror';
}

const excludedAnnotations = new Set<string>([
  wellKnown.AnnotationEndpointsLastChangeTriggerTime,
  wellKnown.AnnotationLastApplied,
]);

function mirroredAnnotations(endpoints: Endpoints): Record<string, string> {
  return Object.fromEntries(
    Object.entries(endpoints.metadata.annotations ?? {}).filter(
      ([k]) => !excludedAnnotations.has(k),
    ),
  );
}

function endpointsControllerRef(endpoints: Endpoints): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    name: endpoints.metadata.name ?? '',
    uid: endpoints.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** newEndpointSlice (mirroring): Endpoints labels + service-name + managed-by; annotations minus excluded. */
export function newMirroredSlice(
  endpoints: Endpoints,
  meta: { ports: EndpointSlicePort[]; addressType: AddressType },
  name: string,
): EndpointSlice {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: endpoints.metadata.namespace ?? '',
      labels: {
        ...endpoints.metadata.labels,
        [wellKnown.LabelServiceName]: endpoints.metadata.name ?? '',
        [wellKnown.LabelManagedBy]: wellKnown.MirroringControllerName,
      },
      annotations: mirroredAnnotations(endpoints),
      ownerReferences: [endpointsControllerRef(endpoints)],
    },
    addressType: meta.addressType,
    endpoints: [],
    ports: meta.ports.map((p) => ({ ...p })),
  };
  if (name === '') slice.metadata.generateName = endpointSlicePrefix(endpoints.metadata.name ?? '');
  else slice.metadata.name = name;
  return slice;
}

/** addressToEndpoint: ready from the list it came from; hostname, nodeName, targetRef copied. */
function addressToEndpoint(address: EndpointAddress, ready: boolean): Endpoint {
  const ep: Endpoint = { addresses: [address.ip], conditions: { ready } };
  if (address.hostname !== undefined && address.hostname !== '') ep.hostname = address.hostname;
  if (address.nodeName !== undefined) ep.nodeName = address.nodeName;
  if (address.targetRef !== undefined) ep.targetRef = structuredClone(address.targetRef);
  return ep;
}

/** needRebuildExistingSlices: the slice points at an older Endpoints object of the same name. */
function needRebuild(endpoints: Endpoints, slice: EndpointSlice): boolean {
  return (slice.metadata.ownerReferences ?? []).some(
    (o) =>
      o.kind === 'Endpoints' &&
      o.name === (endpoints.metadata.name ?? '') &&
      o.uid !== (endpoints.metadata.uid ?? ''),
  );
}

export interface MirroringPlan {
  readonly create: EndpointSlice[];
  readonly update: EndpointSlice[];
  readonly delete: EndpointSlice[];
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** Addresses not mirrored: invalid IPs or beyond the per-subset cap. */
  readonly addressesSkipped: number;
  readonly invalidAddresses: number;
}

export interface MirroringReconcilerOptions {
  readonly writer: EndpointSliceWriter;
  readonly tracker?: EndpointSliceTracker | undefined;
  /** Default 1000. */
  readonly maxEndpointsPerSubset?: number | undefined;
  readonly onSliceChange?: ((op: SliceOperation) => void) | undefined;
}

const key = (ports: readonly EndpointSlicePort[], addressType: AddressType): string =>
  `${addressType}/${portMapKey(ports)}`;

export class MirroringReconciler {
  readonly #writer: EndpointSliceWriter;
  readonly #tracker: EndpointSliceTracker | undefined;
  readonly #max: number;
  readonly #onSliceChange: (op: SliceOperation) => void;

  constructor(opts: MirroringReconcilerOptions) {
    this.#writer = opts.writer;
    this.#tracker = opts.tracker;
    this.#max = opts.maxEndpointsPerSubset ?? DefaultMirroringMaxEndpointsPerSubset;
    this.#onSliceChange = opts.onSliceChange ?? (() => undefined);
  }

  /** Pure: the slices to create/update/delete for `endpoints` given its mirrored slices. */
  plan(endpoints: Endpoints, existingSlices: readonly EndpointSlice[]): MirroringPlan {
    const desired = new Map<
      string,
      { ports: EndpointSlicePort[]; addressType: AddressType; set: EndpointSet }
    >();
    let invalidAddresses = 0;
    let addressesSkipped = 0;
    for (const subset of repackSubsets(endpoints.subsets ?? [])) {
      const ports: EndpointSlicePort[] = (subset.ports ?? []).map((p) => {
        const out: EndpointSlicePort = {
          name: p.name ?? '',
          port: p.port,
          protocol: p.protocol ?? 'TCP',
        };
        if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
        return out;
      });
      const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
      let added = 0;
      const addAll = (addrs: readonly EndpointAddress[] | undefined, ready: boolean): void => {
        for (const a of addrs ?? []) {
          if (added >= this.#max) break;
          if (ipTo16(a.ip) === undefined) {
            invalidAddresses++;
            continue;
          }
          const addressType: AddressType = isIPv6String(a.ip) ? 'IPv6' : 'IPv4';
          const k = key(ports, addressType);
          let d = desired.get(k);
          if (d === undefined) {
            d = { ports, addressType, set: new EndpointSet() };
            desired.set(k, d);
          }
          d.set.insert(addressToEndpoint(a, ready));
          added++;
        }
      };
      addAll(subset.addresses, true);
      addAll(subset.notReadyAddresses, false);
      addressesSkipped += total - added;
    }

    const existingByKey = new Map<string, EndpointSlice[]>();
    for (const s of existingSlices) {
      const k = key(s.ports ?? [], s.addressType);
      existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
    }

    let create: EndpointSlice[] = [];
    const update: EndpointSlice[] = [];
    let del: EndpointSlice[] = [];
    let added = 0;
    let updated = 0;
    let removed = 0;
    for (const [k, d] of desired) {
      const existing = existingByKey.get(k) ?? [];
      const first = existing[0];
      if (first === undefined) {
        added += d.set.size;
      } else {
        del.push(...existing.slice(1));
        const t = totalChanges(first, d.set);
        added += t.added;
        updated += t.updated;
        removed += t.removed;
        const compareLabels = Object.fromEntries(
          Object.entries(first.metadata.labels ?? {}).filter(
            ([l]) => l !== wellKnown.LabelManagedBy && l !== wellKnown.LabelServiceName,
          ),
        );
        if (
          t.added === 0 &&
          t.updated === 0 &&
          t.removed === 0 &&
          canonicalJSON(endpoints.metadata.labels ?? {}) === canonicalJSON(compareLabels) &&
          canonicalJSON(mirroredAnnotations(endpoints)) ===
            canonicalJSON(first.metadata.annotations ?? {}) &&
          !needRebuild(endpoints, first)
        ) {
          continue;
        }
      }
      const slice = newMirroredSlice(endpoints, d, first?.metadata.name ?? '');
      if (first?.metadata.resourceVersion !== undefined)
        slice.metadata.resourceVersion = first.metadata.resourceVersion;
      const eps: Endpoint[] = [];
      while (d.set.size > 0 && eps.length < this.#max) {
        const ep = d.set.popAny();
        if (ep !== undefined) eps.push(ep);
      }
      slice.endpoints = eps;
      if (first === undefined) create.push(slice);
      else update.push(slice);
    }
    for (const [k, slices] of existingByKey) {
      if (!desired.has(k)) {
        del.push(...slices);
        for (const s of slices) removed += (s.endpoints ?? []).length;
      }
    }

    // recycleSlices: a create takes over a slice to delete of the same address type.
    for (let i = del.length - 1; i >= 0; i--) {
      const d = del[i];
      const idx = create.findIndex((c) => c.addressType === d?.addressType);
      const c = create[idx];
      if (d === undefined || c === undefined) continue;
      const recycled: EndpointSlice = {
        ...c,
        metadata: { ...c.metadata, name: d.metadata.name ?? '' },
      };
      delete recycled.metadata.generateName;
      if (d.metadata.resourceVersion !== undefined)
        recycled.metadata.resourceVersion = d.metadata.resourceVersion;
      update.push(recycled);
      create = create.filter((_, j) => j !== idx);
      del = del.filter((_, j) => j !== i);
    }
    if (endpoints.metadata.deletionTimestamp !== undefined) create = [];
    return {
      create,
      update,
      delete: del,
      added,
      updated,
      removed,
      addressesSkipped,
      invalidAddresses,
    };
  }

  /** Plans and writes (creates, updates, deletes); rejects with upstream's wording on failure. */
  async reconcile(
    endpoints: Endpoints,
    existingSlices: readonly EndpointSlice[],
  ): Promise<MirroringPlan> {
    const p = this.plan(endpoints, existingSlices);
    const epKey = `${endpoints.metadata.namespace ?? ''}/${endpoints.metadata.name ?? ''}`;
    for (const s of p.create) {
      let created: WrittenEndpointSlice;
      try {
        created = await this.#writer.create(s);
      } catch (err) {
        if (hasStatusCause(err, 'NamespaceTerminating')) return p;
        throw new Error(`failed to create EndpointSlice for Endpoints ${epKey}: ${msg(err)}`, {
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
          `failed to update ${s.metadata.name ?? ''} EndpointSlice for Endpoints ${epKey}: ${msg(err)}`,
          { cause: err },
        );
      }
      this.#tracker?.update(updated);
      this.#onSliceChange('update');
    }
    for (const s of p.delete) {
      try {
        await this.#writer.delete(s.metadata.namespace ?? '', s.metadata.name ?? '');
      } catch (err) {
        if (!isNotFound(err))
          throw new Error(
            `failed to delete ${s.metadata.name ?? ''} EndpointSlice for Endpoints ${epKey}: ${msg(err)}`,
            { cause: err },
          );
      }
      this.#tracker?.expectDeletion(s);
      this.#onSliceChange('delete');
    }
    return p;
  }

  /** deleteMirroredSlices: remove every mirrored slice of this Endpoints name. */
  async deleteAll(
    namespace: string,
    name: string,
    slices: readonly EndpointSlice[],
  ): Promise<void> {
    const errs: unknown[] = [];
    for (const s of slices) {
      try {
        await this.#writer.delete(s.metadata.namespace ?? namespace, s.metadata.name ?? '');
        this.#tracker?.expectDeletion(s);
        this.#onSliceChange('delete');
      } catch (err) {
        if (!isNotFound(err)) errs.push(err);
      }
    }
    if (errs.length > 0) {
      throw new Error(
        `Error(s) deleting ${errs.length}/${slices.length} EndpointSlices for ${namespace}/${name} Endpoints, including: ${msg(errs[0])}`,
        {
          cause: errs[0],
        },
      );
    }
  }
}

function totalChanges(
  slice: EndpointSlice,
  desired: EndpointSet,
): { added: number; updated: number; removed: number } {
  let removed = 0;
  let updated = 0;
  let matches = 0;
  for (const ep of slice.endpoints ?? []) {
    const got = desired.get(ep);
    if (got === undefined) {
      removed++;
    } else {
      matches++;
      if (!endpointsEqualBeyondHash(got, ep)) updated++;
    }
  }
  return { added: desired.size - matches, updated, removed };
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
