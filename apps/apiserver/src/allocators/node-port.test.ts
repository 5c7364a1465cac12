import { randomUUID } from 'node:crypto';
import { startRedis, type RedisServer } from '@svclab/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyAllocated, isNotInRange, isRangeFull } from './errors.js';
import {
  calculatePortRangeOffset,
  MemoryNodePortAllocator,
  nodePortShape,
  parsePortRange,
  RedisNodePortAllocator,
  type NodePortAllocator,
} from './node-port.js';

describe('NodePort range arithmetic', () => {
  it.each([
    { name: 'default range', range: '30000-32767', base: 30000, size: 2768, offset: 86 },
    { name: 'tiny range: no static band', range: '30000-30015', base: 30000, size: 16, offset: 0 },
    { name: 'capped static band', range: '20000-32767', base: 20000, size: 12768, offset: 128 },
    { name: 'one port', range: '31000', base: 31000, size: 1, offset: 0 },
  ])('$name', ({ range, base, size, offset }) => {
    expect(nodePortShape(range)).toMatchObject({ base, size, max: size, offset });
  });

  it.each([
    { name: 'size 17', size: 17, offset: 16 },
    { name: 'size 1024', size: 1024, offset: 32 },
  ])('calculatePortRangeOffset $name', ({ size, offset }) => {
    expect(calculatePortRangeOffset(size)).toBe(offset);
  });

  it.each([
    { name: 'reversed', range: '32767-30000' },
    { name: 'too high', range: '30000-70000' },
    { name: 'garbage', range: 'a-b' },
  ])('rejects $name', ({ range }) => {
    expect(() => parsePortRange(range)).toThrow(`invalid port range: ${range}`);
  });
});

let redis: RedisServer;
const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis(redis.url);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

const impls: { name: string; make: (range?: string) => NodePortAllocator }[] = [
  { name: 'MemoryNodePortAllocator', make: (range) => new MemoryNodePortAllocator(range) },
  {
    name: 'RedisNodePortAllocator',
    make: (range) => new RedisNodePortAllocator(client(), range, { keyPrefix: `${randomUUID()}:` }),
  },
];

describe.each(impls)('$name', ({ make }) => {
  it.each([
    { name: 'below the range', port: 80 },
    { name: 'above the range', port: 32768 },
  ])('refuses a port $name', async ({ port }) => {
    const a = make();
    const err: unknown = await a.allocate(port).catch((e: unknown) => e);
    expect(isNotInRange(err)).toBe(true);
    expect((err as Error).message).toBe(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('refuses an allocated port until it is released', async () => {
    const a = make();
    await a.allocate(30080);
    const err: unknown = await a.allocate(30080).catch((e: unknown) => e);
    expect(isAlreadyAllocated(err)).toBe(true);
    expect((err as Error).message).toBe('provided port is already allocated');
    expect(await a.has(30080)).toBe(true);
    await a.release(30080);
    expect(await a.has(30080)).toBe(false);
    await a.allocate(30080);
  });

  it('allocates the dynamic band first, then the static band, then reports full', async () => {
    const a = make('30000-30099'); // size 100 → static band 30000-30015
    const dynamic: number[] = [];
    for (let i = 0; i < 84; i++) dynamic.push(await a.allocateNext());
    expect(dynamic.every((p) => p >= 30016 && p <= 30099)).toBe(true);
    expect(new Set(dynamic).size).toBe(84);
    const statics: number[] = [];
    for (let i = 0; i < 16; i++) statics.push(await a.allocateNext());
    expect(statics.sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => 30000 + i));
    expect(isRangeFull(await a.allocateNext().catch((e: unknown) => e))).toBe(true);
    expect(await a.free()).toBe(0);
  });
});

describe('RedisNodePortAllocator shared by two apiserver replicas', () => {
  it('hands out 1,000 ports concurrently from two instances with no duplicates', async () => {
    const prefix = `${randomUUID()}:`;
    const a = new RedisNodePortAllocator(client(), '30000-32767', { keyPrefix: prefix });
    const b = new RedisNodePortAllocator(client(), '30000-32767', { keyPrefix: prefix });
    const ports = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? a : b).allocateNext()),
    );
    expect(new Set(ports).size).toBe(1000);
    expect(ports.every((p) => p >= 30086 && p <= 32767)).toBe(true);
    expect(await b.used()).toBe(1000);
  });

  it('hands out the whole range and no more under contention', async () => {
    const prefix = `${randomUUID()}:`;
    const a = new RedisNodePortAllocator(client(), '30000-30199', { keyPrefix: prefix });
    const b = new RedisNodePortAllocator(client(), '30000-30199', { keyPrefix: prefix });
    const results = await Promise.allSettled(
      Array.from({ length: 260 }, (_, i) => (i % 2 === 0 ? a : b).allocateNext()),
    );
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(ok.length).toBe(200);
    expect(new Set(ok).size).toBe(200);
    expect(results.filter((r) => r.status === 'rejected').every((r) => isRangeFull(r.reason))).toBe(
      true,
    );
  });
});
