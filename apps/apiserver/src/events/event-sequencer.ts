// The apiserver's in-process watch source: every change event from NATS (`k8s.events.>`, from all
// replicas), delivered per resource in revision order without gaps or duplicates. A `prev` that
// does not match, or a NATS reconnect, makes it replay the missing range out of Redis first.
import { AllResources } from '@svclab/api';
import { isResourceExpired } from '@svclab/apimachinery';
import type { ChangeEvent } from '@svclab/bus';
import type { Logger } from '@svclab/telemetry';
import { Events, type NatsConnection, type Subscription } from 'nats';
import type { ReplayResult } from '../storage/interface.js';
import { decodeChangeEvent, decodeChangeEventHeader } from './raw-event.js';

const utf8 = new TextDecoder();

/** Events fetched per replay round trip while catching up. */
const ReplayPageSize = 1000;

export interface EventSequencerOptions {
  readonly nc: NatsConnection;
  /** Reads the change stream (RedisStorage.replay). */
  readonly replay: (resource: string, fromRev: number, limit: number) => Promise<ReplayResult>;
  /** Store revision at start: events at or before it are history, not delivered. */
  readonly startRev: number;
  readonly logger: Logger;
  /** Resources to catch up after a reconnect besides those seen (default: the register's). */
  readonly resources?: readonly string[];
  /** Subject to listen on (default `k8s.events.>`). */
  readonly subject?: string;
  /**
   * Every this many ms, catch every resource up from Redis (default 5000; 0 disables): the safety
   * net for a last event lost on the way (a publisher crashed after commit) that no later `prev`
   * would reveal.
   */
  readonly resyncIntervalMs?: number;
}

/** Called when a resource's missed events were compacted away: its watchers must re-list. */
export type ExpiredHandler = (resource: string, err: unknown) => void;

/**
 * EventSequencer keeps `last[resource]`, the revision delivered last, and applies the catch-up
 * protocol of docs/architecture.md to the live NATS stream. Listeners are called synchronously, in
 * order; NOTE: the event objects are shared between listeners and must NOT be modified.
 */
export class EventSequencer {
  private readonly last = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private readonly expiredHandlers = new Set<ExpiredHandler>();
  private sub: Subscription | undefined;
  private stopped = false;
  private readonly counts = { delivered: 0, gaps: 0, catchUps: 0, expired: 0 };
  private timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;

  constructor(private readonly opts: EventSequencerOptions) {
    this.logger = opts.logger.child({ component: 'event-sequencer' });
  }

  /** Subscribes on NATS and returns once the server has registered the subscription. */
  async start(): Promise<void> {
    this.sub = this.opts.nc.subscribe(this.opts.subject ?? 'k8s.events.>', {
      callback: (err, msg) => {
        if (err !== null) {
          this.logger.warn('event subscription error', { err });
          return;
        }
        const text = utf8.decode(msg.data);
        // The header decides first, without decoding the object: a duplicate (this process's own
        // commits came through offerCommitted already) is dropped; with nobody watching, an
        // in-order event only moves `last`. Anything else (a gap, a queue) takes the full path.
        const h = decodeChangeEventHeader(text);
        if (h !== undefined && !this.chains.has(h.resource)) {
          if (this.stopped || h.rev <= (this.last.get(h.resource) ?? this.opts.startRev)) return;
          if (this.listeners.size === 0 && this.handleInOrder(h as ChangeEvent)) return;
        }
        let e: ChangeEvent;
        try {
          e = decodeChangeEvent(text);
        } catch (decodeErr) {
          this.logger.warn('undecodable change event', { subject: msg.subject, err: decodeErr });
          return;
        }
        // Nothing queued for this resource: an in-order event (the common case) is delivered right
        // here, without a promise chain step; anything else waits its turn.
        if (!this.chains.has(e.resource) && this.handleInOrder(e)) return;
        void this.enqueue(e.resource, () => this.handle(e));
      },
    });
    void this.watchStatus();
    const every = this.opts.resyncIntervalMs ?? 5000;
    if (every > 0) {
      this.timer = setInterval(() => void this.catchUpAll(), every);
      this.timer.unref();
    }
    await this.opts.nc.flush();
  }

  /**
   * A commit of this process, offered before its NATS echo arrives: delivered at once when it is
   * next in its resource's order (its echo is then a duplicate); otherwise ignored, and the echo
   * takes the usual path. `event` is called only to deliver, so an event nobody watches is never built.
   */
  offerCommitted(commit: Pick<ChangeEvent, 'resource' | 'rev' | 'prev'>, event: () => ChangeEvent): void {
    const { resource, rev, prev } = commit;
    if (this.stopped || this.chains.has(resource)) return;
    const last = this.last.get(resource);
    if (rev <= (last ?? this.opts.startRev)) return;
    if (!(last === undefined ? prev <= this.opts.startRev : prev === last)) return;
    if (this.listeners.size === 0) {
      this.counts.delivered++;
      this.last.set(resource, rev);
      return;
    }
    this.deliver(event());
  }

  addListener(onEvent: (e: ChangeEvent) => void, onExpired?: ExpiredHandler): () => void {
    this.listeners.add(onEvent);
    if (onExpired !== undefined) this.expiredHandlers.add(onExpired);
    return () => {
      this.listeners.delete(onEvent);
      if (onExpired !== undefined) this.expiredHandlers.delete(onExpired);
    };
  }

  /** Catches every known resource up from Redis (after a reconnect; also callable by hand). */
  catchUpAll(): Promise<void> {
    const names = new Set([
      ...(this.opts.resources ?? AllResources.map((r) => r.resource)),
      ...this.last.keys(),
    ]);
    return Promise.all([...names].map((r) => this.enqueue(r, () => this.catchUp(r)))).then(
      () => undefined,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.listeners.clear();
    this.expiredHandlers.clear();
    if (this.sub !== undefined && !this.opts.nc.isClosed()) this.sub.unsubscribe();
    await Promise.all([...this.chains.values()]);
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.opts.nc.status()) {
      if (this.stopped) return;
      if (s.type === Events.Reconnect) {
        this.logger.info('NATS reconnected; catching up from the change streams');
        void this.catchUpAll();
      }
    }
  }

  /** Runs `job` after every job queued for `resource`; the chain is dropped once it runs dry. */
  private enqueue(resource: string, job: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(resource) ?? Promise.resolve();
    const next: Promise<void> = prev
      .then(job)
      .catch((err: unknown) => {
        this.logger.error('event sequencing failed', { resource, err });
      })
      .then(() => {
        if (this.chains.get(resource) === next) this.chains.delete(resource);
      });
    this.chains.set(resource, next);
    return next;
  }

  /** Counters since start: events delivered, gaps found by `prev`, replay rounds, 410s. */
  stats(): { delivered: number; gaps: number; catchUps: number; expired: number } {
    return { ...this.counts };
  }

  private deliver(e: ChangeEvent): void {
    this.counts.delivered++;
    this.last.set(e.resource, e.rev);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error('change event listener threw', { resource: e.resource, rev: e.rev, err });
      }
    }
  }

  /**
   * The synchronous part of `handle`: drops a duplicate (or anything after stop), delivers an
   * in-order event. false: a gap, which needs `handle`'s catch-up.
   */
  private handleInOrder(e: ChangeEvent): boolean {
    if (this.stopped) return true;
    const last = this.last.get(e.resource);
    if (e.rev <= (last ?? this.opts.startRev)) return true; // duplicate or history
    const inOrder = last === undefined ? e.prev <= this.opts.startRev : e.prev === last;
    if (!inOrder) return false;
    this.deliver(e);
    return true;
  }

  private async handle(e: ChangeEvent): Promise<void> {
    if (this.handleInOrder(e)) return;
    const base = this.last.get(e.resource) ?? this.opts.startRev;
    this.counts.gaps++;
    this.logger.debug('gap in change events; replaying', {
      resource: e.resource,
      last: base,
      prev: e.prev,
      rev: e.rev,
    });
    await this.catchUp(e.resource);
    if (e.rev > (this.last.get(e.resource) ?? this.opts.startRev)) {
      // Committed before it was published, so replay must have returned it; deliver anyway.
      this.logger.warn('event missing from replay', { resource: e.resource, rev: e.rev });
      this.deliver(e);
    }
  }

  private async catchUp(resource: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const from = this.last.get(resource) ?? this.opts.startRev;
      let page: ReplayResult;
      this.counts.catchUps++;
      try {
        page = await this.opts.replay(resource, from, ReplayPageSize);
      } catch (err) {
        if (!isResourceExpired(err)) throw err;
        this.counts.expired++;
        this.logger.error('missed change events were compacted; watchers must re-list', {
          resource,
          from,
          err,
        });
        for (const h of this.expiredHandlers) h(resource, err);
        // Start over from the oldest retained event so later events are not held back forever.
        const all = await this.opts
          .replay(resource, Number.MAX_SAFE_INTEGER, 1)
          .catch(() => undefined);
        if (all !== undefined) this.last.set(resource, all.currentRev);
        return;
      }
      for (const e of page.events)
        if (e.rev > (this.last.get(resource) ?? this.opts.startRev)) this.deliver(e);
      if (!page.more || page.events.length === 0) return;
    }
  }
}
