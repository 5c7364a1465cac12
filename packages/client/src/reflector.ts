// Reflector (client-go tools/cache/reflector.go): lists, then watches, and mirrors every change
// into a ReflectorStore; relists on 410 Expired; retries failures with capped, jittered backoff.
import type { KubeObject } from '@svclab/api';
import {
  Backoff,
  isResourceExpired,
  isStatusError,
  realClock,
  type Clock,
  type Timer,
} from '@svclab/apimachinery';
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { ReflectorStore } from './delta-fifo.js';
import type { ListerWatcher } from './list-watch.js';

export interface ReflectorOptions {
  /** For logs, e.g. `services`. */
  readonly name: string;
  /** Every this many ms, `store.resync()` is called; 0 disables. */
  readonly resyncPeriod?: number;
  readonly clock?: Clock;
  /** Default: 800 ms doubling to 30 s, full jitter, reset after 2 min quiet (upstream's values). */
  readonly backoff?: Backoff;
  readonly logger?: Logger;
}

function isGone(err: unknown): boolean {
  return (
    isResourceExpired(err) ||
    (isStatusError(err) && (err.status.code === 410 || err.status.reason === 'Gone'))
  );
}

/** Resolves with `p`, or with undefined as soon as `signal` aborts. */
function untilAborted<V>(p: Promise<V>, signal: AbortSignal): Promise<V | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<V | undefined>((resolve, reject) => {
    const onAbort = (): void => {
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export class Reflector<T extends KubeObject> {
  private lastRV = '';
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly log: Logger;

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly store: ReflectorStore<T>,
    private readonly opts: ReflectorOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    // Backoff stops at [30,60) s, about 0.02 QPS per informer while the apiserver is down.
    this.backoff =
      opts.backoff ??
      new Backoff({
        initial: 800,
        cap: 30_000,
        factor: 2,
        jitter: 1,
        resetAfter: 120_000,
        clock: this.clock,
      });
    this.log = (opts.logger ?? nopLogger).child({ reflector: opts.name });
  }

  /** The resourceVersion of the last list or watch event applied; '' before the first list. */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Lists and watches until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const aborted = (): boolean => signal.aborted;
    let resync: Timer | undefined;
    const period = this.opts.resyncPeriod ?? 0;
    if (period > 0) {
      const tick = (): void => {
        if (aborted()) return;
        this.store.resync();
        resync = this.clock.afterFunc(period, tick);
      };
      resync = this.clock.afterFunc(period, tick);
    }
    try {
      while (!aborted()) {
        try {
          await this.listAndWatch(signal);
        } catch (err) {
          if (aborted()) break;
          this.log.warn('list and watch failed, backing off', { err });
          await this.clock.sleep(this.backoff.step(), signal);
        }
      }
    } finally {
      resync?.stop();
    }
  }

  /** One list followed by watches; returns (to relist) on 410, throws on list failure. */
  async listAndWatch(signal: AbortSignal): Promise<void> {
    const aborted = (): boolean => signal.aborted;
    // A list that ignores the signal must not keep a stopped Reflector alive.
    const list = await untilAborted(this.lw.list({ signal }), signal);
    if (list === undefined || aborted()) return;
    this.store.replace(list.items, list.resourceVersion);
    this.lastRV = list.resourceVersion;
    this.log.debug('listed', { items: list.items.length, resourceVersion: list.resourceVersion });
    while (!aborted()) {
      let events = 0;
      try {
        for await (const ev of this.lw.watch({ resourceVersion: this.lastRV, signal })) {
          if (aborted()) return;
          events++;
          switch (ev.type) {
            case 'ADDED':
              this.store.add(ev.object, ev.traceparent);
              break;
            case 'MODIFIED':
              this.store.update(ev.object, ev.traceparent);
              break;
            case 'DELETED':
              this.store.delete(ev.object, ev.traceparent);
              break;
          }
          const rv = ev.object.metadata.resourceVersion;
          if (rv !== undefined && rv !== '') this.lastRV = rv;
        }
      } catch (err) {
        if (aborted()) return;
        if (isGone(err)) {
          this.log.info('watch expired, relisting', { resourceVersion: this.lastRV });
          return;
        }
        this.log.warn('watch failed, retrying', { err, resourceVersion: this.lastRV });
        await this.clock.sleep(this.backoff.step(), signal);
        continue;
      }
      // A normal close: watch again from where we are (after a pause if it carried nothing).
      if (events === 0 && !aborted()) await this.clock.sleep(this.backoff.step(), signal);
    }
  }
}
