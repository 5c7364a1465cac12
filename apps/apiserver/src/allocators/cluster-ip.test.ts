import { randomUUID } from 'node:crypto';
import { startRedis, type RedisServer } from '@svclab/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calculateRangeOffset,
  clusterIPShape,
  MemoryClusterIPAllocator,
  RedisClusterIPAllocator,
  type ClusterIPAllocator,
} from './cluster-ip.js';
import { isAlreadyAllocated, isNotInRange, isRangeFull } from './errors.js';

describe('ClusterIP range arithmetic', () => {
  it.each([
    { name: '/12 (svclab default)', cidr: '127.96.0.0/12', max: 1048574, offset: 256 },
    { name: '/24', cidr: '10.0.0.0/24', max: 254, offset: 16 },
    { name: '/28 has no static band', cidr: '10.0.0.0/28', max: 14, offset: 0 },
    { name: '/29, the smallest', cidr: '10.0.0.0/29', max: 6, offset: 0 },
    { name: 'host bits are masked', cidr: '10.0.0.77/24', max: 254, offset: 16 },
  ])('$name', ({ cidr, max, offset }) => {
    expect(clusterIPShape(cidr)).toMatchObject({ max, offset });
  });

  it.each([
    { name: 'tiny', size: 16, offset: 0 },
    { name: 'small', size: 32, offset: 16 },
    { name: 'mid', size: 1024, offset: 64 },
    { name: 'capped', size: 2 ** 20, offset: 256 },
  ])('calculateRangeOffset $name', ({ size, offset }) => {
    expect(calculateRangeOffset(size)).toBe(offset);
  });

  it.each([
    {
      name: 'too small',
      cidr: '10.0.0.0/30',
      message: 'the service cluster IP range must be at least 8 IP addresses',
    },
    { name: 'garbage', cidr: '10.0.0/24', message: 'invalid CIDR address: 10.0.0/24' },
    { name: 'IPv6 (unsupported)', cidr: 'fd00::/108', message: 'invalid CIDR address: fd00::/108' },
  ])('rejects $name', ({ cidr, message }) => {
    expect(() => clusterIPShape(cidr)).toThrow(message);
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

const impls: { name: string; make: (cidr: string) => ClusterIPAllocator }[] = [
  { name: 'MemoryClusterIPAllocator', make: (cidr) => new MemoryClusterIPAllocator(cidr) },
  {
    name: 'RedisClusterIPAllocator',
    make: (cidr) => new RedisClusterIPAllocator(client(), cidr, { keyPrefix: `${randomUUID()}:` }),
  },
];

describe.each(impls)('$name', ({ make }) => {
  it('reserves nothing by itself and names the kubernetes and DNS Service IPs', async () => {
    const a = make('127.96.0.0/12');
    expect(a.firstIP()).toBe('127.96.0.1');
    expect(a.indexedIP(10)).toBe('127.96.0.10');
    expect(await a.used()).toBe(0);
    await a.allocate(a.firstIP());
    expect(await a.has('127.96.0.1')).toBe(true);
    expect(await a.free()).toBe(1048573);
  });

  it.each([
    { name: 'the network address', ip: '10.0.0.0' },
    { name: 'the broadcast address', ip: '10.0.0.255' },
    { name: 'outside the range', ip: '10.1.0.5' },
    { name: 'not an IP', ip: 'x' },
  ])('refuses $name as not in range', async ({ ip }) => {
    const a = make('10.0.0.0/24');
    const err: unknown = await a.allocate(ip).catch((e: unknown) => e);
    expect(isNotInRange(err)).toBe(true);
    expect((err as Error).message).toBe(
      `the provided IP (${ip}) is not in the valid range. The range of valid IPs is 10.0.0.0/24`,
    );
  });

  it('refuses an allocated IP until it is released', async () => {
    const a = make('10.0.0.0/24');
    await a.allocate('10.0.0.10');
    const err: unknown = await a.allocate('10.0.0.10').catch((e: unknown) => e);
    expect(isAlreadyAllocated(err)).toBe(true);
    expect((err as Error).message).toBe('provided IP is already allocated');
    await a.release('10.0.0.10');
    await a.release('10.9.9.9'); // outside: no-op
    await a.allocate('10.0.0.10');
  });

  it('allocates from the dynamic band first, then the static band, then reports full', async () => {
    const a = make('10.0.0.0/24'); // static band .1-.16, dynamic .17-.254
    const first: string[] = [];
    for (let i = 0; i < 238; i++) first.push(await a.allocateNext());
    const lastOctet = (ip: string): number => Number(ip.split('.')[3]);
    expect(first.every((ip) => lastOctet(ip) >= 17 && lastOctet(ip) <= 254)).toBe(true);
    expect(new Set(first).size).toBe(238);
    const rest: string[] = [];
    for (let i = 0; i < 16; i++) rest.push(await a.allocateNext());
    expect(rest.map(lastOctet).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const err: unknown = await a.allocateNext().catch((e: unknown) => e);
    expect(isRangeFull(err)).toBe(true);
    expect((err as Error).message).toBe('range is full');
    await a.release('10.0.0.200');
    expect(await a.allocateNext()).toBe('10.0.0.200');
  });

  it('is random within the dynamic band', async () => {
    const a = make('127.96.0.0/12');
    const ips = await Promise.all(Array.from({ length: 20 }, () => a.allocateNext()));
    expect(new Set(ips).size).toBe(20);
    // Twenty sequential picks from a million addresses would be a broken random start.
    const sorted = ips
      .map((ip) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0))
      .sort((x, y) => x - y);
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBeGreaterThan(1000);
  });
});

describe('RedisClusterIPAllocator shared by two apiserver replicas', () => {
  it('hands out 1,000 addresses concurrently from two instances with no duplicates', async () => {
    const prefix = `${randomUUID()}:`;
    const a = new RedisClusterIPAllocator(client(), '127.96.0.0/12', { keyPrefix: prefix });
    const b = new RedisClusterIPAllocator(client(), '127.96.0.0/12', { keyPrefix: prefix });
    const ips = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? a : b).allocateNext()),
    );
    expect(new Set(ips).size).toBe(1000);
    expect(await a.used()).toBe(1000);
  });

  it('never over-allocates a small range under contention', async () => {
    const prefix = `${randomUUID()}:`;
    const a = new RedisClusterIPAllocator(client(), '10.0.0.0/24', { keyPrefix: prefix });
    const b = new RedisClusterIPAllocator(client(), '10.0.0.0/24', { keyPrefix: prefix });
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? a : b).allocateNext()),
    );
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(new Set(ok).size).toBe(254);
    expect(ok.length).toBe(254);
    expect(failed.every(isRangeFull)).toBe(true);
    // Requested addresses race the same way: exactly one of two replicas wins.
    await a.release('10.0.0.5');
    const race = await Promise.allSettled([a.allocate('10.0.0.5'), b.allocate('10.0.0.5')]);
    expect(race.filter((r) => r.status === 'fulfilled').length).toBe(1);
  });
});
