// RedisStorage write/read throughput against a real redis-server (appendfsync always, as in
// production) and NATS publishing on. Prints a Markdown section for docs/benchmarks.md.
// Run: node --conditions=@svclab/source --import tsx apps/apiserver/bench/storage.bench.ts
import type { KubeObject } from '@svclab/api';
import { startNats, startRedis } from '@svclab/testkit';
import { connect } from 'nats';
import { Redis } from 'ioredis';
import { RedisClusterIPAllocator } from '../src/allocators/cluster-ip.js';
import { createRedisStorage } from '../src/storage/create-redis-storage.js';

const Objects = 10_000;
const Concurrency = 16;

function service(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: `ns-${i % 20}`, labels: { app: `app-${i % 100}`, tier: 'web' }, uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}` },
    spec: {
      type: 'ClusterIP',
      clusterIP: `127.96.${(i >> 8) & 255}.${i & 255}`,
      clusterIPs: [`127.96.${(i >> 8) & 255}.${i & 255}`],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: `app-${i % 100}` },
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  } as unknown as KubeObject;
}

async function timed<T>(n: number, fn: (i: number) => Promise<T>, concurrency = Concurrency): Promise<{ secs: number; lat: number[]; concurrency: number }> {
  let next = 0;
  const lat: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { secs: (performance.now() - start) / 1000, lat: lat.sort((a, b) => a - b), concurrency };
}

const pct = (lat: number[], p: number): string => (lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0).toFixed(2);

const [redis, nats] = await Promise.all([startRedis(), startNats()]);
const nc = await connect({ servers: nats.url });
const storage = await createRedisStorage({ redisUrl: redis.url, natsConnection: nc });
try {
  const rows: string[] = [];
  const row = (what: string, n: number, r: { secs: number; lat: number[]; concurrency: number }): void => {
    rows.push(`| ${what} | ${n} | ${r.concurrency} | ${Math.round(n / r.secs)} | ${pct(r.lat, 0.5)} | ${pct(r.lat, 0.99)} |`);
  };
  row('create', Objects, await timed(Objects, (i) => storage.create({ resource: 'services', namespace: `ns-${i % 20}`, name: `svc-${i}` }, service(i))));
  row('update (CAS on expectedRev)', Objects, await timed(Objects, async (i) => {
    const key = { resource: 'services', namespace: `ns-${i % 20}`, name: `svc-${i}` };
    const cur = await storage.get(key);
    if (cur === undefined) throw new Error('missing');
    await storage.update(key, cur, { expectedRev: Number(cur.metadata.resourceVersion) });
  }));
  row('get', Objects, await timed(Objects, (i) => storage.get({ resource: 'services', namespace: `ns-${i % 20}`, name: `svc-${i}` })));
  row(`list all ${Objects}`, 10, await timed(10, () => storage.list('services'), 1));
  row(`list all ${Objects}, label filter`, 10, await timed(10, () => storage.list('services', { filter: (o) => o.metadata.labels?.['app'] === 'app-7' }), 1));
  row('list one namespace (500)', 100, await timed(100, (i) => storage.list('services', { namespace: `ns-${i % 20}` }), 1));
  row('list page limit=500', 100, await timed(100, () => storage.list('services', { limit: 500, after: 'ns-5/svc-1' }), 1));
  row('replay 1000 events', 100, await timed(100, (i) => storage.replay('services', 12_000 + i * 10, 1000), 1));
  const ipRedis = new Redis(redis.url);
  const ips = new RedisClusterIPAllocator(ipRedis, '127.96.0.0/12', { keyPrefix: 'bench:' });
  row('ClusterIP allocateNext', Objects, await timed(Objects, () => ips.allocateNext()));
  ipRedis.disconnect();
  process.stdout.write(`### apiserver storage (RedisStorage on redis-server, appendfsync always, NATS publishing on)

| operation | ops | concurrency | ops/s | p50 ms | p99 ms |
|---|---|---|---|---|---|
${rows.join('\n')}
`);
} finally {
  await storage.close();
  await nc.close();
  await Promise.all([redis.stop(), nats.stop()]);
}
