// Integration: a Service create against real Redis is one write that checks the namespace and
// claims the ClusterIP (CreateOptions.claims); two replicas never hand out one IP twice, a failed
// create holds nothing, dry run allocates nothing, and a full range is upstream's 500.
import { randomUUID } from 'node:crypto';
import { Resources, type KubeObject, type Service } from '@svclab/api';
import { isAlreadyExists, isInvalid, isNotFound, type StatusError } from '@svclab/apimachinery';
import { nopLogger } from '@svclab/telemetry';
import { startRedis, type RedisServer } from '@svclab/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisClusterIPAllocator, RedisNodePortAllocator } from '../allocators/index.js';
import { ClaimFullError, ClaimMovedError } from '../storage/claim-errors.js';
import { RedisStorage } from '../storage/redis.js';
import { ensureBuiltins } from './bootstrap.js';
import { Registry } from './registry.js';

let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

function client(): Redis {
  const c = new Redis(server.url, { enableAutoPipelining: true });
  clients.push(c);
  return c;
}

/** One apiserver replica's registry: its own Redis connections, shared keys under `prefix`. */
function replica(prefix: string, cidr: string): { registry: Registry; storage: RedisStorage; ips: RedisClusterIPAllocator } {
  const storage = new RedisStorage(client(), { keyPrefix: prefix });
  const ips = new RedisClusterIPAllocator(client(), cidr, { keyPrefix: prefix });
  const ports = new RedisNodePortAllocator(client(), '30000-32767', { keyPrefix: prefix });
  return { registry: new Registry({ storage, allocators: { clusterIP: ips, nodePort: ports } }), storage, ips };
}

const svc = (name: string, spec: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } }) as KubeObject;

describe('Service create with the ClusterIP claimed by the write', () => {
  it('gives two replicas racing on a small range distinct IPs, then a full range error', async () => {
    const prefix = `${randomUUID()}:`;
    const cidr = '10.1.0.0/26'; // 62 addresses, 1 for the kubernetes Service
    const a = replica(prefix, cidr);
    const b = replica(prefix, cidr);
    await ensureBuiltins(a.registry, { serviceCIDR: cidr }, nopLogger);
    const results = await Promise.allSettled(
      Array.from({ length: 70 }, (_, i) =>
        (i % 2 === 0 ? a : b).registry.mustStore(Resources.services).create('default', svc(`s${i}`), {}),
      ),
    );
    const ips = results.flatMap((r) => (r.status === 'fulfilled' ? [(r.value as Service).spec?.clusterIP ?? ''] : []));
    expect(ips.length).toBe(61);
    expect(new Set(ips).size).toBe(61);
    expect(ips.every((ip) => a.ips.contains(ip))).toBe(true);
    expect(await a.ips.used()).toBe(62);
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as StatusError] : []));
    expect(failed.length).toBe(9);
    expect(failed.every((e) => e.status.code === 500 && e.status.message === 'Internal error occurred: failed to allocate a serviceIP: range is full')).toBe(true);
    // What is stored is what was returned, IPs included.
    const listed = await a.storage.list('services', { namespace: 'default' });
    expect(new Set(listed.items.map((s) => (s as Service).spec?.clusterIPs?.[0])).size).toBe(62);
  });

  it('holds nothing after a failed or dry-run create and checks the namespace in the write', async () => {
    const prefix = `${randomUUID()}:`;
    const { registry, ips, storage } = replica(prefix, '10.2.0.0/24');
    await ensureBuiltins(registry, { serviceCIDR: '10.2.0.0/24' }, nopLogger);
    const store = registry.mustStore(Resources.services);
    await store.create('default', svc('web'), {});
    expect(await ips.used()).toBe(2);
    const rev = await storage.currentRev();

    await expect(store.create('default', svc('web'), {})).rejects.toSatisfy(isAlreadyExists);
    await expect(store.create('nope', svc('web'), {})).rejects.toSatisfy(isNotFound);
    // A missing namespace wins over validation errors (NamespaceLifecycle admission comes first).
    const bad = svc('bad', { ports: [{ port: 0 }] });
    await expect(store.create('nope', bad, {})).rejects.toSatisfy(isNotFound);
    await expect(store.create('default', bad, {})).rejects.toSatisfy(isInvalid);
    const dry = (await store.create('default', svc('dry'), { dryRun: true })) as Service;
    expect(ips.contains(dry.spec?.clusterIP ?? '')).toBe(true);
    await expect(store.create('nope', svc('dry'), { dryRun: true })).rejects.toSatisfy(isNotFound);
    // No namespace at all (POST on the all-namespaces path): `namespaces "" not found`, as before.
    await expect(store.create('', svc('none'), {})).rejects.toSatisfy(isNotFound);

    expect(await ips.used()).toBe(2);
    expect(await storage.currentRev()).toBe(rev);
  });

  it('reports where a taken candidate would move, and undoes earlier claims of the same write', async () => {
    const prefix = `${randomUUID()}:`;
    const redis = client();
    const storage = new RedisStorage(redis, { keyPrefix: prefix });
    const key = `${prefix}bitmap`;
    const shape = { key, max: 8, offset: 2 };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } } as KubeObject;
    await storage.create({ resource: 'namespaces', namespace: '', name: 'ns' }, ns);
    await redis.setbit(key, 5, 1);
    await redis.setbit(key, 6, 1);
    const k = { resource: 'services', namespace: 'ns', name: 'x' };
    const claim = (candidate: number) => ({ ...shape, candidate, dynamicStart: candidate - 2, staticStart: 0 });
    // Candidate 5 taken: the scan from it lands on 7; the free claim before it is given back.
    await expect(storage.create(k, svc('x'), { namespace: 'ns', claims: [claim(3), claim(5)] })).rejects.toEqual(new ClaimMovedError(1, 7));
    expect(await redis.getbit(key, 3)).toBe(0);
    await storage.create(k, svc('x'), { namespace: 'ns', claims: [claim(3), claim(7)] });
    expect(await redis.bitcount(key)).toBe(4);
    // Dynamic band [2, 8) full: the scan goes on in the static band [0, 2), then reports full.
    for (const o of [2, 4]) await redis.setbit(key, o, 1);
    const y = { ...k, name: 'y' };
    await expect(storage.create(y, svc('y'), { namespace: 'ns', claims: [claim(6)] })).rejects.toEqual(new ClaimMovedError(0, 0));
    for (const o of [0, 1]) await redis.setbit(key, o, 1);
    await expect(storage.create(y, svc('y'), { namespace: 'ns', claims: [claim(6)] })).rejects.toEqual(new ClaimFullError(0));
    expect(await storage.get(y)).toBeUndefined();
  });
});
