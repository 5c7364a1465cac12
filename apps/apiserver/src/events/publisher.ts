// Publishes every event the apiserver committed to NATS, on `k8s.events.<resource>.<namespace|_>`
// with the write's W3C traceparent as a NATS header.
import { eventSubject, TraceparentHeader, type ChangeEvent } from '@svclab/bus';
import type { Logger } from '@svclab/telemetry';
import { Events, headers, type NatsConnection } from 'nats';
import type { CommittedEvent } from '../storage/redis.js';

const enc = new TextEncoder();

/** Recent events kept for re-publishing after a reconnect (nats.js drops what it buffered). */
const DefaultResendBuffer = 1000;

/** What re-publishing needs of a committed event (not its separate object text). */
type Resendable = Pick<CommittedEvent, 'resource' | 'namespace' | 'rev' | 'traceparent' | 'json'>;

/**
 * EventPublisher hands committed events to the NATS client in the order `publish` is called
 * (RedisStorage calls it in commit order). Publishing only buffers; while NATS is disconnected
 * nats.js buffers messages but discards that buffer when it dials again, and a dead socket eats
 * what was written to it, so after each reconnect `start()` re-publishes the last
 * `resendBuffer` events: duplicates are harmless (watchers drop `rev <= last`), a lost last event is
 * not (no later `prev` would reveal the gap). A message lost anyway (process crash) is found by
 * watchers through the next event's `prev` or their periodic catch-up.
 */
export class EventPublisher {
  private published = 0;
  private failed = 0;
  private republished = 0;
  private recent: Resendable[] = [];
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly resendBuffer = DefaultResendBuffer,
  ) {}

  /** Starts watching the connection status to re-publish recent events after a reconnect. */
  start(): void {
    void (async () => {
      for await (const s of this.nc.status()) {
        if (this.stopped) return;
        if (s.type === Events.Reconnect) this.republish();
      }
    })();
  }

  stop(): void {
    this.stopped = true;
  }

  private republish(): void {
    const events = this.recent.slice(-this.resendBuffer);
    this.logger.info('NATS reconnected; re-publishing recent change events', {
      count: events.length,
    });
    for (const e of events) this.send(e);
    this.republished += events.length;
  }

  /** Publishes one event's JSON (already encoded, byte-identical to the stored one). */
  publishCommitted(e: CommittedEvent): void {
    this.recent.push({
      resource: e.resource,
      namespace: e.namespace,
      rev: e.rev,
      ...(e.traceparent === undefined ? {} : { traceparent: e.traceparent }),
      json: e.json,
    });
    // Trimmed in halves rather than shifted per event: at most 1.5 × resendBuffer kept.
    if (this.recent.length >= this.resendBuffer * 1.5) this.recent = this.recent.slice(-this.resendBuffer);
    this.send(e);
  }

  private send(e: Resendable): void {
    const opts =
      e.traceparent === undefined
        ? undefined
        : (() => {
            const h = headers();
            h.set(TraceparentHeader, e.traceparent);
            return { headers: h };
          })();
    try {
      this.nc.publish(eventSubject(e.resource, e.namespace), enc.encode(e.json), opts);
      this.published++;
    } catch (err) {
      // Closed connection or oversize payload: watchers detect the gap and replay.
      this.failed++;
      this.logger.warn('publishing a change event failed', {
        resource: e.resource,
        rev: e.rev,
        err,
      });
    }
  }

  /** Publishes a decoded event (tests and tools; the apiserver uses publishCommitted). */
  publish(e: ChangeEvent): void {
    const { object, ...fields } = e;
    this.publishCommitted({ ...fields, json: JSON.stringify(e), objectJSON: JSON.stringify(object) });
  }

  stats(): { published: number; failed: number; republished: number } {
    return { published: this.published, failed: this.failed, republished: this.republished };
  }
}
