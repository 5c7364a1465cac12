// ListerWatcher (client-go tools/cache/listwatch.go): how a Reflector lists and watches one resource.
import type { KubeObject } from '@svclab/api';

/** One change delivered by a watch. */
export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object after the change; for DELETED its last state. */
  readonly object: T;
  /** W3C traceparent of the write that caused the change, when known. */
  readonly traceparent?: string;
}

export interface ListResult<T> {
  readonly items: readonly T[];
  /** The revision the list is consistent at; the watch starts after it. */
  readonly resourceVersion: string;
}

export interface ListOptions {
  readonly signal?: AbortSignal;
}

export interface WatchOptions {
  /** Deliver changes after this revision. */
  readonly resourceVersion: string;
  /** Aborting ends the iteration cleanly. */
  readonly signal: AbortSignal;
}

/**
 * Lists, then watches from the list's revision. Watch contract (as upstream's watch.Interface):
 * events arrive in revision order, none twice; the iteration ending normally means "watch
 * closed, re-watch from the last seen revision"; throwing a StatusError with reason `Expired`
 * (410) means "events were lost, re-list"; any other throw is retried with backoff.
 */
export interface ListerWatcher<T extends KubeObject = KubeObject> {
  list(opts?: ListOptions): Promise<ListResult<T>>;
  watch(opts: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** A push → pull channel: producers `push`/`close`/`fail`, one consumer iterates. */
export class EventChannel<E> implements AsyncIterable<E> {
  private buf: E[] = [];
  private head = 0;
  private ended = false;
  private error: unknown;
  private failed = false;
  private wake: (() => void) | undefined;

  push(e: E): void {
    if (this.ended) return;
    this.buf.push(e);
    this.notify();
  }

  /** Ends the stream after the buffered events. */
  close(): void {
    this.ended = true;
    this.notify();
  }

  /** Ends the stream with `err` after the buffered events. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failed = true;
    this.error = err;
    this.notify();
  }

  isClosed(): boolean {
    return this.ended;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    for (;;) {
      if (this.head < this.buf.length) {
        const e = this.buf[this.head] as E;
        this.head++;
        if (this.head >= 1024 && this.head * 2 >= this.buf.length) {
          this.buf = this.buf.slice(this.head);
          this.head = 0;
        }
        yield e;
        continue;
      }
      if (this.ended) {
        if (this.failed) throw this.error;
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
