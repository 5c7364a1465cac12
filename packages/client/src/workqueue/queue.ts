// The work queue of client-go util/workqueue: a FIFO of keys with dedup and the dirty/processing
// sets, so one key is never processed by two workers at once.

/** What `get()` resolves to. When `shutdown` is true there is no item and the worker must exit. */
export type GetResult<T> =
  | { readonly item: T; readonly shutdown: false }
  | { readonly item: undefined; readonly shutdown: true };

/**
 * Queue guarantees (as upstream `Interface`):
 * - an item added while queued (dirty) is stored once;
 * - an item added while being processed is queued again only after `done(item)`;
 * - after `shutDown()`, `add` is ignored and `get` resolves `{shutdown: true}` once the queue drained.
 * Items are compared with SameValueZero (use strings such as `namespace/name` keys).
 */
export interface Queue<T> {
  add(item: T): void;
  len(): number;
  /** Waits for the next item; the caller must call `done(item)` when finished with it. */
  get(): Promise<GetResult<T>>;
  done(item: T): void;
  shutDown(): void;
  shuttingDown(): boolean;
}

export class FIFOQueue<T> implements Queue<T> {
  private queue: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private waiters: ((r: GetResult<T>) => void)[] = [];
  private shutting = false;

  add(item: T): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.wake();
  }

  len(): number {
    return this.queue.length;
  }

  get(): Promise<GetResult<T>> {
    const r = this.tryGet();
    if (r !== undefined) return Promise.resolve(r);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.wake();
    }
  }

  shutDown(): void {
    this.shutting = true;
    this.wake();
  }

  shuttingDown(): boolean {
    return this.shutting;
  }

  private tryGet(): GetResult<T> | undefined {
    if (this.queue.length > 0) {
      const item = this.queue.shift() as T;
      this.processing.add(item);
      this.dirty.delete(item);
      return { item, shutdown: false };
    }
    if (this.shutting) return { item: undefined, shutdown: true };
    return undefined;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const r = this.tryGet();
      if (r === undefined) return;
      const w = this.waiters.shift();
      w?.(r);
    }
  }
}
