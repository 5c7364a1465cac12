// PUT takes over the decoded body and PATCH its patched copy (UpdateCall.owned): the old object
// the strategy compares with must stay independent of them, and a conflict retry must start again
// from the body as sent (PUT) or patch the newer object (PATCH).
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest bodies are untyped JSON */
import type { KubeObject } from '@svclab/api';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testServer } from '../../http/test-server.js';
import type { ObjectKey, UpdateOptions } from '../../storage/interface.js';
import { MemoryStorage } from '../../storage/memory.js';

const slicePath = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
const slice = (addressType: string, ready: boolean) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType,
  endpoints: [{ addresses: [addressType === 'IPv4' ? '10.1.0.1' : 'fd00::1'], conditions: { ready } }],
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
});

/** MemoryStorage where another writer slips in before the next `racing` updates (a conflict each). */
class RacingStorage extends MemoryStorage {
  racing = 0;
  override async update(key: ObjectKey, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject> {
    if (this.racing > 0 && opts?.expectedRev !== undefined) {
      this.racing--;
      const cur = await this.get(key);
      if (cur !== undefined) await super.update(key, cur, {});
    }
    return super.update(key, obj, opts);
  }
}

describe('PUT takes over the body', () => {
  it.each([
    { name: 'with a resourceVersion', withRV: true },
    { name: 'without a resourceVersion', withRV: false },
  ])('keeps the old object for immutable-field validation: $name', async ({ withRV }) => {
    const s = await testServer();
    const created = await request(s.app).post(slicePath).send(slice('IPv4', true)).expect(201);
    const body = { ...slice('IPv6', false), metadata: { ...created.body.metadata } };
    if (!withRV) delete body.metadata.resourceVersion;
    const res = await request(s.app).put(`${slicePath}/web-1`).send(body).expect(422);
    expect(res.body.message).toContain('addressType: Invalid value: "IPv6": field is immutable');
    const now = await request(s.app).get(`${slicePath}/web-1`).expect(200);
    expect(now.body).toEqual(created.body);
  });

  it('bumps generation on a spec change (old and new spec compared, not shared)', async () => {
    const s = await testServer();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
    const created = await request(s.app).post('/api/v1/namespaces/default/services').send(svc).expect(201);
    expect(created.body.metadata.generation).toBe(1);
    const next = structuredClone(created.body);
    next.spec.ports[0].port = 81;
    const res = await request(s.app).put('/api/v1/namespaces/default/services/web').send(next).expect(200);
    expect(res.body.metadata.generation).toBe(2);
    expect(res.body.metadata.uid).toBe(created.body.metadata.uid);
    const same = await request(s.app).put('/api/v1/namespaces/default/services/web').send(res.body).expect(200);
    expect(same.body.metadata).toEqual(res.body.metadata);
  });

  it.each([
    { name: 'with a resourceVersion: 409', withRV: true, status: 409 },
    { name: 'without a resourceVersion: retried with the body as sent', withRV: false, status: 200 },
  ])('on a conflict $name', async ({ withRV, status }) => {
    const storage = new RacingStorage();
    const s = await testServer({ storage });
    const created = await request(s.app).post(slicePath).send(slice('IPv4', true)).expect(201);
    const body = { ...slice('IPv4', false), metadata: { ...created.body.metadata } };
    if (!withRV) delete body.metadata.resourceVersion;
    storage.racing = 2;
    const res = await request(s.app).put(`${slicePath}/web-1`).send(body).expect(status);
    if (status !== 200) return;
    expect(res.body.endpoints).toEqual(body.endpoints);
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.body.metadata.resourceVersion) + 2);
    expect(res.body.metadata.uid).toBe(created.body.metadata.uid);
  });
});

describe('PATCH takes over the patched copy', () => {
  it.each([
    { name: 'json', type: 'application/json-patch+json', patch: [{ op: 'replace', path: '/addressType', value: 'IPv6' }] },
    { name: 'merge', type: 'application/merge-patch+json', patch: { addressType: 'IPv6' } },
    { name: 'strategic', type: 'application/strategic-merge-patch+json', patch: { addressType: 'IPv6' } },
  ])('keeps the old object for immutable-field validation: $name', async ({ type, patch }) => {
    const s = await testServer();
    const created = await request(s.app).post(slicePath).send(slice('IPv4', true)).expect(201);
    const res = await request(s.app).patch(`${slicePath}/web-1`).set('Content-Type', type).send(JSON.stringify(patch)).expect(422);
    expect(res.body.message).toContain('addressType: Invalid value: "IPv6": field is immutable');
    const now = await request(s.app).get(`${slicePath}/web-1`).expect(200);
    expect(now.body).toEqual(created.body);
  });

  it('patches the newer object after a conflict, and bumps generation once', async () => {
    const storage = new RacingStorage();
    const s = await testServer({ storage });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
    const created = await request(s.app).post('/api/v1/namespaces/default/services').send(svc).expect(201);
    storage.racing = 2;
    const res = await request(s.app)
      .patch('/api/v1/namespaces/default/services/web')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ metadata: { labels: { a: 'b' } }, spec: { ports: [{ port: 81 }] } }))
      .expect(200);
    expect(res.body.metadata).toMatchObject({ labels: { a: 'b' }, generation: 2, uid: created.body.metadata.uid });
    expect(res.body.spec.ports).toEqual([expect.objectContaining({ port: 81 })]);
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.body.metadata.resourceVersion) + 2);
  });

  it('patches status only through the status subresource', async () => {
    const s = await testServer();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } };
    const created = await request(s.app).post('/api/v1/namespaces/default/services').send(svc).expect(201);
    const res = await request(s.app)
      .patch('/api/v1/namespaces/default/services/web/status')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { ports: [{ port: 81 }] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } }))
      .expect(200);
    expect(res.body.status.loadBalancer.ingress).toEqual([{ ip: '192.0.2.1' }]);
    expect(res.body.spec).toEqual(created.body.spec);
    expect(res.body.metadata.generation).toBe(1);
  });
});
