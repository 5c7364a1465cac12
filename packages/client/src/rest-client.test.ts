import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '@svclab/api';
import {
  isConflict,
  isNotFound,
  isResourceExpired,
  isStatusError,
  StatusError,
} from '@svclab/apimachinery';
import { configFromEnv, createClient, PatchType, type ClientSet } from './rest-client.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  ua: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let client: ClientSet;
const seen: Seen[] = [];
let connections = 0;

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => {
      resolve(s);
    });
  });
}

const svc: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'prod', resourceVersion: '7' },
  spec: {},
};
const status = (code: number, reason: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Status',
  metadata: {},
  status: 'Failure',
  code,
  reason,
  message,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    void read(req).then((body) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        ua: req.headers['user-agent'],
        contentType: req.headers['content-type'],
        body,
      });
      const url = req.url ?? '';
      const json = (code: number, v: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (url.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ADDED', object: svc })}\n`);
        res.write(
          `${JSON.stringify({ type: 'MODIFIED', object: { ...svc, metadata: { ...svc.metadata, resourceVersion: '8' } } })}\n${JSON.stringify({ type: 'BOOKMARK', object: svc })}\n`,
        );
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (8)') })}\n`,
        );
        return;
      }
      if (url.startsWith('/api/v1/namespaces/prod/services/slow')) return; // never answers
      if (url.startsWith('/api/v1/namespaces/prod/services/missing')) {
        json(404, status(404, 'NotFound', 'services "missing" not found'));
        return;
      }
      if (url.startsWith('/api/v1/namespaces/prod/services/conflict')) {
        json(409, status(409, 'Conflict', 'Operation cannot be fulfilled'));
        return;
      }
      if (url.startsWith('/api/v1/namespaces/prod/services/html')) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
        return;
      }
      if (req.method === 'GET' && /^\/api\/v1\/namespaces\/prod\/services(\?.*)?$/.test(url)) {
        json(200, {
          kind: 'ServiceList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '42' },
          items: [svc],
        });
        return;
      }
      if (req.method === 'DELETE') {
        json(200, status(200, '', ''));
        return;
      }
      json(200, svc);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = createClient({
    server: `http://127.0.0.1:${port}`,
    token: 's3cret',
    userAgent: 'svclab-test/1',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('REST client', () => {
  it.each([
    {
      name: 'create',
      call: () => client.resource('services').create(svc, { result: 'metadata' }),
      method: 'POST',
    },
    {
      name: 'update',
      call: () => client.resource('services').update(svc, { result: 'metadata' }),
      method: 'PUT',
    },
  ])(
    "$name with result: 'metadata' sends the object and resolves to the answer's metadata only",
    async ({ call, method }) => {
      seen.length = 0;
      await expect(call()).resolves.toStrictEqual({ metadata: svc.metadata });
      expect(seen[0]?.method).toBe(method);
      expect(JSON.parse(seen[0]?.body ?? '')).toStrictEqual(svc);
    },
  );

  it("a failed write with result: 'metadata' still rejects with the StatusError", async () => {
    const err: unknown = await client
      .resource('services')
      .update({ ...svc, metadata: { ...svc.metadata, name: 'conflict' } }, { result: 'metadata' })
      .catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
  });

  it.each([
    {
      name: 'get',
      call: () => client.resource('services').namespace('prod').get('web'),
      method: 'GET',
      url: '/api/v1/namespaces/prod/services/web',
    },
    {
      name: 'create takes the namespace from the object',
      call: () => client.resource('services').create(svc),
      method: 'POST',
      url: '/api/v1/namespaces/prod/services',
    },
    {
      name: 'update',
      call: () => client.resource('services').namespace('prod').update(svc),
      method: 'PUT',
      url: '/api/v1/namespaces/prod/services/web',
    },
    {
      name: 'updateStatus',
      call: () => client.resource('services').namespace('prod').updateStatus(svc),
      method: 'PUT',
      url: '/api/v1/namespaces/prod/services/web/status',
    },
    {
      name: 'merge patch',
      call: () =>
        client
          .resource('services')
          .namespace('prod')
          .patch('web', { type: PatchType.MergePatch, data: { metadata: { labels: { a: 'b' } } } }),
      method: 'PATCH',
      url: '/api/v1/namespaces/prod/services/web',
      contentType: 'application/merge-patch+json',
    },
    {
      name: 'cluster-scoped get',
      call: () => client.resource('nodes').get('n1'),
      method: 'GET',
      url: '/api/v1/nodes/n1',
    },
    {
      name: 'group resource list',
      call: () =>
        client.resource('endpointslices').namespace('prod').list({ labelSelector: 'a=b' }),
      method: 'GET',
      url: '/apis/discovery.k8s.io/v1/namespaces/prod/endpointslices?labelSelector=a%3Db',
    },
    {
      name: 'lease create',
      call: () =>
        client
          .resource('leases')
          .namespace('kube-system')
          .create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' } }),
      method: 'POST',
      url: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
    },
    {
      name: 'delete with options',
      call: () =>
        client
          .resource('services')
          .namespace('prod')
          .delete('web', { propagationPolicy: 'Background' }),
      method: 'DELETE',
      url: '/api/v1/namespaces/prod/services/web',
      body: '{"propagationPolicy":"Background"}',
    },
  ])('$name', async ({ call, method, url, contentType, body }) => {
    seen.length = 0;
    await call();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe(method);
    expect(seen[0]?.url).toBe(url);
    expect(seen[0]?.auth).toBe('Bearer s3cret');
    expect(seen[0]?.ua).toBe('svclab-test/1');
    if (contentType !== undefined) expect(seen[0]?.contentType).toBe(contentType);
    if (body !== undefined) expect(seen[0]?.body).toBe(body);
  });

  it('list returns items and the list resourceVersion', async () => {
    const l = await client.resource('services').namespace('prod').list();
    expect(l.metadata.resourceVersion).toBe('42');
    expect(l.items.map((s) => s.metadata.name)).toEqual(['web']);
  });

  it.each([
    { name: 'Status body 404', target: 'missing', check: (e: unknown) => isNotFound(e), code: 404 },
    {
      name: 'Status body 409',
      target: 'conflict',
      check: (e: unknown) => isConflict(e),
      code: 409,
    },
    { name: 'non-JSON body', target: 'html', check: (e: unknown) => isStatusError(e), code: 502 },
  ])('errors decode to StatusError: $name', async ({ target, check, code }) => {
    const err = await client
      .resource('services')
      .namespace('prod')
      .get(target)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(check(err)).toBe(true);
    expect((err as StatusError).status.code).toBe(code);
  });

  it('watch streams events and ends with the ERROR Status', async () => {
    const got: string[] = [];
    let err: unknown;
    try {
      for await (const ev of client
        .resource('services')
        .namespace('prod')
        .watch({ resourceVersion: '1' }))
        got.push(`${ev.type}:${ev.object.metadata.resourceVersion ?? ''}`);
    } catch (e) {
      err = e;
    }
    expect(got).toEqual(['ADDED:7', 'MODIFIED:8']);
    expect(isResourceExpired(err)).toBe(true);
  });

  it('requests one after another share one keep-alive connection', async () => {
    await client.resource('services').namespace('prod').get('web');
    const before = connections;
    for (let i = 0; i < 5; i++) await client.resource('services').namespace('prod').get('web');
    expect(connections).toBe(before);
  });

  it('a client timeout rejects with a Timeout StatusError; the caller aborting rejects with its reason', async () => {
    const { port } = server.address() as AddressInfo;
    const c = createClient({ server: `http://127.0.0.1:${port}`, timeoutMs: 200 });
    const err = await c
      .resource('services')
      .namespace('prod')
      .get('slow')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status.reason).toBe('Timeout');
    expect((err as StatusError).status.message).toContain('client timeout after 200ms');
    const ac = new AbortController();
    const p = c.resource('services').namespace('prod').get('slow', { signal: ac.signal });
    ac.abort();
    const aborted = await p.catch((e: unknown) => e);
    expect(isStatusError(aborted)).toBe(false);
    expect((aborted as Error).name).toBe('AbortError');
  });

  it('with a caller signal that never aborts, the client timeout still rejects with a Timeout StatusError', async () => {
    const { port } = server.address() as AddressInfo;
    const c = createClient({ server: `http://127.0.0.1:${port}`, timeoutMs: 200 });
    const err = await c
      .resource('services')
      .namespace('prod')
      .get('slow', { signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect((err as StatusError).status.reason).toBe('Timeout');
    expect((err as Error).cause).toMatchObject({ name: 'AbortError' });
  });

  it('a connection refused rejects (not a StatusError)', async () => {
    const c = createClient({ server: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await expect(c.resource('services').get('x')).rejects.toThrow();
  });

  it('configFromEnv', () => {
    expect(configFromEnv({ APISERVER_URL: 'http://127.0.0.1:1234', SVCLAB_TOKEN: 't' })).toEqual({
      server: 'http://127.0.0.1:1234',
      token: 't',
    });
    expect(configFromEnv({})).toEqual({ server: 'http://127.0.0.1:6443' });
  });
});
