// The apiserver accepts application/vnd.kubernetes.protobuf request bodies (http/body.ts → decode.ts).
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../http/test-server.js';
import { protobufMagic, protobufMediaType } from './decode.js';
import { encodeKubernetesProtobuf } from './encode.js';

interface Created {
  spec: { clusterIP?: string; replicas?: number } & Record<string, unknown>;
}

const pb = (obj: Record<string, unknown>): Buffer => Buffer.from(encodeKubernetesProtobuf(obj));

describe('protobuf request bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });

  it('creates a Namespace, a Service and a Deployment, answering JSON', async () => {
    await request(s.app)
      .post('/api/v1/namespaces')
      .set('Content-Type', protobufMediaType)
      .set('Accept', `${protobufMediaType}, application/json`)
      .send(pb({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb' } }))
      .expect('Content-Type', /application\/json/)
      .expect(201);
    const svc = await request(s.app)
      .post('/api/v1/namespaces/pb/services')
      .set('Content-Type', protobufMediaType)
      .send(
        pb({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'pb', labels: { app: 'web' } },
          spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }] },
        }),
      )
      .expect(201);
    const svcBody = svc.body as Created;
    expect(svcBody.spec).toMatchObject({ selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    expect(svcBody.spec.clusterIP).toMatch(/^10\./);
    const dep = await request(s.app)
      .post('/apis/apps/v1/namespaces/pb/deployments')
      .set('Content-Type', protobufMediaType)
      .send(
        pb({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'pb' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'svclab/echo' }] } },
          },
        }),
      )
      .expect(201);
    expect((dep.body as Created).spec.replicas).toBe(2);
  });

  it('reads protobuf DeleteOptions on DELETE (dryRun keeps the object)', async () => {
    await request(s.app)
      .post('/api/v1/namespaces')
      .set('Content-Type', protobufMediaType)
      .send(pb({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'keep' } }))
      .expect(201);
    await request(s.app)
      .delete('/api/v1/namespaces/keep')
      .set('Content-Type', protobufMediaType)
      .send(pb({ apiVersion: 'v1', kind: 'DeleteOptions', dryRun: ['All'] }))
      .expect(200);
    const ns = await request(s.app).get('/api/v1/namespaces/keep').expect(200);
    expect((ns.body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeUndefined();
    await request(s.app).delete('/api/v1/namespaces/keep').set('Content-Type', protobufMediaType).send(Buffer.from('junk')).expect(400);
  });

  it.each([
    { name: 'no magic', body: Buffer.from('not protobuf at all'), code: 400, reason: 'BadRequest' },
    { name: 'truncated', body: pb({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cut' } }).subarray(0, 12), code: 400, reason: 'BadRequest' },
    { name: 'magic only', body: Buffer.from(protobufMagic), code: 415, reason: 'UnsupportedMediaType' },
    { name: 'a kind without a schema', body: pb({ apiVersion: 'v1', kind: 'ConfigMap' }), code: 415, reason: 'UnsupportedMediaType' },
  ])('$name → $code $reason', async ({ body, code, reason }) => {
    const res = await request(s.app).post('/api/v1/namespaces').set('Content-Type', protobufMediaType).send(body).expect(code);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', code, reason });
  });
});
