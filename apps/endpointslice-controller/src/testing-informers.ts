// Test doubles for the controller: an informer+lister over an in-memory map that hands out frozen
// objects, and a work queue with client-go semantics (dedup, processing/dirty sets) whose delays
// are recorded instead of waited for.
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';
import type {
  CacheLister,
  ControllerQueue,
  DeletedFinalStateUnknown,
  InformerSource,
  ResourceEventHandler,
} from './controller.js';
import { deepFreeze } from './fake-writers.js';

export class FakeInformer<T extends KubeObject> implements InformerSource<T>, CacheLister<T> {
  readonly #items = new Map<string, T>();
  readonly #handlers: ResourceEventHandler<T>[] = [];
  synced = true;

  addEventHandler(h: ResourceEventHandler<T>): void {
    this.#handlers.push(h);
  }
  hasSynced(): boolean {
    return this.synced;
  }
  list(namespace?: string): readonly T[] {
    const all = [...this.#items.values()];
    return namespace === undefined
      ? all
      : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }
  get(namespace: string, name: string): T | undefined {
    return this.#items.get(namespace === '' ? name : `${namespace}/${name}`);
  }

  /** Add or update; fires onAdd/onUpdate. */
  set(obj: T): void {
    const o = deepFreeze(structuredClone(obj));
    const key = metaNamespaceKey(o);
    const old = this.#items.get(key);
    this.#items.set(key, o);
    for (const h of this.#handlers) {
      if (old === undefined) h.onAdd?.(o, false);
      else h.onUpdate?.(old, o);
    }
  }
  /** Change the cache without telling anyone (a dropped watch event). */
  setSilently(obj: T): void {
    this.#items.set(metaNamespaceKey(obj), deepFreeze(structuredClone(obj)));
  }
  delete(namespace: string, name: string, opts: { tombstone?: boolean } = {}): void {
    const key = namespace === '' ? name : `${namespace}/${name}`;
    const old = this.#items.get(key);
    if (old === undefined) return;
    this.#items.delete(key);
    const arg: T | DeletedFinalStateUnknown<T> = opts.tombstone === true ? { key, obj: old } : old;
    for (const h of this.#handlers) h.onDelete?.(arg);
  }
  deleteSilently(namespace: string, name: string): void {
    this.#items.delete(namespace === '' ? name : `${namespace}/${name}`);
  }
}

type GetResult =
  | { readonly item: string; readonly shutdown: false }
  | { readonly item: undefined; readonly shutdown: true };

export class FakeQueue implements ControllerQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #requeues = new Map<string, number>();
  readonly #waiters: ((r: GetResult) => void)[] = [];
  #shutdown = false;
  /** Every addAfter call: key and delay in ms. */
  readonly delayed: { key: string; ms: number }[] = [];
  /** Every addRateLimited key. */
  readonly rateLimited: string[] = [];

  add(key: string): void {
    if (this.#shutdown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const w = this.#waiters.shift();
    if (w !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      w({ item: key, shutdown: false });
      return;
    }
    this.#queue.push(key);
  }
  addAfter(key: string, ms: number): void {
    this.delayed.push({ key, ms });
    this.add(key);
  }
  /** Re-adds on a later macrotask (a real rate limiter waits 5ms·2^n). */
  addRateLimited(key: string): void {
    this.#requeues.set(key, (this.#requeues.get(key) ?? 0) + 1);
    this.rateLimited.push(key);
    setTimeout(() => {
      this.add(key);
    }, 1);
  }
  forget(key: string): void {
    this.#requeues.delete(key);
  }
  numRequeues(key: string): number {
    return this.#requeues.get(key) ?? 0;
  }
  get(): Promise<GetResult> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve({ item: key, shutdown: false });
    }
    if (this.#shutdown) return Promise.resolve({ item: undefined, shutdown: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }
  shutDown(): void {
    this.#shutdown = true;
    for (const w of this.#waiters.splice(0)) w({ item: undefined, shutdown: true });
  }
  len(): number {
    return this.#queue.length;
  }
  /** Keys waiting, in order (for assertions). */
  pending(): string[] {
    return [...this.#queue];
  }
  /** Drop everything queued (tests assert on what handlers enqueue next). */
  clear(): void {
    for (const k of this.#queue.splice(0)) this.#dirty.delete(k);
    this.delayed.length = 0;
  }
}
