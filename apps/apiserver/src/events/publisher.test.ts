// Integration: committed events reach NATS on the right subjects, in commit order per resource,
// with a `prev` chain and the traceparent header (real redis-server and nats-server).
import type { KubeObject } from '@svclab/api';
import { TraceparentHeader, type ChangeEvent } from '@svclab/bus';
import { memoryLogger } from '@svclab/telemetry';
import { startNats, startRedis, type NatsServer, type RedisServer } from '@svclab/testkit';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStorage } from '../storage/create-redis-storage.js';

let redis: RedisServer;
let nats: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  [redis, nats] = await Promise.all([startRedis(), startNats()]);
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc.close();
  await Promise.all([redis.stop(), nats.stop()]);
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const svc = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
});

interface Received {
  subject: string;
  event: ChangeEvent;
  traceparent: string | undefined;
}

describe('EventPublisher', () => {
  it('publishes every commit on k8s.events.<resource>.<ns> in commit order with a prev chain', async () => {
    const storage = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: nc,
      keyPrefix: 'pub1:',
      logger: memoryLogger(),
    });
    const got: Received[] = [];
    const sub = nc.subscribe('k8s.events.>', {
      callback: (_err, msg) => {
        got.push({
          subject: msg.subject,
          event: msg.json<ChangeEvent>(),
          traceparent: msg.headers?.get(TraceparentHeader),
        });
      },
    });
    await nc.flush();
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await storage.create(
      { resource: 'services', namespace: 'prod', name: 'web' },
      svc('prod', 'web'),
      { traceparent: tp },
    );
    await storage.create(
      { resource: 'nodes', namespace: '', name: 'n1' },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    );
    // 200 concurrent writes: per resource, the wire order must still be the commit order.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        storage.create(
          {
            resource: i % 2 === 0 ? 'services' : 'endpoints',
            namespace: `ns${i % 3}`,
            name: `o${i}`,
          },
          svc(`ns${i % 3}`, `o${i}`),
        ),
      ),
    );
    await waitFor(() => got.length === 202, '202 events');
    sub.unsubscribe();

    expect(got[0]).toMatchObject({ subject: 'k8s.events.services.prod', traceparent: tp });
    expect(got[0]?.event).toMatchObject({ type: 'ADDED', rev: 1, prev: 0, traceparent: tp });
    expect(got[0]?.event.object.metadata.resourceVersion).toBe('1');
    expect(got[1]).toMatchObject({ subject: 'k8s.events.nodes._', traceparent: undefined });
    for (const resource of ['services', 'endpoints']) {
      const chain = got.filter((g) => g.event.resource === resource).map((g) => g.event);
      expect(chain.length).toBe(resource === 'services' ? 101 : 100);
      for (let i = 1; i < chain.length; i++) expect(chain[i]?.prev).toBe(chain[i - 1]?.rev);
      for (const e of chain) expect(e.object.metadata.resourceVersion).toBe(String(e.rev));
    }
    // The published bytes equal the stored (replayed) event.
    const replayed = await storage.replay('services', 0, 1000);
    expect(replayed.events).toEqual(
      got.filter((g) => g.event.resource === 'services').map((g) => g.event),
    );
    await storage.close();
  });

  it('keeps every event when NATS restarts: subscribe catches up from Redis in order', async () => {
    const nc2 = await connect({
      servers: nats.url,
      reconnectTimeWait: 100,
      maxReconnectAttempts: -1,
    });
    const writerNc = await connect({
      servers: nats.url,
      reconnectTimeWait: 100,
      maxReconnectAttempts: -1,
    });
    const log = memoryLogger();
    // resyncIntervalMs 0: only the reconnect itself may trigger the catch-up here.
    const watcher = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: nc2,
      keyPrefix: 'pub2:',
      logger: log,
      resyncIntervalMs: 0,
    });
    const writer = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: writerNc,
      keyPrefix: 'pub2:',
      resyncIntervalMs: 0,
    });
    const seen: ChangeEvent[] = [];
    watcher.subscribe((e) => seen.push(e));
    await writer.create({ resource: 'services', namespace: 'a', name: 's0' }, svc('a', 's0'));
    await waitFor(() => seen.length === 1, 'first event');

    // A replica that publishes nothing: its commits reach the watcher only through catch-up.
    const silent = await createRedisStorage({ redisUrl: redis.url, keyPrefix: 'pub2:' });
    await nats.kill();
    for (let i = 1; i <= 20; i++)
      await silent.create(
        { resource: 'services', namespace: 'a', name: `s${i}` },
        svc('a', `s${i}`),
      );
    await silent.create({ resource: 'pods', namespace: 'a', name: 'p' }, svc('a', 'p'));
    expect(seen.length).toBe(1);
    await nats.restart();
    // No new event arrives: the reconnect alone makes the watcher replay what it missed.
    await waitFor(() => seen.length === 22, '22 events after the NATS restart', 20_000).catch(
      (err: unknown) => {
        throw new Error(`${String(err)}; seen ${seen.length}; log ${JSON.stringify(log.lines)}`);
      },
    );
    await writer.create({ resource: 'services', namespace: 'a', name: 's21' }, svc('a', 's21'));
    await waitFor(() => seen.length === 23, 'the live event after catch-up', 20_000);

    const services = seen.filter((e) => e.resource === 'services');
    expect(services.map((e) => e.name)).toEqual(Array.from({ length: 22 }, (_, i) => `s${i}`));
    for (let i = 1; i < services.length; i++) expect(services[i]?.prev).toBe(services[i - 1]?.rev);
    expect(seen.filter((e) => e.resource === 'pods').map((e) => e.name)).toEqual(['p']);
    await Promise.all([watcher.close(), writer.close(), silent.close()]);
    await Promise.all([nc2.close(), writerNc.close()]);
  });

  it('replays a gap found by prev before delivering the next live event', async () => {
    const c = await connect({ servers: nats.url });
    const watcher = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: c,
      keyPrefix: 'pub4:',
      resyncIntervalMs: 0,
    });
    const silent = await createRedisStorage({ redisUrl: redis.url, keyPrefix: 'pub4:' });
    const seen: ChangeEvent[] = [];
    watcher.subscribe((e) => seen.push(e));
    for (let i = 0; i < 5; i++)
      await silent.create(
        { resource: 'services', namespace: 'a', name: `s${i}` },
        svc('a', `s${i}`),
      );
    await watcher.create({ resource: 'services', namespace: 'a', name: 'live' }, svc('a', 'live'));
    await waitFor(() => seen.length === 6, '6 events');
    expect(seen.map((e) => e.name)).toEqual(['s0', 's1', 's2', 's3', 's4', 'live']);
    await Promise.all([watcher.close(), silent.close()]);
    await c.close();
  });

  it('delivers a commit that was never published through the periodic catch-up', async () => {
    const c = await connect({ servers: nats.url });
    const watcher = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: c,
      keyPrefix: 'pub5:',
      resyncIntervalMs: 100,
    });
    const silent = await createRedisStorage({ redisUrl: redis.url, keyPrefix: 'pub5:' });
    const seen: ChangeEvent[] = [];
    watcher.subscribe((e) => seen.push(e));
    await silent.create({ resource: 'pods', namespace: 'a', name: 'p' }, svc('a', 'p'));
    await waitFor(() => seen.length === 1, 'the unpublished event');
    expect(seen[0]).toMatchObject({ resource: 'pods', name: 'p', type: 'ADDED' });
    await Promise.all([watcher.close(), silent.close()]);
    await c.close();
  });

  it('tells watchers through subscribeWithExpiry when the missed events were compacted', async () => {
    const c = await connect({ servers: nats.url });
    const opts = {
      redisUrl: redis.url,
      keyPrefix: 'pub6:',
      maxEventsPerResource: 3,
      resyncIntervalMs: 0,
    };
    const watcher = await createRedisStorage({
      ...opts,
      natsConnection: c,
      logger: memoryLogger(),
    });
    const silent = await createRedisStorage(opts);
    const seen: ChangeEvent[] = [];
    const expired: string[] = [];
    watcher.subscribeWithExpiry(
      (e) => seen.push(e),
      (resource) => expired.push(resource),
    );
    await watcher.create({ resource: 'services', namespace: 'a', name: 's0' }, svc('a', 's0'));
    await waitFor(() => seen.length === 1, 'the first event');
    for (let i = 1; i <= 10; i++)
      await silent.create(
        { resource: 'services', namespace: 'a', name: `s${i}` },
        svc('a', `s${i}`),
      );
    await watcher.create({ resource: 'services', namespace: 'a', name: 'live' }, svc('a', 'live'));
    await waitFor(() => expired.length === 1, 'the expiry notice');
    expect(expired).toEqual(['services']);
    expect(watcher.eventStats()).toMatchObject({ gaps: 1, expired: 1 });
    // Later events flow again (watchers re-listed by then).
    await watcher.create(
      { resource: 'services', namespace: 'a', name: 'later' },
      svc('a', 'later'),
    );
    await waitFor(() => seen.some((e) => e.name === 'later'), 'the event after the expiry');
    await Promise.all([watcher.close(), silent.close()]);
    await c.close();
  });

  it('orders events from two apiserver replicas on one Redis for a third watcher', async () => {
    const conns = await Promise.all([0, 1, 2].map(() => connect({ servers: nats.url })));
    const [a, b, w] = await Promise.all(
      conns.map((c) =>
        createRedisStorage({ redisUrl: redis.url, natsConnection: c, keyPrefix: 'pub3:' }),
      ),
    );
    if (a === undefined || b === undefined || w === undefined) throw new Error('unreachable');
    const seen: ChangeEvent[] = [];
    w.subscribe((e) => seen.push(e));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 === 0 ? a : b).create(
          { resource: 'services', namespace: 'x', name: `s${i}` },
          svc('x', `s${i}`),
        ),
      ),
    );
    await waitFor(() => seen.length === 300, '300 events');
    expect(seen.map((e) => e.rev)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.prev).toBe(seen[i - 1]?.rev);
    await Promise.all([a.close(), b.close(), w.close()]);
    await Promise.all(conns.map((c) => c.close()));
  });
  it("delivers this process's own commits to its watchers before their NATS echo, and once", async () => {
    const c = await connect({ servers: nats.url });
    const storage = await createRedisStorage({
      redisUrl: redis.url,
      natsConnection: c,
      keyPrefix: 'pub7:',
      resyncIntervalMs: 0,
    });
    const seen: ChangeEvent[] = [];
    storage.subscribe((e) => seen.push(e));
    for (let i = 0; i < 20; i++) {
      await storage.create({ resource: 'services', namespace: 'a', name: `s${i}` }, svc('a', `s${i}`));
      // Delivered in the write's own continuation, not after a NATS round trip.
      expect(seen.map((e) => e.name)).toContain(`s${i}`);
    }
    await c.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((e) => e.name)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(seen[3]?.object.metadata.resourceVersion).toBe(String(seen[3]?.rev));
    expect(storage.eventStats()).toMatchObject({ delivered: 20, gaps: 0 });
    await storage.close();
    await c.close();
  });

  it('gives each replica its own and the other replica\'s commits once, in revision order', async () => {
    const conns = await Promise.all([0, 1].map(() => connect({ servers: nats.url })));
    const [a, b] = await Promise.all(
      conns.map((c) => createRedisStorage({ redisUrl: redis.url, natsConnection: c, keyPrefix: 'pub8:' })),
    );
    if (a === undefined || b === undefined) throw new Error('unreachable');
    const seenA: ChangeEvent[] = [];
    const seenB: ChangeEvent[] = [];
    a.subscribe((e) => seenA.push(e));
    b.subscribe((e) => seenB.push(e));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 === 0 ? a : b).create({ resource: 'services', namespace: 'x', name: `s${i}` }, svc('x', `s${i}`)),
      ),
    );
    await waitFor(() => seenA.length >= 300 && seenB.length >= 300, '300 events on both replicas');
    await new Promise((r) => setTimeout(r, 200));
    for (const seen of [seenA, seenB]) expect(seen.map((e) => e.rev)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await Promise.all([a.close(), b.close()]);
    await Promise.all(conns.map((c) => c.close()));
  });
});
