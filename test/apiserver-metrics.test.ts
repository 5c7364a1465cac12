// E2E: the built apiserver (Redis + NATS) serves upstream's request metrics and the storage metrics
// on /metrics: objects per resource, the revision, change events and each Redis round trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';

describe('apiserver /metrics', () => {
  let api: ApiserverHandle;
  beforeAll(async () => {
    api = await startApiserver();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('counts requests, stored objects and the Redis round trips of each storage operation', async () => {
    for (const name of ['m1', 'm2']) {
      const res = await fetch(`${api.url}/api/v1/namespaces/default/services`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } }),
      });
      expect(res.status).toBe(201);
    }
    const got = await fetch(`${api.url}/api/v1/namespaces/default/services/m1`);
    expect(got.status).toBe(200);
    const m = await (await fetch(`${api.url}/metrics`)).text();
    expect(m).toMatch(/^apiserver_request_total\{verb="POST",.*resource="services".*code="201"\} 2$/m);
    // Two created here plus the built-in `kubernetes` Service.
    expect(m).toContain('apiserver_storage_objects{resource="services"} 3');
    // The `kubernetes` Service's create at startup is counted too.
    expect(m).toMatch(/^svclab_apiserver_storage_request_duration_seconds_count\{operation="create",resource="services"\} 3$/m);
    expect(m).toMatch(/^svclab_apiserver_storage_request_duration_seconds_count\{operation="get",resource="services"\} [1-9]\d*$/m);
    expect(m).toMatch(/^svclab_apiserver_change_events_published_total [1-9]\d*$/m);
  });
});
