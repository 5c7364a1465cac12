// Create/update/patch responses over RedisStorage are the stored JSON text, sent as is: byte for
// byte what encoding the returned object gives (and what a GET returns), Tables still encoded.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@svclab/api';
import { nopLogger } from '@svclab/telemetry';
import { startRedis, type RedisServer } from '@svclab/testkit';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisClusterIPAllocator, RedisNodePortAllocator } from '../allocators/index.js';
import { ensureBuiltins } from '../registry/bootstrap.js';
import { Registry } from '../registry/registry.js';
import { createServer } from '../server.js';
import { RedisStorage } from '../storage/redis.js';
import { storedJSON } from '../storage/stored-json.js';

let server: RedisServer;
const clients: Redis[] = [];
let app: Express;
let storage: RedisStorage;

beforeAll(async () => {
  server = await startRedis();
  const client = (): Redis => {
    const c = new Redis(server.url, { enableAutoPipelining: true });
    clients.push(c);
    return c;
  };
  const prefix = `${randomUUID()}:`;
  storage = new RedisStorage(client(), { keyPrefix: prefix });
  const allocators = {
    clusterIP: new RedisClusterIPAllocator(client(), '10.96.0.0/24', { keyPrefix: prefix }),
    nodePort: new RedisNodePortAllocator(client(), '30000-32767', { keyPrefix: prefix }),
  };
  const registry = new Registry({ storage, allocators });
  await ensureBuiltins(registry, { serviceCIDR: '10.96.0.0/24' }, nopLogger);
  app = createServer({ storage, allocators, registry, logger: nopLogger });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

const slicePath = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
const slice = (name: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, labels: { 'kubernetes.io/service-name': 'web', '1': 'integer-like-key' }, annotations: { note: 'é\u2028"\\</script>' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.1.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
});

/** The response text must be exactly what encoding its value gives, and what a GET returns. */
async function sameAsEncoded(res: request.Response, path: string): Promise<void> {
  expect(res.text).toBe(JSON.stringify(JSON.parse(res.text)));
  const get = await request(app).get(path).expect(200);
  expect(res.text).toBe(get.text);
  expect(res.headers['content-type']).toBe('application/json');
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
}

describe('write responses over RedisStorage', () => {
  it('the storage hands the stored text on for creates and updates, not deletes', async () => {
    const key = { resource: 'configmaps', namespace: 'default', name: `cm-${randomUUID()}` };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key.name, namespace: 'default' }, data: { a: 'b' } } as KubeObject;
    const created = await storage.create(key, cm);
    expect(storedJSON(created)).toBe(JSON.stringify(created));
    const updated = await storage.update(key, { ...created, data: { a: 'c' } } as KubeObject);
    expect(storedJSON(updated)).toBe(JSON.stringify(updated));
    expect(storedJSON(await storage.delete(key))).toBeUndefined();
  });

  it('POST, PUT, PATCH and PUT status send the stored text', async () => {
    const created = await request(app).post(slicePath).send(slice('web-1')).expect(201);
    await sameAsEncoded(created, `${slicePath}/web-1`);
    const next = JSON.parse(created.text) as { endpoints: { conditions: { ready: boolean } }[] };
    next.endpoints[0]!.conditions.ready = false;
    const put = await request(app).put(`${slicePath}/web-1`).send(next).expect(200);
    await sameAsEncoded(put, `${slicePath}/web-1`);
    const patch = await request(app)
      .patch(`${slicePath}/web-1`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ metadata: { annotations: { x: 'y' } } }))
      .expect(200);
    await sameAsEncoded(patch, `${slicePath}/web-1`);
    const svc = await request(app)
      .post('/api/v1/namespaces/default/services')
      .send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } })
      .expect(201);
    await sameAsEncoded(svc, '/api/v1/namespaces/default/services/web');
    const status = JSON.parse(svc.text) as Record<string, unknown>;
    status['status'] = { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } };
    const st = await request(app).put('/api/v1/namespaces/default/services/web/status').send(status).expect(200);
    await sameAsEncoded(st, '/api/v1/namespaces/default/services/web');
  });

  it('a PUT without changes sends the current object; Tables are still encoded', async () => {
    const created = await request(app).post(slicePath).send(slice('web-2')).expect(201);
    const same = await request(app).put(`${slicePath}/web-2`).send(JSON.parse(created.text)).expect(200);
    expect(same.text).toBe(created.text);
    const table = await request(app)
      .put(`${slicePath}/web-2`)
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
      .send({ ...slice('web-2'), ports: [{ name: 'http', port: 81, protocol: 'TCP' }] })
      .expect(200);
    expect(JSON.parse(table.text)).toMatchObject({ kind: 'Table', rows: [expect.anything()] });
  });
});
