// The Storage contract, run against MemoryStorage and RedisStorage (real redis-server).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@svclab/api';
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  isResourceExpired,
  statusOf,
} from '@svclab/apimachinery';
import type { ChangeEvent } from '@svclab/bus';
import { startRedis, type RedisServer } from '@svclab/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from './interface.js';
import { MemoryStorage } from './memory.js';
import { redisClientOptions, RedisStorage } from './redis.js';

let redis: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

interface Factory {
  name: string;
  make: (maxEventsPerResource?: number) => Storage;
}

const factories: Factory[] = [
  {
    name: 'MemoryStorage',
    make: (max) => new MemoryStorage(max === undefined ? {} : { maxEventsPerResource: max }),
  },
  {
    name: 'RedisStorage',
    make: (max) => {
      const c = new Redis(redis.url, redisClientOptions());
      clients.push(c);
      return new RedisStorage(c, {
        keyPrefix: `t${randomUUID()}:`,
        ...(max === undefined ? {} : { maxEventsPerResource: max }),
      });
    },
  },
];

function svc(namespace: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { ports: [], selector: {}, clusterIP: '' },
  } as unknown as KubeObject;
}

const key = (namespace: string, name: string, resource = 'services') => ({
  resource,
  namespace,
  name,
});

describe.each(factories)('Storage contract: $name', ({ make }) => {
  it('creates, gets, updates and deletes with revisions', async () => {
    const s = make();
    const created = await s.create(key('default', 'web'), svc('default', 'web'));
    expect(created.metadata.resourceVersion).toBe('1');
    expect(created.metadata.name).toBe('web');
    expect((created as unknown as { spec: { ports: unknown[] } }).spec.ports).toEqual([]);
    expect(await s.get(key('default', 'web'))).toEqual(created);
    expect(await s.get(key('default', 'nope'))).toBeUndefined();

    const upd = await s.update(
      key('default', 'web'),
      { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } },
      { expectedRev: 1 },
    );
    expect(upd.metadata.resourceVersion).toBe('2');
    expect(upd.metadata.labels).toEqual({ a: 'b' });
    expect(await s.currentRev()).toBe(2);

    const del = await s.delete(key('default', 'web'));
    expect(del.metadata.resourceVersion).toBe('3');
    expect(del.metadata.labels).toEqual({ a: 'b' });
    expect(await s.get(key('default', 'web'))).toBeUndefined();
    await s.close();
  });

  it.each([
    {
      name: 'create of an existing object is AlreadyExists',
      run: async (s: Storage) => {
        await s.create(key('default', 'web'), svc('default', 'web'));
        return s.create(key('default', 'web'), svc('default', 'web'));
      },
      check: isAlreadyExists,
      message: 'services "web" already exists',
      code: 409,
    },
    {
      name: 'update of a missing object is NotFound',
      run: (s: Storage) => s.update(key('default', 'web'), svc('default', 'web')),
      check: isNotFound,
      message: 'services "web" not found',
      code: 404,
    },
    {
      name: 'delete of a missing endpointslice names the group',
      run: (s: Storage) => s.delete(key('default', 'web-abc', 'endpointslices')),
      check: isNotFound,
      message: 'endpointslices.discovery.k8s.io "web-abc" not found',
      code: 404,
    },
    {
      name: 'update with a stale revision is Conflict',
      run: async (s: Storage) => {
        await s.create(key('default', 'web'), svc('default', 'web'));
        await s.update(key('default', 'web'), svc('default', 'web'));
        return s.update(key('default', 'web'), svc('default', 'web'), { expectedRev: 1 });
      },
      check: isConflict,
      message:
        'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
      code: 409,
    },
    {
      name: 'delete with a stale revision is Conflict',
      run: async (s: Storage) => {
        await s.create(key('default', 'web'), svc('default', 'web'));
        return s.delete(key('default', 'web'), { expectedRev: 7 });
      },
      check: isConflict,
      message:
        'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
      code: 409,
    },
  ])('$name', async ({ run, check, message, code }) => {
    const s = make();
    const err: unknown = await run(s).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(check(err)).toBe(true);
    expect(statusOf(err)?.message).toBe(message);
    expect(statusOf(err)?.code).toBe(code);
    await s.close();
  });

  it('lists sorted by namespace/name with namespace filter, paging and a filter at one revision', async () => {
    const s = make();
    for (const [ns, name] of [
      ['b', 'x'],
      ['a', 'z'],
      ['a', 'y'],
      ['a-b', 'q'],
      ['c', 'w'],
      ['a', 'x'],
    ] as const) {
      await s.create(key(ns, name), svc(ns, name, { app: name }));
    }
    const all = await s.list('services');
    expect(all.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`)).toEqual([
      'a-b/q',
      'a/x',
      'a/y',
      'a/z',
      'b/x',
      'c/w',
    ]);
    expect(all.rev).toBe(6);
    expect(all.nextAfter).toBeUndefined();

    const nsA = await s.list('services', { namespace: 'a' });
    expect(nsA.items.map((o) => o.metadata.name)).toEqual(['x', 'y', 'z']);

    const p1 = await s.list('services', { limit: 2 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['q', 'x']);
    expect(p1.nextAfter).toBe('a/x');
    expect(p1.remaining).toBe(4);
    const p2 = await s.list('services', { limit: 2, after: p1.nextAfter ?? '' });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['y', 'z']);
    const p3 = await s.list('services', { limit: 2, after: p2.nextAfter ?? '' });
    expect(p3.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`)).toEqual([
      'b/x',
      'c/w',
    ]);
    expect(p3.nextAfter).toBeUndefined();

    const inNs = await s.list('services', { namespace: 'a', limit: 1, after: 'a/x' });
    expect(inNs.items.map((o) => o.metadata.name)).toEqual(['y']);
    expect(inNs.nextAfter).toBe('a/y');

    const filtered = await s.list('services', {
      filter: (o) => o.metadata.labels?.['app'] === 'x',
      limit: 1,
    });
    expect(
      filtered.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`),
    ).toEqual(['a/x']);
    expect(filtered.nextAfter).toBe('a/x');
    expect(filtered.remaining).toBe(1);

    expect((await s.list('endpoints')).items).toEqual([]);
    await s.close();
  });

  it('lists cluster-scoped objects by name', async () => {
    const s = make();
    for (const n of ['n2', 'n1']) {
      await s.create(key('', n, 'nodes'), {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n },
      });
    }
    expect((await s.list('nodes')).items.map((o) => o.metadata.name)).toEqual(['n1', 'n2']);
    expect((await s.get(key('', 'n1', 'nodes')))?.metadata.resourceVersion).toBe('2');
    await s.close();
  });

  it('replays events with a prev chain per resource, and 410 once compacted', async () => {
    const s = make(3);
    await s.create(key('a', 'one'), svc('a', 'one'));
    await s.create(key('', 'n', 'nodes'), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n' },
    });
    await s.update(key('a', 'one'), svc('a', 'one'), {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    await s.delete(key('a', 'one'));
    const r = await s.replay('services', 0, 10);
    expect(r.events.map((e) => [e.type, e.rev, e.prev])).toEqual([
      ['ADDED', 1, 0],
      ['MODIFIED', 3, 1],
      ['DELETED', 4, 3],
    ]);
    expect(r.events[1]?.traceparent).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    expect(r.events[2]?.object.metadata.resourceVersion).toBe('4');
    expect(r.events[0]).toMatchObject({ resource: 'services', namespace: 'a', name: 'one' });
    expect(Number.isNaN(Date.parse(r.events[0]?.time ?? ''))).toBe(false);
    expect(r.currentRev).toBe(4);
    expect(r.more).toBe(false);

    const page = await s.replay('services', 1, 1);
    expect(page.events.map((e) => e.rev)).toEqual([3]);
    expect(page.more).toBe(true);

    await s.create(key('a', 'two'), svc('a', 'two')); // rev 5; rev 1 is compacted (3 kept)
    const err: unknown = await s.replay('services', 0, 10).catch((e: unknown) => e);
    expect(isResourceExpired(err)).toBe(true);
    expect(statusOf(err)?.message).toBe('too old resource version: 0 (1)');
    expect(statusOf(err)?.code).toBe(410);
    expect((await s.replay('services', 1, 10)).events.map((e) => e.rev)).toEqual([3, 4, 5]);
    expect((await s.replay('services', 5, 10)).events).toEqual([]);
    await s.close();
  });

  it('delivers committed events to subscribers in order', async () => {
    const s = make();
    const seen: ChangeEvent[] = [];
    const unsubscribe = s.subscribe((e) => seen.push(e));
    await s.create(key('a', 'one'), svc('a', 'one'));
    await s.update(key('a', 'one'), svc('a', 'one'));
    unsubscribe();
    await s.delete(key('a', 'one'));
    expect(seen.map((e) => [e.type, e.rev, e.prev])).toEqual([
      ['ADDED', 1, 0],
      ['MODIFIED', 2, 1],
    ]);
    await s.close();
  });
});
