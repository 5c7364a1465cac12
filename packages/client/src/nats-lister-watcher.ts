// A ListerWatcher that lists over REST and watches the apiserver's change events on NATS
// (DESIGN.md "The write and watch path"): gap detection by `prev`, replay over request/reply,
// 410 → relist, catch-up after reconnect.
import type { KubeObject, ResourceName } from '@svclab/api';
import {
  Backoff,
  isStatusError,
  newInternalError,
  realClock,
  StatusError,
  type Clock,
  type Timer,
} from '@svclab/apimachinery';
import {
  decodeJSON,
  encodeJSON,
  replaySubject,
  resourceEventsWildcard,
  type ChangeEvent,
  type ReplayReply,
  type ReplayRequest,
} from '@svclab/bus';
import { nopLogger, type Logger } from '@svclab/telemetry';
import { Events, type NatsConnection, type Subscription } from 'nats';
import type { ClientSet, ResourceClient } from './rest-client.js';
import { newListWatchFromClient } from './rest-list-watch.js';
import {
  EventChannel,
  type ListerWatcher,
  type ListOptions,
  type ListResult,
  type WatchEvent,
  type WatchOptions,
} from './list-watch.js';

export interface NatsListerWatcherOptions<T extends KubeObject> {
  readonly nc: NatsConnection;
  /** Plural resource name, e.g. `services`. */
  readonly resource: string;
  /** Where lists come from (usually `newListWatchFromClient(client)`). */
  readonly lister: Pick<ListerWatcher<T>, 'list'>;
  /** Deliver only this namespace's objects (revisions of all namespaces are still tracked). */
  readonly namespace?: string;
  /** Timeout of one replay request, ms; default 5000. */
  readonly replayTimeoutMs?: number;
  /** Events per replay reply; default 1000. */
  readonly replayLimit?: number;
  /**
   * Attempts per replay when the request itself fails (timeout, no responders — e.g. the
   * apiserver has not reconnected yet), with backoff from 100 ms; default 8 (about 10 s).
   */
  readonly replayAttempts?: number;
  /**
   * Every this many ms, a catch-up replay runs even without a gap, ms; default 10 000, 0 disables.
   * The safety net for a lost LAST event, which no later `prev` would reveal.
   */
  readonly catchUpInterval?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Watch semantics. The watcher keeps `last`, the revision of the last event of this resource it
 * applied (starting at the list's revision) and, for each event on `k8s.events.<resource>.>`:
 * - `rev <= last`: a duplicate (redelivery, or already replayed) — dropped;
 * - `prev > last`: a gap — events between `last` and this one were missed. Delivery pauses, the
 *   watcher asks `k8s.replay.<resource>` for everything after `last` (again while `more`),
 *   applies it, then resumes with the buffered live events;
 * - otherwise it is the next event and is delivered — also while a replay is in flight.
 * `prev < last` is NOT a gap: list revisions are global, so the event before this one is
 * already reflected in the list. A replay answer of 410 Expired ends the watch with that
 * StatusError (the Reflector relists); a failed replay request ends it with a 500 (the Reflector
 * backs off and re-watches). Every watch starts with one catch-up replay (closing the window
 * between list and subscribe), and so does every NATS reconnect and every `catchUpInterval`.
 */
export class NatsListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  private readonly log: Logger;

  constructor(private readonly opts: NatsListerWatcherOptions<T>) {
    this.log = (opts.logger ?? nopLogger).child({ resource: opts.resource });
  }

  list(opts?: ListOptions): Promise<ListResult<T>> {
    return this.opts.lister.list(opts);
  }

  watch(opts: WatchOptions): AsyncIterable<WatchEvent<T>> {
    return new NatsWatch<T>(this.opts, this.log, opts).channel;
  }
}

class NatsWatch<T extends KubeObject> {
  readonly channel = new EventChannel<WatchEvent<T>>();
  private last: number;
  private replaying = false;
  private replayAgain = false;
  private pending: ChangeEvent[] = [];
  private sub: Subscription | undefined;
  private statusIter: { stop?: () => void } | undefined;
  private catchUpTimer: Timer | undefined;

  constructor(
    private readonly opts: NatsListerWatcherOptions<T>,
    private readonly log: Logger,
    w: WatchOptions,
  ) {
    this.last = w.resourceVersion === '' ? 0 : Number(w.resourceVersion);
    if (w.signal.aborted) {
      this.channel.close();
      return;
    }
    w.signal.addEventListener(
      'abort',
      () => {
        this.stop();
      },
      { once: true },
    );
    if (opts.nc.isClosed()) {
      this.channel.fail(
        new StatusError(newInternalError(new Error('NATS connection closed')).status),
      );
      return;
    }
    this.sub = opts.nc.subscribe(resourceEventsWildcard(opts.resource), {
      callback: (err, msg) => {
        if (err !== null) {
          this.end(newInternalError(err));
          return;
        }
        let ev: ChangeEvent;
        try {
          ev = decodeJSON(msg.data) as ChangeEvent;
        } catch (e) {
          this.log.warn('undecodable change event dropped', { err: e, subject: msg.subject });
          return;
        }
        this.onEvent(ev);
      },
    });
    void this.watchStatus();
    this.replay();
    const every = opts.catchUpInterval ?? 10_000;
    if (every > 0) {
      const clock = opts.clock ?? realClock;
      const tick = (): void => {
        if (this.channel.isClosed()) return;
        this.replay();
        this.catchUpTimer = clock.afterFunc(every, tick);
      };
      this.catchUpTimer = clock.afterFunc(every, tick);
    }
  }

  private async watchStatus(): Promise<void> {
    const it = this.opts.nc.status();
    this.statusIter = it as { stop?: () => void };
    for await (const s of it) {
      if (this.channel.isClosed()) break;
      if (s.type === Events.Reconnect) {
        this.log.info('NATS reconnected, catching up', { fromRev: this.last });
        this.replay();
      }
    }
    // The iterator ends when the connection closes for good.
    if (!this.channel.isClosed()) {
      this.end(new StatusError(newInternalError(new Error('NATS connection closed')).status));
    }
  }

  private onEvent(ev: ChangeEvent): void {
    if (this.channel.isClosed()) return;
    if (this.replaying) {
      // Next after `last` (no event can be missing before it): deliver now. A replay in flight,
      // above all the periodic catch-up, must not hold live changes back for its round trip;
      // its own events up to `last` are dropped as duplicates when it answers.
      if (ev.rev > this.last && ev.prev <= this.last) this.deliver(ev);
      else this.pending.push(ev);
      return;
    }
    this.apply(ev);
  }

  private apply(ev: ChangeEvent): void {
    if (ev.rev <= this.last) return;
    if (ev.prev > this.last) {
      this.log.info('gap in change events, replaying', {
        last: this.last,
        rev: ev.rev,
        prev: ev.prev,
      });
      this.pending.push(ev);
      this.replay();
      return;
    }
    this.deliver(ev);
  }

  private deliver(ev: ChangeEvent): void {
    this.last = ev.rev;
    const ns = this.opts.namespace;
    if (ns !== undefined && ev.namespace !== ns) return;
    const object = ev.object as T;
    if (object.metadata.resourceVersion === undefined)
      object.metadata.resourceVersion = String(ev.rev);
    this.channel.push({
      type: ev.type,
      object,
      ...(ev.traceparent === undefined ? {} : { traceparent: ev.traceparent }),
    });
  }

  /** Starts a replay from `last` unless one is running (then it runs once more afterwards). */
  private replay(): void {
    if (this.replaying) {
      this.replayAgain = true;
      return;
    }
    this.replaying = true;
    void this.runReplay();
  }

  private async runReplay(): Promise<void> {
    try {
      do {
        let more = true;
        while (more && !this.channel.isClosed()) {
          const reply = await this.requestReplay();
          if ('error' in reply) throw new StatusError(reply.error);
          for (const ev of reply.events) if (ev.rev > this.last) this.deliver(ev);
          more = reply.more && reply.events.length > 0;
        }
      } while (this.takeReplayAgain() && !this.channel.isClosed());
    } catch (err) {
      this.log.warn('replay failed, ending watch', { err, fromRev: this.last });
      this.end(
        isStatusError(err) ? err : new StatusError(newInternalError(err).status, { cause: err }),
      );
      return;
    } finally {
      this.replaying = false;
    }
    this.drain();
  }

  private takeReplayAgain(): boolean {
    const again = this.replayAgain;
    this.replayAgain = false;
    return again;
  }

  /** One replay request, retried with backoff while the transport fails. */
  private async requestReplay(): Promise<ReplayReply> {
    const clock = this.opts.clock ?? realClock;
    const backoff = new Backoff({ initial: 100, cap: 2000, jitter: 0.5, clock });
    const attempts = this.opts.replayAttempts ?? 8;
    for (let i = 1; ; i++) {
      const req: ReplayRequest = { fromRev: this.last, limit: this.opts.replayLimit ?? 1000 };
      try {
        const msg = await this.opts.nc.request(replaySubject(this.opts.resource), encodeJSON(req), {
          timeout: this.opts.replayTimeoutMs ?? 5000,
        });
        return decodeJSON(msg.data) as ReplayReply;
      } catch (err) {
        if (i >= attempts || this.channel.isClosed()) throw err;
        this.log.debug('replay request failed, retrying', { err, attempt: i });
        await clock.sleep(backoff.step());
      }
    }
  }

  /** Applies buffered live events in revision order until done or a new gap starts a replay. */
  private drain(): void {
    this.pending.sort((a, b) => a.rev - b.rev);
    while (!this.replaying && !this.channel.isClosed()) {
      const ev = this.pending.shift();
      if (ev === undefined) break;
      this.apply(ev);
    }
  }

  private end(err: StatusError): void {
    this.cleanup();
    this.channel.fail(err);
  }

  private stop(): void {
    this.cleanup();
    this.channel.close();
  }

  private cleanup(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
    this.statusIter?.stop?.();
    this.catchUpTimer?.stop();
    this.pending = [];
  }
}

/**
 * The ListerWatcherFactory components give SharedInformerFactory: list over REST through
 * `client`, watch over NATS through `nc`.
 */
export function natsListerWatcherFactory(
  client: ClientSet,
  nc: NatsConnection,
  logger?: Logger,
): (resource: ResourceName, namespace: string | undefined) => ListerWatcher {
  return (resource, namespace) => {
    const rc = client.resource(resource) as unknown as ResourceClient<KubeObject>;
    return new NatsListerWatcher<KubeObject>({
      nc,
      resource,
      lister: newListWatchFromClient(namespace === undefined ? rc : rc.namespace(namespace)),
      ...(namespace === undefined ? {} : { namespace }),
      ...(logger === undefined ? {} : { logger }),
    });
  };
}
