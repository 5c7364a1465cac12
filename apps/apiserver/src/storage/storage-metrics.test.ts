import { startNats, startRedis, type NatsServer, type RedisServer } from '@svclab/testkit';
import { connect, type NatsConnection } from 'nats';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStorage, type RedisStorageHandle } from './create-redis-storage.js';
import { registerStorageMetrics } from './storage-metrics.js';

let redis: RedisServer;
let nats: NatsServer;
let nc: NatsConnection;
let storage: RedisStorageHandle;

beforeAll(async () => {
  [redis, nats] = await Promise.all([startRedis(), startNats()]);
  nc = await connect({ servers: nats.url });
  storage = await createRedisStorage({ redisUrl: redis.url, natsConnection: nc });
});

afterAll(async () => {
  await storage.close();
  await nc.close();
  await Promise.all([redis.stop(), nats.stop()]);
});

describe('storage metrics', () => {
  it('reports objects per resource, the revision and event counters', async () => {
    const registry = new Registry();
    registerStorageMetrics(registry, storage);
    for (const n of ['a', 'b', 'c']) {
      await storage.create(
        { resource: 'services', namespace: 'ns', name: n },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: n, namespace: 'ns' } },
      );
    }
    await storage.delete({ resource: 'services', namespace: 'ns', name: 'c' });
    const deadline = Date.now() + 20_000;
    while (storage.eventStats().delivered < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const text = await registry.metrics();
    expect(text).toContain('apiserver_storage_objects{resource="services"} 2');
    expect(text).toContain('apiserver_storage_objects{resource="pods"} 0');
    expect(text).toContain('svclab_apiserver_storage_revision 4');
    expect(text).toContain('svclab_apiserver_change_events_published_total 4');
    expect(text).toContain('svclab_apiserver_change_events_delivered_total 4');
    expect(text).toContain('svclab_apiserver_change_event_gaps_total 0');
    await storage.get({ resource: 'services', namespace: 'ns', name: 'a' });
    await storage.list('services', { namespace: 'ns' });
    const after = await registry.metrics();
    for (const [op, n] of [['create', 3], ['delete', 1], ['get', 1], ['list', 1]] as const)
      expect(after).toContain(`svclab_apiserver_storage_request_duration_seconds_count{operation="${op}",resource="services"} ${String(n)}`);
    // Counters only grow between scrapes.
    expect(await registry.metrics()).toContain('svclab_apiserver_change_events_published_total 4');
  });
});
