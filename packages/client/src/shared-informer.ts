// SharedIndexInformer (client-go tools/cache/shared_informer.go): one Reflector + DeltaFIFO +
// Indexer per resource, fanned out to any number of event handlers.
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey, realClock, type Clock } from '@svclab/apimachinery';
import { context } from '@opentelemetry/api';
import { contextFromTraceparent, nopLogger, type Logger } from '@svclab/telemetry';
import { deepFreeze } from './deep-freeze.js';
import type { DeletedFinalStateUnknown } from './delta-fifo.js';
import { DeltaFIFO, DeltaType, isDeletedFinalStateUnknown, type Delta } from './delta-fifo.js';
import type { ListerWatcher } from './list-watch.js';
import { Reflector } from './reflector.js';
import {
  newIndexer,
  type Indexer,
  type Indexers,
  type Store,
  type ThreadSafeStore,
} from './thread-safe-store.js';

/**
 * Callbacks for changes of one resource. Handlers run synchronously on the informer's loop, so
 * they must be quick and do no I/O: compute a key, `queue.add(key)`, return.
 * NOTE: objects passed in are the cached ones, deep-frozen; they must NOT be modified.
 * For watch events that carried a W3C traceparent, handlers run with that remote span as the
 * active OpenTelemetry context, so a handler can link its work (`traceparentOf()`) to the write.
 */
export interface ResourceEventHandler<T> {
  /** A new object; `isInInitialList` is true for objects of the first list (and for replays to late handlers). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** A change; also called with equal objects on relist and on every resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A deletion; a DeletedFinalStateUnknown when the delete was missed and found by a relist. */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface ResourceEventHandlerRegistration {
  /** True once this handler was handed the initial list. */
  hasSynced(): boolean;
}

/**
 * An eventually consistent, shared cache of one resource. Guarantees (as upstream):
 * the cache converges to the apiserver's state; handlers see changes in order per object, maybe
 * coalesced, never a delete before the add; after a watch gap the relist reconciles with
 * onUpdate for survivors and onDelete(DeletedFinalStateUnknown) for objects that vanished.
 * "Synced" means: the first full list has been applied to the cache and delivered to handlers.
 */
export interface SharedInformer<T> {
  addEventHandler(handler: ResourceEventHandler<T>): ResourceEventHandlerRegistration;
  removeEventHandler(reg: ResourceEventHandlerRegistration): void;
  getStore(): Store<T>;
  /** Lists, watches and dispatches until `signal` aborts. Call once. */
  run(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  lastSyncResourceVersion(): string;
  isStopped(): boolean;
}

export interface SharedIndexInformer<T> extends SharedInformer<T> {
  /** Adds indexers; allowed before and after start. */
  addIndexers(indexers: Indexers<T>): void;
  getIndexer(): Indexer<T>;
}

export interface SharedIndexInformerOptions<T> {
  /** For logs, e.g. `services`. */
  readonly name?: string;
  /** Resync period, ms; each resync delivers onUpdate(obj, obj) for every cached object. 0 = never. */
  readonly resyncPeriod?: number;
  readonly indexers?: Indexers<T>;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

class Registration<T> implements ResourceEventHandlerRegistration {
  constructor(
    readonly handler: ResourceEventHandler<T>,
    private readonly informerSynced: () => boolean,
  ) {}

  /** Deltas are handed to every handler synchronously as they pop (and late handlers get the
   * cache replayed on registration), so a handler has synced exactly when the informer has. */
  hasSynced(): boolean {
    return this.informerSynced();
  }
}

class SharedIndexInformerImpl<T extends KubeObject> implements SharedIndexInformer<T> {
  private readonly indexer: ThreadSafeStore<T>;
  private readonly fifo: DeltaFIFO<T>;
  private readonly reflector: Reflector<T>;
  private handlers: Registration<T>[] = [];
  private started = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(lw: ListerWatcher<T>, opts: SharedIndexInformerOptions<T>) {
    const name = opts.name ?? 'informer';
    this.log = (opts.logger ?? nopLogger).child({ informer: name });
    this.indexer = newIndexer<T>(opts.indexers);
    this.fifo = new DeltaFIFO<T>({ keyFunction: metaNamespaceKey, knownObjects: this.indexer });
    this.reflector = new Reflector<T>(lw, this.fifo, {
      name,
      resyncPeriod: opts.resyncPeriod ?? 0,
      clock: opts.clock ?? realClock,
      logger: opts.logger ?? nopLogger,
    });
  }

  addEventHandler(handler: ResourceEventHandler<T>): ResourceEventHandlerRegistration {
    const reg = new Registration(handler, () => this.fifo.hasSynced());
    this.handlers.push(reg);
    if (this.started) {
      // A late handler gets the current content as adds, like upstream's listener replay.
      for (const obj of this.indexer.list()) this.call(reg, (h) => h.onAdd?.(obj, true));
    }
    return reg;
  }

  removeEventHandler(reg: ResourceEventHandlerRegistration): void {
    this.handlers = this.handlers.filter((r) => r !== reg);
  }

  getStore(): Store<T> {
    return this.indexer;
  }

  getIndexer(): Indexer<T> {
    return this.indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.fifo.hasSynced();
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  isStopped(): boolean {
    return this.stopped;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('informer already started');
    this.started = true;
    const onAbort = (): void => {
      this.fifo.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const reflecting = this.reflector.run(signal);
    try {
      while (
        await this.fifo.pop((deltas, initial) => {
          this.processDeltas(deltas, initial);
        })
      ) {
        // keep popping until closed
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await reflecting;
      this.stopped = true;
    }
  }

  private processDeltas(deltas: readonly Delta<T>[], isInInitialList: boolean): void {
    for (const d of deltas) {
      if (d.traceparent === undefined) this.processDelta(d, isInInitialList);
      else
        context.with(contextFromTraceparent(d.traceparent), () => {
          this.processDelta(d, isInInitialList);
        });
    }
  }

  /** Applies one delta to the Indexer and notifies handlers (in the write's trace context, if any). */
  private processDelta(d: Delta<T>, isInInitialList: boolean): void {
    {
      switch (d.type) {
        case DeltaType.Sync:
        case DeltaType.Replaced:
        case DeltaType.Added:
        case DeltaType.Updated: {
          if (isDeletedFinalStateUnknown(d.object)) break;
          const obj = deepFreeze(d.object);
          const old = this.indexer.get(obj);
          if (old !== undefined) {
            this.indexer.update(obj);
            this.dispatch((h) => h.onUpdate?.(old, obj));
          } else {
            this.indexer.add(obj);
            this.dispatch((h) => h.onAdd?.(obj, isInInitialList));
          }
          break;
        }
        case DeltaType.Deleted: {
          const obj = d.object;
          if (isDeletedFinalStateUnknown(obj)) {
            deepFreeze(obj.obj);
            this.indexer.deleteByKey(obj.key);
            this.dispatch((h) => h.onDelete?.(obj));
          } else {
            const frozen = deepFreeze(obj);
            this.indexer.delete(frozen);
            this.dispatch((h) => h.onDelete?.(frozen));
          }
          break;
        }
      }
    }
  }

  private dispatch(fn: (h: ResourceEventHandler<T>) => void): void {
    for (const r of this.handlers) this.call(r, fn);
  }

  private call(r: Registration<T>, fn: (h: ResourceEventHandler<T>) => void): void {
    try {
      fn(r.handler);
    } catch (err) {
      this.log.error('event handler threw', { err });
    }
  }
}

export function newSharedIndexInformer<T extends KubeObject>(
  lw: ListerWatcher<T>,
  opts: SharedIndexInformerOptions<T> = {},
): SharedIndexInformer<T> {
  return new SharedIndexInformerImpl<T>(lw, opts);
}

/**
 * Resolves true once every `hasSynced` returns true, false if `signal` aborts first
 * (cache.WaitForCacheSync). Polls every `pollMs` (default 100 ms, upstream's syncedPollPeriod).
 */
export async function waitForCacheSync(
  signal: AbortSignal,
  hasSynced: readonly (() => boolean)[],
  pollMs = 100,
): Promise<boolean> {
  for (;;) {
    if (hasSynced.every((f) => f())) return true;
    if (signal.aborted) return false;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, pollMs);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
