// Wires the production store: ioredis client + RedisStorage + NATS publisher + event sequencer.
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { NatsConnection } from 'nats';
import { EventSequencer, type ExpiredHandler } from '../events/event-sequencer.js';
import { EventPublisher } from '../events/publisher.js';
import type { ChangeEvent } from '@svclab/bus';
import { connectRedis } from './connect-redis.js';
import { committedChangeEvent, redisClientOptions, RedisStorage } from './redis.js';

export interface CreateRedisStorageOptions {
  /** `redis://host:port[/db]`, or `unix:///path/to/redis.sock[?db=N]` (connect-redis.ts). */
  readonly redisUrl: string;
  /**
   * Publishes committed events and feeds `subscribe` from `k8s.events.>` (all replicas). Without
   * it, `subscribe` sees only this process's writes and nothing is published.
   */
  readonly natsConnection?: NatsConnection;
  readonly logger?: Logger;
  /** Events kept per resource before compaction (default 10,000). */
  readonly maxEventsPerResource?: number;
  /** Key prefix (default `svclab:`). */
  readonly keyPrefix?: string;
  /** Period of the watchers' safety-net catch-up from Redis, ms (default 5000; 0 disables). */
  readonly resyncIntervalMs?: number;
}

/** RedisStorage plus the hook watchers use to learn that their missed events were compacted. */
export interface RedisStorageHandle extends RedisStorage {
  /**
   * Like `subscribe`, and `onExpired(resource, err)` is called when events of `resource` were
   * missed (NATS outage) and already compacted: that resource's watchers must end with 410.
   */
  subscribeWithExpiry(onEvent: (e: ChangeEvent) => void, onExpired: ExpiredHandler): () => void;
  /** Event counters for metrics (zeros for the parts not running without NATS). */
  eventStats(): EventStats;
}

export interface EventStats {
  /** Events this process handed to NATS, failed to, and re-published after reconnects. */
  readonly published: number;
  readonly publishFailed: number;
  readonly republished: number;
  /** Events delivered to this process's watchers, gaps found by `prev`, replay rounds, 410s. */
  readonly delivered: number;
  readonly gaps: number;
  readonly catchUps: number;
  readonly expired: number;
}

/**
 * Connects to Redis (reconnecting on its own forever), and when given a NATS connection publishes
 * every commit on `k8s.events.<resource>.<ns>` and serves `subscribe` from NATS in per-resource
 * revision order, replaying gaps out of Redis. `close()` quits Redis; the NATS connection stays
 * the caller's.
 */
export async function createRedisStorage(
  opts: CreateRedisStorageOptions,
): Promise<RedisStorageHandle> {
  const logger = (opts.logger ?? nopLogger).child({ component: 'storage' });
  let sequencer: EventSequencer | undefined;
  const redis = connectRedis(opts.redisUrl, redisClientOptions(logger));
  redis.on('error', (err: unknown) => {
    logger.warn('redis connection error', { err });
  });
  const publisher =
    opts.natsConnection === undefined ? undefined : new EventPublisher(opts.natsConnection, logger);
  publisher?.start();
  const storage = new RedisStorage(redis, {
    ...(opts.keyPrefix === undefined ? {} : { keyPrefix: opts.keyPrefix }),
    ...(opts.maxEventsPerResource === undefined
      ? {}
      : { maxEventsPerResource: opts.maxEventsPerResource }),
    logger,
    ...(publisher === undefined
      ? {}
      : {
          onCommit: (e) => {
            publisher.publishCommitted(e);
            // This process's watchers need not wait for the NATS round trip of its own commits.
            sequencer?.offerCommitted(e, () => committedChangeEvent(e));
          },
        }),
  });
  try {
    if (opts.natsConnection !== undefined) {
      sequencer = new EventSequencer({
        nc: opts.natsConnection,
        replay: (r, from, limit) => storage.replay(r, from, limit),
        startRev: await storage.currentRev(),
        logger,
        ...(opts.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: opts.resyncIntervalMs }),
      });
      await sequencer.start();
      const seq = sequencer;
      storage.attachEventSource(
        (onEvent) => seq.addListener(onEvent),
        () => seq.stop(),
      );
    }
  } catch (err) {
    publisher?.stop();
    redis.disconnect();
    throw err;
  }
  storage.addCloser(async () => {
    publisher?.stop();
    // QUIT would wait in the offline queue while Redis is down; just drop the socket then.
    if (redis.status !== 'ready') {
      redis.disconnect();
      return;
    }
    await redis.quit().catch(() => {
      redis.disconnect();
    });
  });
  const seq = sequencer;
  return Object.assign(storage, {
    subscribeWithExpiry(onEvent: (e: ChangeEvent) => void, onExpired: ExpiredHandler): () => void {
      return seq === undefined ? storage.subscribe(onEvent) : seq.addListener(onEvent, onExpired);
    },
    eventStats(): EventStats {
      const p = publisher?.stats() ?? { published: 0, failed: 0, republished: 0 };
      const q = seq?.stats() ?? { delivered: 0, gaps: 0, catchUps: 0, expired: 0 };
      return { published: p.published, publishFailed: p.failed, republished: p.republished, ...q };
    },
  });
}
