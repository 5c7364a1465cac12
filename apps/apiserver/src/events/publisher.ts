// Publishes every event the apiserver committed to NATS, on `k8s.events.<resource>.<namespace|_>`
// with the write's W3C traceparent as a NATS header.
import { eventSubject, TraceparentHeader, type ChangeEvent } from '@svclab/bus';
import type { Logger } from '@svclab/telemetry';
import { headers, type NatsConnection } from 'nats';
import type { CommittedEvent } from '../storage/redis.js';

const enc = new TextEncoder();

/**
 * EventPublisher hands committed events to the NATS client in the order `publish` is called
 * (RedisStorage calls it in commit order). Publishing only buffers; while NATS is disconnected
 * nats.js keeps the messages and flushes them on reconnect. A message lost anyway (process crash,
 * buffer overflow) is found by watchers as a `prev` gap and replayed from Redis.
 */
export class EventPublisher {
  private published = 0;
  private failed = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {}

  /** Publishes one event's JSON (already encoded, byte-identical to the stored one). */
  publishCommitted(e: CommittedEvent): void {
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
      this.logger.warn('publishing a change event failed', { resource: e.resource, rev: e.rev, err });
    }
  }

  /** Publishes a decoded event (tests and tools; the apiserver uses publishCommitted). */
  publish(e: ChangeEvent): void {
    this.publishCommitted({
      resource: e.resource,
      namespace: e.namespace,
      rev: e.rev,
      ...(e.traceparent === undefined ? {} : { traceparent: e.traceparent }),
      json: JSON.stringify(e),
    });
  }

  stats(): { published: number; failed: number } {
    return { published: this.published, failed: this.failed };
  }
}
