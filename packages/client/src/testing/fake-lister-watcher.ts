// FakeListerWatcher (client-go tools/cache/testing FakeControllerSource): an in-memory source
// that can also misbehave — drop events, close watches, expire revisions (410 → relist).
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey, newResourceExpired } from '@svclab/apimachinery';
import {
  EventChannel,
  type ListerWatcher,
  type ListResult,
  type WatchEvent,
  type WatchOptions,
} from '../list-watch.js';

interface Change<T> {
  readonly rev: number;
  readonly ev: WatchEvent<T>;
}

/**
 * Every mutation bumps the revision and stamps `metadata.resourceVersion` on a private copy;
 * objects passed in are never frozen or kept. Watches start after the requested revision.
 */
export class FakeListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  private rev: number;
  private readonly items = new Map<string, T>();
  private changes: Change<T>[] = [];
  private compacted = 0;
  private watchers = new Set<EventChannel<WatchEvent<T>>>();
  /** How often `list` / `watch` were called (to assert relists). */
  listCalls = 0;
  watchCalls = 0;

  constructor(initial: readonly T[] = [], startRev = 1) {
    this.rev = startRev;
    for (const o of initial) this.store(o);
  }

  add(obj: T, traceparent?: string): T {
    return this.change('ADDED', obj, { send: true, traceparent });
  }

  modify(obj: T, traceparent?: string): T {
    return this.change('MODIFIED', obj, { send: true, traceparent });
  }

  delete(obj: T, traceparent?: string): T {
    return this.change('DELETED', obj, { send: true, traceparent });
  }

  /** Adds the object but "forgets" to send the event. */
  addDropWatch(obj: T): T {
    return this.change('ADDED', obj, { send: false });
  }

  /** Modifies the object but "forgets" to send the event. */
  modifyDropWatch(obj: T): T {
    return this.change('MODIFIED', obj, { send: false });
  }

  /** Deletes the object but "forgets" to send the event: only a relist can notice. */
  deleteDropWatch(obj: T): T {
    return this.change('DELETED', obj, { send: false });
  }

  /** Ends every open watch normally (as a closed connection); clients re-watch from their revision. */
  dropWatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers.clear();
  }

  /**
   * Simulates lost history: open watches fail with 410 Expired and every revision up to now is
   * compacted, so clients must re-list.
   */
  resetWatch(): void {
    this.compacted = this.rev;
    this.changes = [];
    const err = newResourceExpired(`too old resource version: ${this.rev}`);
    for (const w of this.watchers) w.fail(err);
    this.watchers.clear();
  }

  /** The current revision. */
  resourceVersion(): string {
    return String(this.rev);
  }

  /** How many watches are open. */
  openWatches(): number {
    return this.watchers.size;
  }

  list(): Promise<ListResult<T>> {
    this.listCalls++;
    return Promise.resolve({
      items: [...this.items.values()].map((o) => structuredClone(o)),
      resourceVersion: String(this.rev),
    });
  }

  watch(opts: WatchOptions): AsyncIterable<WatchEvent<T>> {
    this.watchCalls++;
    const ch = new EventChannel<WatchEvent<T>>();
    const from = Number(opts.resourceVersion === '' ? '0' : opts.resourceVersion);
    if (from < this.compacted) {
      ch.fail(newResourceExpired(`too old resource version: ${from} (${this.compacted})`));
      return ch;
    }
    for (const c of this.changes) if (c.rev > from) ch.push(clone(c.ev));
    this.watchers.add(ch);
    const stop = (): void => {
      this.watchers.delete(ch);
      ch.close();
    };
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener('abort', stop, { once: true });
    return ch;
  }

  private store(obj: T): T {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rev);
    this.items.set(metaNamespaceKey(o), o);
    return o;
  }

  private change(
    type: WatchEvent<T>['type'],
    obj: T,
    opts: { send: boolean; traceparent?: string | undefined },
  ): T {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rev);
    const key = metaNamespaceKey(o);
    if (type === 'DELETED') this.items.delete(key);
    else this.items.set(key, o);
    if (opts.send) {
      const ev: WatchEvent<T> = {
        type,
        object: o,
        ...(opts.traceparent === undefined ? {} : { traceparent: opts.traceparent }),
      };
      this.changes.push({ rev: this.rev, ev });
      for (const w of this.watchers) w.push(clone(ev));
    }
    return structuredClone(o);
  }
}

function clone<T>(ev: WatchEvent<T>): WatchEvent<T> {
  return {
    type: ev.type,
    object: structuredClone(ev.object),
    ...(ev.traceparent === undefined ? {} : { traceparent: ev.traceparent }),
  };
}
