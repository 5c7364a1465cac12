// Integration: RedisStorage against a real redis-server — durability across a crash, reconnect,
// exactly-once writes across a resend, consistent lists under concurrent writes.
import type { KubeObject } from '@svclab/api';
import { isAlreadyExists, isNotFound, parseResourceVersion } from '@svclab/apimachinery';
import { memoryLogger } from '@svclab/telemetry';
import { startRedis, type RedisServer } from '@svclab/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStorage, type RedisStorageHandle } from './create-redis-storage.js';

let redis: RedisServer | undefined;
let storage: RedisStorageHandle | undefined;

afterEach(async () => {
  await storage?.close();
  await redis?.stop();
  storage = undefined;
  redis = undefined;
});

const svc = (namespace: string, name: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { clusterIP: '127.96.0.10', ports: [{ port: 80 }] },
  }) as KubeObject;

describe('RedisStorage on a real redis-server', () => {
  it('keeps every acknowledged write across redis kill + restart and reconnects on its own', async () => {
    redis = await startRedis();
    storage = await createRedisStorage({ redisUrl: redis.url, logger: memoryLogger() });
    const s = storage;
    for (let i = 0; i < 100; i++)
      await s.create({ resource: 'services', namespace: 'ns', name: `s${i}` }, svc('ns', `s${i}`));
    await s.update(
      { resource: 'services', namespace: 'ns', name: 's0' },
      { ...svc('ns', 's0'), metadata: { name: 's0', namespace: 'ns', labels: { v: '2' } } },
    );
    await s.delete({ resource: 'services', namespace: 'ns', name: 's1' });

    await s.ping();
    await redis.kill();
    await expect(s.ping(200)).rejects.toThrow(/did not answer PING/);
    await redis.restart();

    // The same client reconnects by itself; reads and writes work again.
    const list = await s.list('services');
    expect(list.items.length).toBe(99);
    expect(list.rev).toBe(102);
    expect(
      (await s.get({ resource: 'services', namespace: 'ns', name: 's0' }))?.metadata.labels,
    ).toEqual({ v: '2' });
    expect(await s.get({ resource: 'services', namespace: 'ns', name: 's1' })).toBeUndefined();
    const created = await s.create(
      { resource: 'services', namespace: 'ns', name: 'after' },
      svc('ns', 'after'),
    );
    expect(created.metadata.resourceVersion).toBe('103');
    const replay = await s.replay('services', 100, 10);
    expect(replay.events.map((e) => [e.type, e.rev, e.prev])).toEqual([
      ['MODIFIED', 101, 100],
      ['DELETED', 102, 101],
      ['ADDED', 103, 102],
    ]);
  });

  it('applies writes in flight during a crash at most once and loses none that were acknowledged', async () => {
    redis = await startRedis();
    storage = await createRedisStorage({ redisUrl: redis.url });
    const s = storage;
    const r = redis;
    // 8 writers keep creating; Redis is SIGKILLed once 100 creates are acknowledged, so writes
    // are in flight at the crash and ioredis resends them after reconnecting.
    type Result =
      | { ok: true; rv: string | undefined; err: undefined }
      | { ok: false; rv: undefined; err: unknown };
    const results: Result[] = [];
    let next = 0;
    let acked = 0;
    let crashed: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (next < 400) {
        const i = next++;
        results[i] = await s
          .create({ resource: 'services', namespace: 'ns', name: `w${i}` }, svc('ns', `w${i}`))
          .then(
            (o): Result => ({ ok: true, rv: o.metadata.resourceVersion, err: undefined }),
            (err: unknown): Result => ({ ok: false, rv: undefined, err }),
          );
        if (++acked === 100) crashed = r.kill().then(() => r.restart());
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await crashed;
    expect(crashed).toBeDefined();
    const stored = new Map(
      (await s.list('services')).items.map((o) => [o.metadata.name, o.metadata.resourceVersion]),
    );
    results.forEach((res, i) => {
      // A resent create must not report AlreadyExists for its own first attempt.
      expect(isAlreadyExists(res.err)).toBe(false);
      if (res.ok) expect(stored.get(`w${i}`)).toBe(res.rv);
    });
    // The event stream has exactly one ADDED per stored object, with an unbroken prev chain.
    const events = (await s.replay('services', 0, 1000)).events;
    expect(events.length).toBe(stored.size);
    for (let i = 1; i < events.length; i++) expect(events[i]?.prev).toBe(events[i - 1]?.rev);
  });

  it('lists at one revision while writes go on', async () => {
    redis = await startRedis();
    storage = await createRedisStorage({ redisUrl: redis.url });
    const s = storage;
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        s.create(
          { resource: 'pods', namespace: `n${i % 5}`, name: `p${i}` },
          svc(`n${i % 5}`, `p${i}`),
        ),
      ),
    );
    const writer = Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        s.update(
          { resource: 'pods', namespace: `n${i % 5}`, name: `p${i}` },
          svc(`n${i % 5}`, `p${i}`),
        ),
      ),
    );
    const lists = await Promise.all(Array.from({ length: 10 }, () => s.list('pods')));
    await writer;
    for (const l of lists) {
      expect(l.items.length).toBe(500);
      const maxRv = Math.max(
        ...l.items.map((o) => parseResourceVersion(o.metadata.resourceVersion)),
      );
      expect(maxRv).toBeLessThanOrEqual(l.rev);
    }
    const page = await s.list('pods', { namespace: 'n3', limit: 40 });
    expect(page.items.length).toBe(40);
    expect(page.remaining).toBe(60);
    expect(page.items.every((o) => o.metadata.namespace === 'n3')).toBe(true);
  });

  it('stores exactly what it returns, keeping unusual strings intact', async () => {
    redis = await startRedis();
    storage = await createRedisStorage({ redisUrl: redis.url });
    const weird = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'w',
        namespace: 'ns',
        resourceVersion: '999',
        annotations: { resourceVersion: '"resourceVersion":"\u0000rv"', emoji: '☃\n\t"' },
      },
      data: { empty: [], nested: { a: [1, 2, { b: null }] } },
    } as unknown as KubeObject;
    const created = await storage.create(
      { resource: 'configmaps', namespace: 'ns', name: 'w' },
      weird,
    );
    expect(created.metadata.resourceVersion).toBe('1');
    expect(created.metadata.annotations).toEqual(weird.metadata.annotations);
    expect((created as unknown as { data: unknown }).data).toEqual({
      empty: [],
      nested: { a: [1, 2, { b: null }] },
    });
    expect(await storage.get({ resource: 'configmaps', namespace: 'ns', name: 'w' })).toEqual(
      created,
    );
    const deleted = await storage.delete(
      { resource: 'configmaps', namespace: 'ns', name: 'w' },
      { expectedRev: 1 },
    );
    expect(deleted).toEqual({
      ...created,
      metadata: { ...created.metadata, resourceVersion: '2' },
    });
    expect(
      isNotFound(
        await storage
          .delete({ resource: 'configmaps', namespace: 'ns', name: 'w' })
          .catch((e: unknown) => e),
      ),
    ).toBe(true);
  });
});
