// DeltaFIFO (client-go tools/cache/delta_fifo.go): per key, the list of changes not yet applied
// to the informer's Indexer; keys pop in FIFO order; relists produce tombstones for missed deletes.
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';
import type { KeyFunc } from './thread-safe-store.js';

export const DeltaType = {
  Added: 'Added',
  Updated: 'Updated',
  Deleted: 'Deleted',
  /** The object was in a relist (emitted instead of Sync/Added for a Replace). */
  Replaced: 'Replaced',
  /** Periodic resync: nothing changed, handlers get onUpdate(obj, obj). */
  Sync: 'Sync',
} as const;
export type DeltaType = (typeof DeltaType)[keyof typeof DeltaType];

/**
 * Handed to onDelete when the delete itself was missed (e.g. during a watch outage) and a
 * relist found the object gone. `obj` is the last state the cache knew, possibly stale.
 */
export class DeletedFinalStateUnknown<T> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {
    Object.freeze(this);
  }
}

export function isDeletedFinalStateUnknown<T>(
  o: T | DeletedFinalStateUnknown<T>,
): o is DeletedFinalStateUnknown<T> {
  return o instanceof DeletedFinalStateUnknown;
}

/**
 * The cache key of an object or of a tombstone (DeletionHandlingMetaNamespaceKeyFunc): what
 * onDelete handlers enqueue.
 */
export function deletionHandlingMetaNamespaceKey(
  obj: KubeObject | DeletedFinalStateUnknown<KubeObject>,
): string {
  return obj instanceof DeletedFinalStateUnknown ? obj.key : metaNamespaceKey(obj);
}

export interface Delta<T> {
  readonly type: DeltaType;
  readonly object: T | DeletedFinalStateUnknown<T>;
  /** W3C traceparent of the write behind a watch event; handlers run in its trace context. */
  readonly traceparent?: string;
}

/** What the DeltaFIFO needs from the Indexer it feeds (upstream KeyListerGetter). */
export interface KnownObjects<T> {
  listKeys(): string[];
  getByKey(key: string): T | undefined;
}

/** The subset of a store a Reflector writes to (upstream ReflectorStore). */
export interface ReflectorStore<T> {
  /** `traceparent`: of the write that caused the change, when the watch carried one. */
  add(obj: T, traceparent?: string): void;
  update(obj: T, traceparent?: string): void;
  delete(obj: T, traceparent?: string): void;
  replace(list: readonly T[], resourceVersion: string): void;
  resync(): void;
}

export type PopProcessFunc<T> = (deltas: readonly Delta<T>[], isInInitialList: boolean) => void;

export interface DeltaFIFOOptions<T> {
  readonly keyFunction: KeyFunc<T>;
  /** The Indexer the popped deltas are applied to; needed for tombstones and resync. */
  readonly knownObjects: KnownObjects<T>;
}

export class DeltaFIFO<T extends KubeObject> implements ReflectorStore<T> {
  private readonly items = new Map<string, Delta<T>[]>();
  /** Keys in FIFO order from `head` on (popped slots are compacted away in batches). */
  private queue: string[] = [];
  private head = 0;
  private populated = false;
  private initialPopulationCount = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly keyFunc: KeyFunc<T>;
  private readonly known: KnownObjects<T>;

  constructor(opts: DeltaFIFOOptions<T>) {
    this.keyFunc = opts.keyFunction;
    this.known = opts.knownObjects;
  }

  add(obj: T, traceparent?: string): void {
    this.populated = true;
    this.queueAction(DeltaType.Added, obj, traceparent);
  }

  update(obj: T, traceparent?: string): void {
    this.populated = true;
    this.queueAction(DeltaType.Updated, obj, traceparent);
  }

  delete(obj: T, traceparent?: string): void {
    const key = this.keyFunc(obj);
    this.populated = true;
    // Nothing to delete when neither the cache nor the queue know the object.
    if (this.known.getByKey(key) === undefined && !this.items.has(key)) return;
    this.queueAction(DeltaType.Deleted, obj, traceparent);
  }

  /** A relist: every listed object as Replaced, and a tombstone for every known key not listed. */
  replace(list: readonly T[]): void {
    const keys = new Set<string>();
    for (const obj of list) {
      keys.add(this.keyFunc(obj));
      this.queueAction(DeltaType.Replaced, obj);
    }
    let queuedDeletions = 0;
    for (const [k, deltas] of [...this.items]) {
      if (keys.has(k)) continue;
      const newest = deltas.at(-1);
      if (newest === undefined || newest.type === DeltaType.Deleted) continue;
      const last = isDeletedFinalStateUnknown(newest.object) ? newest.object.obj : newest.object;
      queuedDeletions++;
      this.queueActionKey(k, {
        type: DeltaType.Deleted,
        object: new DeletedFinalStateUnknown(k, last),
      });
    }
    for (const k of this.known.listKeys()) {
      if (keys.has(k) || this.items.has(k)) continue;
      const obj = this.known.getByKey(k);
      if (obj === undefined) continue;
      queuedDeletions++;
      this.queueActionKey(k, {
        type: DeltaType.Deleted,
        object: new DeletedFinalStateUnknown(k, obj),
      });
    }
    if (!this.populated) {
      this.populated = true;
      this.initialPopulationCount = keys.size + queuedDeletions;
    }
  }

  /** Queues a Sync delta for every known object that has nothing queued. */
  resync(): void {
    for (const k of this.known.listKeys()) {
      if (this.items.has(k)) continue;
      const obj = this.known.getByKey(k);
      if (obj !== undefined) this.queueActionKey(k, { type: DeltaType.Sync, object: obj });
    }
  }

  /** True once the first replace (or add) happened and everything it queued was popped. */
  hasSynced(): boolean {
    return this.populated && this.initialPopulationCount === 0;
  }

  listKeys(): string[] {
    return this.queue.slice(this.head);
  }

  /**
   * Waits for a key, removes it with its deltas and calls `process` synchronously. Resolves
   * false once closed and drained.
   */
  async pop(process: PopProcessFunc<T>): Promise<boolean> {
    for (;;) {
      const key = this.shift();
      if (key !== undefined) {
        const deltas = this.items.get(key) ?? [];
        this.items.delete(key);
        const isInInitialList = !this.hasSynced();
        try {
          process(deltas, isInInitialList);
        } finally {
          if (this.initialPopulationCount > 0) this.initialPopulationCount--;
        }
        return true;
      }
      if (this.closed) return false;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private shift(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++];
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  private queueAction(type: DeltaType, obj: T, traceparent?: string): void {
    this.queueActionKey(this.keyFunc(obj), {
      type,
      object: obj,
      ...(traceparent === undefined ? {} : { traceparent }),
    });
  }

  private queueActionKey(key: string, d: Delta<T>): void {
    const existing = this.items.get(key);
    const deltas = dedupDeltas([...(existing ?? []), d]);
    if (existing === undefined) this.queue.push(key);
    this.items.set(key, deltas);
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** Two deletes in a row collapse into one, keeping the one that is not a tombstone. */
function dedupDeltas<T>(deltas: Delta<T>[]): Delta<T>[] {
  const n = deltas.length;
  if (n < 2) return deltas;
  const a = deltas[n - 2];
  const b = deltas[n - 1];
  if (
    a === undefined ||
    b === undefined ||
    a.type !== DeltaType.Deleted ||
    b.type !== DeltaType.Deleted
  )
    return deltas;
  const keep = isDeletedFinalStateUnknown(b.object) ? a : b;
  return [...deltas.slice(0, n - 2), keep];
}
