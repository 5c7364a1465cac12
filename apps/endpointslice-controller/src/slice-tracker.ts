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

/** A slice event that arrived while its Service's sync was writing; judged when the sync ends. */
interface HeldEvent {
  readonly slice: EndpointSlice;
  readonly deleted: boolean;
}

/** What the tracker reads of a slice: only its metadata. */
type SliceMeta = Pick<EndpointSlice, 'metadata'>;

function serviceKeyOf(slice: SliceMeta): string {
  return namespacedKey(
    slice.metadata.namespace ?? '',
    slice.metadata.labels?.[wellKnown.LabelServiceName] ?? '',
  );
}

const uidOf = (s: SliceMeta): string => s.metadata.uid ?? '';
const generationOf = (s: SliceMeta): number => s.metadata.generation ?? 0;

/**
 * Not safe to share across threads in Go terms; in Node it is only ever touched from the event
 * loop, so no lock is needed. Keys are Service `namespace/name`; slices map to their Service by
 * the `kubernetes.io/service-name` label.
 */
export class EndpointSliceTracker {
  readonly #generationsByService = new Map<string, GenerationsBySlice>();
  readonly #servicesByUID = new Map<string, string>();
  /** Service key → slice events (latest per slice UID) held while that Service's sync runs. */
  readonly #held = new Map<string, Map<string, HeldEvent>>();

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
  update(slice: SliceMeta): void {
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

  /**
   * Opens the write window of one Service's sync. Our own write's watch event can arrive before
   * the write's response has recorded its generation here; events of this Service's slices are
   * therefore held (`holdDuringWrites`) until `finishWrites`, which judges them against the
   * generations the sync recorded: upstream's intent, never a resync for a generation we wrote.
   * One window per Service at a time (the work queue never syncs a key twice concurrently).
   */
  startWrites(namespace: string, name: string): void {
    this.#held.set(namespacedKey(namespace, name), new Map());
  }

  /** True (and the event kept for `finishWrites`) while the slice's Service is in its write window. */
  holdDuringWrites(slice: EndpointSlice, deleted = false): boolean {
    const held = this.#held.get(serviceKeyOf(slice));
    if (held === undefined) return false;
    held.set(uidOf(slice), { slice, deleted });
    return true;
  }

  /**
   * Closes the window; returns the held slices whose events were not our own writes (newer
   * than what we wrote, unknown, or a deletion we did not make): their Service needs a sync.
   */
  finishWrites(namespace: string, name: string): EndpointSlice[] {
    const key = namespacedKey(namespace, name);
    const held = this.#held.get(key);
    this.#held.delete(key);
    const out: EndpointSlice[] = [];
    for (const { slice, deleted } of held?.values() ?? []) {
      if (deleted ? this.has(slice) && !this.handleDeletion(slice) : this.shouldSync(slice))
        out.push(slice);
    }
    return out;
  }

  /** Forget everything about a Service (on Service deletion). */
  deleteService(namespace: string, name: string): void {
    const key = namespacedKey(namespace, name);
    this.#generationsByService.delete(key);
    this.#servicesByUID.delete(key);
  }

  #gfsFor(slice: SliceMeta): GenerationsBySlice {
    const key = serviceKeyOf(slice);
    let gfs = this.#generationsByService.get(key);
    if (gfs === undefined) {
      gfs = new Map();
      this.#generationsByService.set(key, gfs);
    }
    return gfs;
  }
}
