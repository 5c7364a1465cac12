// Prometheus metrics of the store: upstream's `apiserver_storage_objects`, plus the revision and the
// change-event counters of svclab's NATS fan-out. Values are read when Prometheus scrapes.
import { AllResources } from '@svclab/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RedisStorageHandle } from './create-redis-storage.js';

/**
 * Registers the storage metrics on `registry` (the HTTP layer's, served on /metrics):
 * - `apiserver_storage_objects{resource}`: objects stored per resource (HLEN), as upstream;
 * - `svclab_apiserver_storage_revision`: the global revision;
 * - `svclab_apiserver_change_events_published_total`, `…_publish_failures_total`, `…_republished_total`;
 * - `svclab_apiserver_change_events_delivered_total`, `…_gaps_total`, `…_catchups_total`,
 *   `…_expired_total` (watchers that had to be ended with 410);
 * - `svclab_apiserver_storage_request_duration_seconds{operation,resource}`: each Redis round trip
 *   of a get, list, create, update or delete (upstream's etcd_request_duration_seconds, for Redis).
 */
export function registerStorageMetrics(registry: Registry, storage: RedisStorageHandle): void {
  const resources = AllResources.map((r) => r.resource);
  const duration = new Histogram({
    name: 'svclab_apiserver_storage_request_duration_seconds',
    help: 'Redis round trip of each storage request (script included) in seconds, by operation and resource.',
    labelNames: ['operation', 'resource'],
    buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2],
    registers: [registry],
  });
  // The labelled child per label set: prom-client hashes the label object on every observe.
  const children = new Map<string, Histogram.Internal<'operation' | 'resource'>>();
  storage.observeRequests((operation, resource, seconds) => {
    const key = `${operation} ${resource}`;
    let child = children.get(key);
    if (child === undefined) {
      child = duration.labels({ operation, resource });
      children.set(key, child);
    }
    child.observe(seconds);
  });
  new Gauge({
    name: 'apiserver_storage_objects',
    help: 'Number of stored objects at the time of last check split by kind.',
    labelNames: ['resource'],
    registers: [registry],
    async collect() {
      const p = storage.redis.pipeline();
      for (const r of resources) p.hlen(storage.keys(r).objects);
      const res = (await p.exec()) ?? [];
      resources.forEach((r, i) => {
        const [err, n] = res[i] ?? [null, 0];
        if (err === null) this.set({ resource: r }, Number(n));
      });
    },
  });
  new Gauge({
    name: 'svclab_apiserver_storage_revision',
    help: 'The store revision (the newest resourceVersion).',
    registers: [registry],
    async collect() {
      this.set(await storage.currentRev());
    },
  });
  const counters: [string, string, (s: ReturnType<RedisStorageHandle['eventStats']>) => number][] =
    [
      [
        'svclab_apiserver_change_events_published_total',
        'Change events handed to NATS by this apiserver.',
        (s) => s.published,
      ],
      [
        'svclab_apiserver_change_events_publish_failures_total',
        'Change events NATS refused (watchers find them by prev).',
        (s) => s.publishFailed,
      ],
      [
        'svclab_apiserver_change_events_republished_total',
        'Recent change events re-published after a NATS reconnect.',
        (s) => s.republished,
      ],
      [
        'svclab_apiserver_change_events_delivered_total',
        "Change events delivered to this apiserver's watchers.",
        (s) => s.delivered,
      ],
      [
        'svclab_apiserver_change_event_gaps_total',
        'Gaps found by prev in the live event stream.',
        (s) => s.gaps,
      ],
      [
        'svclab_apiserver_change_event_catchups_total',
        'Replay rounds read from Redis to fill gaps, after reconnects and periodically.',
        (s) => s.catchUps,
      ],
      [
        'svclab_apiserver_change_event_expired_total',
        'Catch-ups that found the missed events compacted (watchers ended with 410).',
        (s) => s.expired,
      ],
    ];
  for (const [name, help, pick] of counters) {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const v = pick(storage.eventStats());
        if (v > reported) this.inc(v - reported);
        reported = v;
      },
    });
  }
}
