// EndpointSliceTracker (k8s.io/endpointslice/util/endpointslice_tracker.go): remembers the
// generation of every EndpointSlice this controller wrote, per Service, so that the controller can
// tell (a) whether a slice event is its own echo and (b) whether the informer cache still lags
// behind its own writes (then it must not reconcile from that cache).
import type { EndpointSlice, Service } from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { namespacedKey } from '@svclab/apimachinery';

/** Generation value meaning "we deleted this slice and expect the delete event". */
const deletionExpected = -1;

type GenerationsBySlice = Map<string, number>;

function serviceKeyOf(slice: EndpointSlice): string {
  return namespacedKey(
    slice.metadata.namespace ?? '',
    slice.metadata.labels?.[wellKnown.LabelServiceName] ?? '',
  );
}

const uidOf = (s: EndpointSlice): string => s.metadata.uid ?? '';
const generationOf = (s: EndpointSlice): number => s.metadata.generation ?? 0;

/**
 * Not safe to share across threads in Go terms; in Node it is only ever touched from the event
 * loop, so no lock is needed. Keys are Service `namespace/name`; slices map to their Service by
 * the `kubernetes.io/service-name` label.
 */
export class EndpointSliceTracker {
  readonly #generationsByService = new Map<string, GenerationsBySlice>();
  readonly #servicesByUID = new Map<string, string>();

  /** A generation is tracked for this slice. */
  has(slice: EndpointSlice): boolean {
    return this.#generationsByService.get(serviceKeyOf(slice))?.has(uidOf(slice)) ?? false;
  }

  /** The slice is unknown, or newer than what we wrote: someone else changed it. */
  shouldSync(slice: EndpointSlice): boolean {
    const gfs = this.#generationsByService.get(serviceKeyOf(slice));
    if (gfs === undefined) return true;
    const g = gfs.get(uidOf(slice));
    return g === undefined || generationOf(slice) > g;
  }

  /**
   * StaleSlices: the cache lags our writes if a provided slice is older than tracked, a provided
   * slice is expected to be deleted, or a tracked (non-deleted) slice is missing. A changed
   * Service UID (deleted and recreated) clears the obsolete generations first.
   */
  staleSlices(service: Service, slices: readonly EndpointSlice[]): boolean {
    const key = namespacedKey(service.metadata.namespace ?? '', service.metadata.name ?? '');
    const uid = service.metadata.uid ?? '';
    const trackedUID = this.#servicesByUID.get(key);
    if (trackedUID !== undefined && trackedUID !== '' && uid !== '' && trackedUID !== uid) {
      this.#generationsByService.delete(key);
    }
    this.#servicesByUID.set(key, uid);
    const gfs = this.#generationsByService.get(key);
    if (gfs === undefined) return false;
    const provided = new Set<string>();
    for (const s of slices) {
      provided.add(uidOf(s));
      const g = gfs.get(uidOf(s));
      if (g !== undefined && (g === deletionExpected || g > generationOf(s))) return true;
    }
    for (const [sliceUID, g] of gfs) {
      if (g !== deletionExpected && !provided.has(sliceUID)) return true;
    }
    return false;
  }

  /** Record the generation of a slice we just created or updated (the server's answer). */
  update(slice: EndpointSlice): void {
    this.#gfsFor(slice).set(uidOf(slice), generationOf(slice));
  }

  /** Record that we deleted this slice. */
  expectDeletion(slice: EndpointSlice): void {
    this.#gfsFor(slice).set(uidOf(slice), deletionExpected);
  }

  /** Forget a slice on its delete event; true if we expected that deletion (or never tracked it). */
  handleDeletion(slice: EndpointSlice): boolean {
    const gfs = this.#generationsByService.get(serviceKeyOf(slice));
    if (gfs !== undefined) {
      const g = gfs.get(uidOf(slice));
      gfs.delete(uidOf(slice));
      if (g !== undefined && g !== deletionExpected) return false;
    }
    return true;
  }

  /** Forget everything about a Service (on Service deletion). */
  deleteService(namespace: string, name: string): void {
    const key = namespacedKey(namespace, name);
    this.#generationsByService.delete(key);
    this.#servicesByUID.delete(key);
  }

  #gfsFor(slice: EndpointSlice): GenerationsBySlice {
    const key = serviceKeyOf(slice);
    let gfs = this.#generationsByService.get(key);
    if (gfs === undefined) {
      gfs = new Map();
      this.#generationsByService.set(key, gfs);
    }
    return gfs;
  }
}
