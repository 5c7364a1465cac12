import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from './health-server.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startHealthServer', () => {
  it.each([
    { name: 'healthz', path: '/healthz', ready: false, code: 200 },
    { name: 'livez', path: '/livez', ready: false, code: 200 },
    { name: 'readyz before ready', path: '/readyz', ready: false, code: 503 },
    { name: 'readyz once ready', path: '/readyz', ready: true, code: 200 },
    { name: 'unknown path', path: '/nope', ready: true, code: 404 },
  ])('$name → $code', async ({ path, ready, code }) => {
    server = await startHealthServer('127.0.0.1:0', { registry: new Registry(), ready: () => ready });
    const res = await fetch(`http://${server.address}${path}`);
    expect(res.status).toBe(code);
  });

  it('serves the registry in Prometheus text', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app: 'x' });
    const { Counter } = await import('prom-client');
    new Counter({ name: 'svclab_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    server = await startHealthServer('127.0.0.1:0', { registry, ready: () => true });
    const body = await (await fetch(`http://${server.address}/metrics`)).text();
    expect(body).toContain('svclab_test_total{app="x"} 3');
  });
});
