// Integration: the real apiserver (built dist) on real NATS/Redis, the cloud-provider process
// (from source), and fake NodePort / health-check listeners on two node IPs (127.0.1.221/222, away
// from the node IPs of a local cluster that may be running).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Service } from '@svclab/api';
import { createClient, type ClientSet } from '@svclab/client';
import { freePort, startNats, startProcess, startRedis, waitForPort, type ManagedProcess, type NatsServer, type RedisServer } from '@svclab/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const apiserverMain = join(root, 'apps/apiserver/dist/main.js');
const POOL = '127.209.0.0/28';
const NODES = [
  { name: 'node-1', ip: '127.0.1.221' },
  { name: 'node-2', ip: '127.0.1.222' },
];

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One TCP exchange: connect (optionally from `localAddress`), read until close. Resolves '' when refused/closed without data. */
function exchange(host: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((res) => {
    const s = connect({ host, port, ...(localAddress === undefined ? {} : { localAddress }) });
    let out = '';
    s.on('data', (b) => (out += b.toString()));
    s.on('error', () => { res(out); });
    s.on('close', () => { res(out); });
  });
}

/** A fake NodePort: answers `<node> <client address>` and closes. */
function fakeNodePort(node: string, ip: string, port: number): Promise<Server> {
  return new Promise((res, rej) => {
    const srv = createServer((s) => { s.end(`${node} ${s.remoteAddress ?? ''}`); });
    srv.once('error', rej);
    srv.listen(port, ip, () => { res(srv); });
  });
}

function fakeHealth(ip: string, port: number, code: number): Promise<HttpServer> {
  return new Promise((res, rej) => {
    const srv = createHttpServer((_, r) => { r.writeHead(code, { 'content-type': 'application/json' }); r.end('{}'); });
    srv.once('error', rej);
    srv.listen(port, ip, () => { res(srv); });
  });
}

const lbService = (name: string, spec: Partial<NonNullable<Service['spec']>> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 8080 + name.length, protocol: 'TCP', targetPort: 8080 }], ...spec },
});

describe.skipIf(!existsSync(apiserverMain))('cloud-provider against a real apiserver', () => {
  let nats: NatsServer;
  let redis: RedisServer;
  let apiserver: ManagedProcess;
  let provider: ManagedProcess | undefined;
  let client: ClientSet;
  let metricsPort: number;
  let env: string[];
  const closers: (() => Promise<void>)[] = [];

  const startProvider = async (): Promise<ManagedProcess> => {
    const p = startProcess('env', [
      ...env,
      process.execPath, '--conditions=@svclab/source', '--import', 'tsx', join(root, 'apps/cloud-provider/src/main.ts'),
      `--lb-pool=${POOL}`, `--metrics-bind-address=127.0.0.1:${metricsPort}`, '--node-health-check-period=300ms',
    ]);
    await until('cloud-provider /readyz', async () => ((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200 ? true : undefined));
    return p;
  };

  const ingressOf = (name: string): Promise<string> =>
    until(`ingress of ${name}`, async () => {
      const s = await client.resource('services').namespace('default').get(name);
      return s.status?.loadBalancer?.ingress?.[0]?.ip;
    });

  /** `<type> <reason>: <message>` of the service-controller's Events on Service `name`, in order. */
  const eventsOf = async (name: string): Promise<string[]> => {
    const list = await client.resource('events').namespace('default').list({ fieldSelector: `involvedObject.name=${name}` });
    return list.items
      .filter((e) => e.source?.component === 'service-controller' && e.involvedObject.kind === 'Service')
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
      .map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
  };

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    const port = await freePort();
    apiserver = startProcess('env', [`REDIS_URL=${redis.url}`, `NATS_URL=${nats.url}`, 'LOG_LEVEL=warn', process.execPath, apiserverMain, '--bind-address=127.0.0.1', `--secure-port=${port}`, '--service-cluster-ip-range=127.96.0.0/12']);
    await waitForPort('127.0.0.1', port, 30_000);
    const url = `http://127.0.0.1:${port}`;
    await until('apiserver /readyz', async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined));
    client = createClient({ server: url });
    for (const n of NODES) {
      const created = await client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name } });
      await client.resource('nodes').updateStatus({
        ...created,
        status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: n.ip }] },
      });
    }
    metricsPort = await freePort();
    env = [`APISERVER_URL=${url}`, `NATS_URL=${nats.url}`, 'LOG_LEVEL=info'];
    provider = await startProvider();
  });

  afterAll(async () => {
    await provider?.stop(10_000);
    for (const c of closers) await c();
    await apiserver.stop(10_000);
    await Promise.all([nats.stop(), redis.stop()]);
  });

  it('assigns a pool address through services/status and forwards round-robin to every Ready node', async () => {
    const svc = await client.resource('services').namespace('default').create(lbService('web'));
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThan(0);
    for (const n of NODES) {
      const srv = await fakeNodePort(n.name, n.ip, nodePort);
      closers.push(() => new Promise((r) => srv.close(() => { r(); })));
    }
    const ip = await ingressOf('web');
    expect(ip).toBe('127.209.0.1');
    expect(await until('LB events of web', async () => ((await eventsOf('web')).length === 2 ? eventsOf('web') : undefined))).toEqual([
      'Normal EnsuringLoadBalancer: Ensuring load balancer',
      'Normal EnsuredLoadBalancer: Ensured load balancer',
    ]);
    const got = await client.resource('services').namespace('default').get('web');
    expect(got.status?.loadBalancer?.ingress).toEqual([{ ip, ipMode: 'VIP' }]);
    const port = got.spec?.ports?.[0]?.port ?? 0;
    await until('LB listener answers', async () => ((await exchange(ip, port)) !== '' ? true : undefined));
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await exchange(ip, port)).split(' ')[0] ?? '');
    expect([...seen].sort()).toEqual(['node-1', 'node-2']);
  });

  it('honours spec.loadBalancerIP and enforces loadBalancerSourceRanges on the client address', async () => {
    const svc = await client.resource('services').namespace('default').create(lbService('ranged', { loadBalancerIP: '127.209.0.9', loadBalancerSourceRanges: ['127.0.0.0/30'] }));
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    for (const n of NODES) {
      const srv = await fakeNodePort(n.name, n.ip, nodePort);
      closers.push(() => new Promise((r) => srv.close(() => { r(); })));
    }
    expect(await ingressOf('ranged')).toBe('127.209.0.9');
    const port = svc.spec?.ports?.[0]?.port ?? 0;
    await until('allowed client answered', async () => ((await exchange('127.209.0.9', port, '127.0.0.2')) !== '' ? true : undefined));
    expect(await exchange('127.209.0.9', port, '127.0.0.9')).toBe('');
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/svclab_cloud_provider_connections_total\{result="refused"\} [1-9]/);
  });

  it('externalTrafficPolicy Local: only nodes whose health-check node port answers 200, client address kept', async () => {
    const svc = await client.resource('services').namespace('default').create(lbService('local', { externalTrafficPolicy: 'Local' }));
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    const hc = svc.spec?.healthCheckNodePort ?? 0;
    expect(hc).toBeGreaterThan(0);
    for (const n of NODES) {
      const srv = await fakeNodePort(n.name, n.ip, nodePort);
      const h = await fakeHealth(n.ip, hc, n.name === 'node-2' ? 200 : 503);
      closers.push(() => new Promise((r) => srv.close(() => { r(); })), () => new Promise((r) => h.close(() => { r(); })));
    }
    const ip = await ingressOf('local');
    const port = svc.spec?.ports?.[0]?.port ?? 0;
    await until('LB listener answers', async () => ((await exchange(ip, port)) !== '' ? true : undefined));
    for (let i = 0; i < 4; i++) expect(await exchange(ip, port, '127.0.0.77')).toBe('node-2 127.0.0.77');
  });

  it('a loadBalancerIP outside the pool stays pending with a SyncLoadBalancerFailed Warning', async () => {
    await client.resource('services').namespace('default').create(lbService('outside', { loadBalancerIP: '127.208.0.5' }));
    const events = await until('SyncLoadBalancerFailed', async () => {
      const e = await eventsOf('outside');
      return e.some((x) => x.includes('SyncLoadBalancerFailed')) ? e : undefined;
    });
    expect(events).toEqual([
      'Normal EnsuringLoadBalancer: Ensuring load balancer',
      `Warning SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: requested loadBalancerIP 127.208.0.5 is outside the LoadBalancer pool ${POOL} or in use`,
    ]);
    const got = await client.resource('services').namespace('default').get('outside');
    expect(got.status?.loadBalancer?.ingress).toBeUndefined();
    await client.resource('services').namespace('default').delete('outside');
  });

  it('clears the status and closes the listener when the type changes away from LoadBalancer', async () => {
    const svcs = client.resource('services').namespace('default');
    await svcs.create(lbService('flip'));
    const ip = await ingressOf('flip');
    const cur = await svcs.get('flip');
    const port = cur.spec?.ports?.[0]?.port ?? 0;
    await until('listener bound', () => new Promise<true | undefined>((r) => {
      const s = connect({ host: ip, port }, () => { s.destroy(); r(true); });
      s.on('error', () => { r(undefined); });
    }));
    const spec = structuredClone(cur.spec ?? {});
    spec.type = 'ClusterIP';
    for (const p of spec.ports ?? []) delete p.nodePort;
    delete spec.externalTrafficPolicy;
    await svcs.update({ ...cur, spec });
    await until('status cleared', async () => ((await svcs.get('flip')).status?.loadBalancer?.ingress === undefined ? true : undefined));
    expect(await until('LB events of flip', async () => ((await eventsOf('flip')).length === 4 ? eventsOf('flip') : undefined))).toEqual([
      'Normal EnsuringLoadBalancer: Ensuring load balancer',
      'Normal EnsuredLoadBalancer: Ensured load balancer',
      'Normal DeletingLoadBalancer: Deleting load balancer',
      'Normal DeletedLoadBalancer: Deleted load balancer',
    ]);
    await until('listener closed', () => new Promise<true | undefined>((r) => {
      const s = connect({ host: ip, port }, () => { s.destroy(); r(undefined); });
      s.on('error', () => { r(true); });
    }));
  });

  it('keeps every address across a restart and hands a new Service a free one', async () => {
    const svcs = client.resource('services').namespace('default');
    const before = new Map<string, string>();
    for (const name of ['web', 'ranged', 'local']) before.set(name, await ingressOf(name));
    await provider?.stop(10_000);
    provider = await startProvider();
    await svcs.create(lbService('after'));
    const fresh = await ingressOf('after');
    expect([...before.values()]).not.toContain(fresh);
    for (const [name, ip] of before) expect(await ingressOf(name)).toBe(ip);
  });
});
