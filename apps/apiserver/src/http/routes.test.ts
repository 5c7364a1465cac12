// Component tests: the express app over MemoryStorage, driven with supertest.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- supertest bodies are untyped JSON */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.js';
import { testServer, type TestServer } from './test-server.js';

const svc = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: name } as Record<string, string> },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...extra },
});

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});

describe('built-in state', () => {
  it('has the system namespaces and the kubernetes service on the first IP', async () => {
    const ns = await request(s.app).get('/api/v1/namespaces').expect(200);
    expect(ns.body.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort()).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    expect(ns.body.items[0].status.phase).toBe('Active');
    const k = await request(s.app).get('/api/v1/namespaces/default/services/kubernetes').expect(200);
    expect(k.body.spec.clusterIP).toBe('10.96.0.1');
    expect(k.body.spec.ports[0]).toMatchObject({ name: 'https', port: 443 });
  });
});

describe('CRUD', () => {
  it('creates with uid, creationTimestamp, generation and an allocated clusterIP', async () => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services').send(svc('web')).expect(201);
    expect(res.body.metadata).toMatchObject({ name: 'web', namespace: 'default', generation: 1 });
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(res.body.spec.clusterIPs).toEqual([res.body.spec.clusterIP]);
    await request(s.app).get('/api/v1/namespaces/default/services/web').expect(200);
  });

  it('generates names from generateName', async () => {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { generateName: 'web-' }, spec: { ports: [{ port: 80 }] } };
    const res = await request(s.app).post('/api/v1/namespaces/default/services').send(body).expect(201);
    expect(res.body.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  const errorCases = [
    {
      name: 'missing namespace',
      path: '/api/v1/namespaces/nope/services',
      body: svc('a'),
      code: 404,
      message: 'namespaces "nope" not found',
    },
    {
      name: 'duplicate',
      path: '/api/v1/namespaces/default/services',
      body: svc('kubernetes'),
      code: 409,
      message: 'services "kubernetes" already exists',
    },
    {
      name: 'namespace mismatch',
      path: '/api/v1/namespaces/default/services',
      body: { ...svc('a'), metadata: { name: 'a', namespace: 'other' } },
      code: 400,
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    },
    {
      name: 'no name',
      path: '/api/v1/namespaces/default/services',
      body: { apiVersion: 'v1', kind: 'Service', metadata: {}, spec: {} },
      code: 422,
      message: 'Service "" is invalid: metadata.name: Required value: name or generateName is required',
    },
    {
      name: 'requested clusterIP taken',
      path: '/api/v1/namespaces/default/services',
      body: svc('a', { clusterIP: '10.96.0.1' }),
      code: 422,
      message:
        'Service "a" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    },
    {
      name: 'requested clusterIP out of range',
      path: '/api/v1/namespaces/default/services',
      body: svc('a', { clusterIP: '10.1.0.5' }),
      code: 422,
      message:
        'Service "a" is invalid: spec.clusterIPs: Invalid value: ["10.1.0.5"]: failed to allocate IP 10.1.0.5: the provided IP (10.1.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    },
    {
      name: 'nodePort out of range',
      path: '/api/v1/namespaces/default/services',
      body: svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }),
      code: 422,
      message:
        'Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    },
    {
      name: 'unknown resource',
      path: '/api/v1/namespaces/default/widgets',
      body: svc('a'),
      code: 404,
      message: 'the server could not find the requested resource',
    },
  ];
  it.each(errorCases)('rejects: $name', async ({ path, body, code, message }) => {
    const res = await request(s.app).post(path).send(body).expect(code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message });
  });

  it('updates with a conflict on a stale resourceVersion and bumps generation on spec change', async () => {
    const created = (await request(s.app).post('/api/v1/namespaces/default/services').send(svc('web')).expect(201)).body;
    const next = structuredClone(created);
    next.spec.ports[0].port = 81;
    const updated = (await request(s.app).put('/api/v1/namespaces/default/services/web').send(next).expect(200)).body;
    expect(updated.metadata.generation).toBe(2);
    expect(updated.spec.clusterIP).toBe(created.spec.clusterIP);
    const stale = await request(s.app).put('/api/v1/namespaces/default/services/web').send(next).expect(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    // A label-only change keeps the generation.
    const labelled = structuredClone(updated);
    labelled.metadata.labels.tier = 'x';
    const l = (await request(s.app).put('/api/v1/namespaces/default/services/web').send(labelled).expect(200)).body;
    expect(l.metadata.generation).toBe(2);
  });

  it('keeps the clusterIP on a PUT without it', async () => {
    const created = (await request(s.app).post('/api/v1/namespaces/default/services').send(svc('web')).expect(201)).body;
    const body = svc('web');
    const res = await request(s.app).put('/api/v1/namespaces/default/services/web').send(body).expect(200);
    expect(res.body.spec.clusterIP).toBe(created.spec.clusterIP);
  });

  it('keeps status on update and spec on /status', async () => {
    await request(s.app).post('/api/v1/namespaces/default/services').send(svc('lb', { type: 'LoadBalancer' })).expect(201);
    const cur = (await request(s.app).get('/api/v1/namespaces/default/services/lb').expect(200)).body;
    const st = structuredClone(cur);
    st.status = { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } };
    st.spec.ports[0].port = 9999;
    const afterStatus = (await request(s.app).put('/api/v1/namespaces/default/services/lb/status').send(st).expect(200)).body;
    expect(afterStatus.status.loadBalancer.ingress[0].ip).toBe('127.200.0.1');
    expect(afterStatus.spec.ports[0].port).toBe(80);
    const main = structuredClone(afterStatus);
    main.status = {};
    const afterMain = (await request(s.app).put('/api/v1/namespaces/default/services/lb').send(main).expect(200)).body;
    expect(afterMain.status.loadBalancer.ingress[0].ip).toBe('127.200.0.1');
  });

  it('allocates nodePorts and a healthCheckNodePort, and releases them on delete', async () => {
    const body = svc('np', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 31080 }] });
    const res = (await request(s.app).post('/api/v1/namespaces/default/services').send(body).expect(201)).body;
    expect(res.spec.ports[0].nodePort).toBe(31080);
    expect(res.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    const taken = await request(s.app)
      .post('/api/v1/namespaces/default/services')
      .send(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }] }))
      .expect(422);
    expect(taken.body.message).toContain('spec.ports[0].nodePort: Invalid value: 31080: provided port is already allocated');
    await request(s.app).delete('/api/v1/namespaces/default/services/np').expect(200);
    await request(s.app)
      .post('/api/v1/namespaces/default/services')
      .send(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }], clusterIP: res.spec.clusterIP }))
      .expect(201);
  });

  it('releases a node port when the type changes to ClusterIP', async () => {
    const created = (
      await request(s.app)
        .post('/api/v1/namespaces/default/services')
        .send(svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] }))
        .expect(201)
    ).body;
    const next = structuredClone(created);
    next.spec.type = 'ClusterIP';
    delete next.spec.ports[0].nodePort;
    delete next.spec.externalTrafficPolicy;
    await request(s.app).put('/api/v1/namespaces/default/services/np').send(next).expect(200);
    await request(s.app)
      .post('/api/v1/namespaces/default/services')
      .send(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] }))
      .expect(201);
  });

  it('dryRun=All stores nothing and releases the allocation', async () => {
    const res = await request(s.app)
      .post('/api/v1/namespaces/default/services?dryRun=All')
      .send(svc('dry', { clusterIP: '10.96.0.50' }))
      .expect(201);
    expect(res.body.spec.clusterIP).toBe('10.96.0.50');
    await request(s.app).get('/api/v1/namespaces/default/services/dry').expect(404);
    await request(s.app).post('/api/v1/namespaces/default/services').send(svc('real', { clusterIP: '10.96.0.50' })).expect(201);
  });

  it('deletes pods gracefully, at once with gracePeriodSeconds=0', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'echo' }], terminationGracePeriodSeconds: 5 },
    };
    const created = (await request(s.app).post('/api/v1/namespaces/default/pods').send(pod).expect(201)).body;
    expect(created.status.phase).toBe('Pending');
    const del = (await request(s.app).delete('/api/v1/namespaces/default/pods/p').expect(200)).body;
    expect(del.metadata.deletionTimestamp).toBeDefined();
    expect(del.metadata.deletionGracePeriodSeconds).toBe(5);
    await request(s.app).get('/api/v1/namespaces/default/pods/p').expect(200);
    await request(s.app).delete('/api/v1/namespaces/default/pods/p?gracePeriodSeconds=0').expect(200);
    await request(s.app).get('/api/v1/namespaces/default/pods/p').expect(404);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    const body = { ...svc('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } };
    const created = (await request(s.app).post('/api/v1/namespaces/default/services').send(body).expect(201)).body;
    const del = (await request(s.app).delete('/api/v1/namespaces/default/services/fin').expect(200)).body;
    expect(del.metadata.deletionTimestamp).toBeDefined();
    await request(s.app).get('/api/v1/namespaces/default/services/fin').expect(200);
    await request(s.app)
      .patch('/api/v1/namespaces/default/services/fin')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ metadata: { finalizers: null } }))
      .expect(200);
    await request(s.app).get('/api/v1/namespaces/default/services/fin').expect(404);
    // Its clusterIP went back to the allocator.
    await request(s.app).post('/api/v1/namespaces/default/services').send(svc('reuse', { clusterIP: created.spec.clusterIP })).expect(201);
  });

  it('garbage-collects dependents by ownerReferences (Background, Orphan, several owners)', async () => {
    const owner = async (name: string) =>
      (await request(s.app).post('/api/v1/namespaces/default/services').send(svc(name)).expect(201)).body as {
        metadata: { name: string; uid: string };
      };
    const a = await owner('owner-a');
    const b = await owner('owner-b');
    const ref = (o: { metadata: { name: string; uid: string } }) => ({
      apiVersion: 'v1',
      kind: 'Service',
      name: o.metadata.name,
      uid: o.metadata.uid,
      controller: true,
    });
    const slice = (name: string, owners: unknown[]) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, ownerReferences: owners, labels: { 'kubernetes.io/service-name': 'owner-a' } },
      addressType: 'IPv4',
      endpoints: [],
      ports: [],
    });
    const path = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
    await request(s.app).post(path).send(slice('only-a', [ref(a)])).expect(201);
    await request(s.app).post(path).send(slice('a-and-b', [ref(a), { ...ref(b), controller: false }])).expect(201);
    await request(s.app).delete('/api/v1/namespaces/default/services/owner-a').expect(200);
    await request(s.app).get(`${path}/only-a`).expect(404);
    const shared = (await request(s.app).get(`${path}/a-and-b`).expect(200)).body;
    expect(shared.metadata.ownerReferences.map((r: { name: string }) => r.name)).toEqual(['owner-b']);
    await request(s.app).delete('/api/v1/namespaces/default/services/owner-b?propagationPolicy=Orphan').expect(200);
    const orphan = (await request(s.app).get(`${path}/a-and-b`).expect(200)).body;
    expect(orphan.metadata.ownerReferences).toBeUndefined();
  });

  it('refuses to delete the immortal namespaces', async () => {
    const res = await request(s.app).delete('/api/v1/namespaces/default').expect(403);
    expect(res.body).toMatchObject({ reason: 'Forbidden', message: 'namespaces "default" is forbidden: this namespace may not be deleted' });
    await request(s.app).get('/api/v1/namespaces/default/services/kubernetes').expect(200);
  });

  it('deleting a namespace removes everything in it', async () => {
    await request(s.app).post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }).expect(201);
    await request(s.app).post('/api/v1/namespaces/team/services').send(svc('a')).expect(201);
    await request(s.app).delete('/api/v1/namespaces/team').expect(200);
    await request(s.app).get('/api/v1/namespaces/team/services/a').expect(404);
    await request(s.app).get('/api/v1/namespaces/team').expect(404);
  });

  it('serves scale and binding subresources', async () => {
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'echo' }] } } },
    };
    await request(s.app).post('/apis/apps/v1/namespaces/default/deployments').send(deploy).expect(201);
    const scale = (await request(s.app).get('/apis/apps/v1/namespaces/default/deployments/d/scale').expect(200)).body;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=d' } });
    await request(s.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/d/scale')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { replicas: 5 } }))
      .expect(200);
    const d = (await request(s.app).get('/apis/apps/v1/namespaces/default/deployments/d').expect(200)).body;
    expect(d.spec.replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);

    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'echo' }] } };
    await request(s.app).post('/api/v1/namespaces/default/pods').send(pod).expect(201);
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } };
    await request(s.app).post('/api/v1/namespaces/default/pods/p/binding').send(binding).expect(201);
    const again = await request(s.app).post('/api/v1/namespaces/default/pods/p/binding').send(binding).expect(409);
    expect(again.body.message).toContain('pod p is already assigned to node "node-1"');
    const bound = (await request(s.app).get('/api/v1/namespaces/default/pods/p').expect(200)).body;
    expect(bound.spec.nodeName).toBe('node-1');
  });
});

describe('list', () => {
  beforeEach(async () => {
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      const body = svc(name);
      body.metadata.labels = { app: name, tier: i % 2 === 0 ? 'front' : 'back' };
      await request(s.app).post('/api/v1/namespaces/default/services').send(body).expect(201);
    }
  });

  const selectorCases = [
    { name: 'label equality', query: 'labelSelector=tier%3Dfront', want: ['a', 'c', 'e'] },
    { name: 'label set', query: 'labelSelector=app+in+(a,b)', want: ['a', 'b'] },
    { name: 'field name', query: 'fieldSelector=metadata.name%3Dd', want: ['d'] },
    { name: 'field not', query: 'fieldSelector=metadata.name!%3Dkubernetes,metadata.namespace%3Ddefault&labelSelector=tier%3Dback', want: ['b', 'd'] },
  ];
  it.each(selectorCases)('selects by $name', async ({ query, want }) => {
    const res = await request(s.app).get(`/api/v1/namespaces/default/services?${query}`).expect(200);
    expect(res.body.kind).toBe('ServiceList');
    expect(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(want);
  });

  it('rejects unknown field selectors and bad label selectors with 400', async () => {
    const a = await request(s.app).get('/api/v1/services?fieldSelector=spec.foo%3Dx').expect(400);
    expect(a.body.message).toBe('field label not supported: spec.foo');
    const b = await request(s.app).get('/api/v1/services?labelSelector=a+in+b').expect(400);
    expect(b.body.reason).toBe('BadRequest');
  });

  it('pages with limit and continue', async () => {
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const res = await request(s.app)
        .get('/api/v1/namespaces/default/services')
        .query({ limit: 2, ...(cont ? { continue: cont } : {}) })
        .expect(200);
      pages++;
      seen.push(...res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = res.body.metadata.continue;
      if (cont) expect(res.body.metadata.remainingItemCount).toBeGreaterThan(0);
    } while (cont);
    expect(pages).toBe(3);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'kubernetes']);
    const bad = await request(s.app).get('/api/v1/namespaces/default/services?limit=1&continue=garbage').expect(400);
    expect(bad.body.message).toContain('continue key is not valid');
  });

  it('lists across namespaces and answers Tables', async () => {
    const all = await request(s.app).get('/api/v1/services').expect(200);
    expect(all.body.items).toHaveLength(6);
    const t = await request(s.app)
      .get('/api/v1/namespaces/default/services?limit=500')
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json')
      .expect(200);
    expect(t.body.kind).toBe('Table');
    expect(t.body.rows).toHaveLength(6);
    expect(t.body.metadata.resourceVersion).toMatch(/^\d+$/);
  });
});

describe('patch', () => {
  beforeEach(async () => {
    await request(s.app).post('/api/v1/namespaces/default/services').send(svc('web')).expect(201);
  });
  const cases = [
    { name: 'merge', type: 'application/merge-patch+json', body: { metadata: { labels: { x: '1' } } } },
    { name: 'strategic', type: 'application/strategic-merge-patch+json', body: { metadata: { labels: { x: '1' } } } },
    { name: 'json', type: 'application/json-patch+json', body: [{ op: 'add', path: '/metadata/labels/x', value: '1' }] },
  ];
  it.each(cases)('$name patch', async ({ type, body }) => {
    const res = await request(s.app)
      .patch('/api/v1/namespaces/default/services/web')
      .set('Content-Type', type)
      .send(JSON.stringify(body))
      .expect(200);
    expect(res.body.metadata.labels).toMatchObject({ app: 'web' });
  });

  it('server-side apply creates, then merges', async () => {
    const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    const c = await request(s.app)
      .patch('/api/v1/namespaces/default/services/ssa?fieldManager=kubectl')
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify(applied))
      .expect(201);
    expect(c.body.metadata.managedFields[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });
    const next = { ...applied, metadata: { ...applied.metadata, labels: { a: 'b' } } };
    const u = await request(s.app)
      .patch('/api/v1/namespaces/default/services/ssa?fieldManager=kubectl')
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify(next))
      .expect(200);
    expect(u.body.metadata.labels).toEqual({ a: 'b' });
    expect(u.body.spec.clusterIP).toBe(c.body.spec.clusterIP);
    // A label added by another writer survives; the one the manager stops applying goes.
    await request(s.app)
      .patch('/api/v1/namespaces/default/services/ssa')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ metadata: { labels: { other: 'x' } } }))
      .expect(200);
    const dropped = await request(s.app)
      .patch('/api/v1/namespaces/default/services/ssa?fieldManager=kubectl')
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify(applied))
      .expect(200);
    expect(dropped.body.metadata.labels).toEqual({ other: 'x' });
    expect(dropped.body.metadata.managedFields.find((m: { manager: string }) => m.manager === 'kubectl').fieldsV1).toEqual({
      'f:spec': { 'f:ports': {} },
    });
    const noManager = await request(s.app)
      .patch('/api/v1/namespaces/default/services/ssa')
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify(next))
      .expect(400);
    expect(noManager.body.message).toContain('fieldManager is required');
  });

  it('404 for a merge patch of a missing object', async () => {
    await request(s.app)
      .patch('/api/v1/namespaces/default/services/missing')
      .set('Content-Type', 'application/merge-patch+json')
      .send('{}')
      .expect(404);
  });
});

describe('bad input', () => {
  it('413 for a body over 3 MiB', async () => {
    const big = { ...svc('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } } };
    const res = await request(s.app).post('/api/v1/namespaces/default/services').send(big).expect(413);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
  });

  const malformed = [
    { name: 'broken JSON', type: 'application/json', body: '{"apiVersion": ' },
    { name: 'broken YAML', type: 'application/yaml', body: 'metadata: [unclosed' },
    { name: 'a JSON array', type: 'application/json', body: '[1,2]' },
    { name: 'metadata not an object', type: 'application/json', body: '{"metadata": 5}' },
    { name: 'wrong kind', type: 'application/json', body: '{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x"}}' },
  ];
  it.each(malformed)('400 for $name', async ({ type, body }) => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services').set('Content-Type', type).send(body).expect(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  it('accepts YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: y\nspec:\n  ports:\n  - port: 80\n';
    await request(s.app).post('/api/v1/namespaces/default/services').set('Content-Type', 'application/yaml').send(yaml).expect(201);
  });

  it('415 for an unknown content type', async () => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services').set('Content-Type', 'text/plain').send('x').expect(415);
    expect(res.body.reason).toBe('UnsupportedMediaType');
  });

  it('405 for a PUT on a collection', async () => {
    const res = await request(s.app).put('/api/v1/namespaces/default/services').send(svc('a')).expect(405);
    expect(res.body.reason).toBe('MethodNotAllowed');
  });
});

describe('auth', () => {
  it('answers 401 without a known bearer token, lets probes through', async () => {
    const tokens = new Map([['s3cret', { name: 'admin', uid: '1', groups: ['system:masters'] }]]);
    const t = await testServer({ extra: { tokens } });
    const res = await request(t.app).get('/api/v1/namespaces').expect(401);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    await request(t.app).get('/api/v1/namespaces').set('Authorization', 'Bearer wrong').expect(401);
    await request(t.app).get('/api/v1/namespaces').set('Authorization', 'Bearer s3cret').expect(200);
    await request(t.app).get('/healthz').expect(200);
  });
});

describe('discovery and metrics', () => {
  it('serves version, legacy and aggregated discovery', async () => {
    const v = await request(s.app).get('/version').expect(200);
    expect(v.body.gitVersion).toBe('v1.32.0-svclab');
    const core = await request(s.app).get('/api/v1').expect(200);
    const names = core.body.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['services', 'services/status', 'pods/binding', 'namespaces']));
    const svcRes = core.body.resources.find((r: { name: string }) => r.name === 'services');
    expect(svcRes).toMatchObject({ namespaced: true, kind: 'Service', shortNames: ['svc'], categories: ['all'] });
    const apps = await request(s.app).get('/apis/apps/v1').expect(200);
    expect(apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const groups = await request(s.app).get('/apis').expect(200);
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'discovery.k8s.io', 'coordination.k8s.io']),
    );
    const agg = await request(s.app)
      .get('/apis')
      .set('Accept', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')
      .expect(200);
    expect(agg.headers['content-type']).toContain('as=APIGroupDiscoveryList');
    expect(agg.body.kind).toBe('APIGroupDiscoveryList');
  });

  it('counts requests in apiserver_request_total', async () => {
    await request(s.app).get('/api/v1/namespaces/default/services').expect(200);
    const m = await request(s.app).get('/metrics').expect(200);
    expect(m.text).toMatch(/apiserver_request_total\{verb="LIST",group="",version="v1",resource="services",subresource="",scope="namespace",component="apiserver",code="200"\} 1/);
    expect(m.text).toContain('apiserver_request_duration_seconds_bucket');
  });
});

describe('fieldValidation', () => {
  const body = () => ({ ...svc('fv'), spec: { ports: [{ port: 80 }], foo: 'bar' } });
  it('Strict answers 400 with the strict decoding error', async () => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services?fieldValidation=Strict').send(body()).expect(400);
    expect(res.body.reason).toBe('BadRequest');
    expect(res.body.message).toBe('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"');
  });
  it('Warn (the default) stores the object and answers a Warning header', async () => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services?fieldValidation=Warn').send(body()).expect(201);
    expect(res.headers['warning']).toBe('299 - "unknown field \\"spec.foo\\""');
    const dflt = await request(s.app).post('/api/v1/namespaces/default/services').send({ ...body(), metadata: { name: 'fv2' } }).expect(201);
    expect(dflt.headers['warning']).toContain('unknown field');
  });
  it('Ignore says nothing', async () => {
    const res = await request(s.app).post('/api/v1/namespaces/default/services?fieldValidation=Ignore').send(body()).expect(201);
    expect(res.headers['warning']).toBeUndefined();
  });
  it('rejects an unknown mode', async () => {
    await request(s.app).post('/api/v1/namespaces/default/services?fieldValidation=Loud').send(body()).expect(400);
  });
});

describe('deletecollection', () => {
  it('deletes the selected objects only', async () => {
    for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) {
      const b = svc(name);
      b.metadata.labels = { tier };
      await request(s.app).post('/api/v1/namespaces/default/services').send(b).expect(201);
    }
    const res = await request(s.app).delete('/api/v1/namespaces/default/services?labelSelector=tier%3Dx').expect(200);
    expect(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
    const left = await request(s.app).get('/api/v1/namespaces/default/services').expect(200);
    expect(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c', 'kubernetes']);
  });
});

describe('no input crashes the server', () => {
  const cases = [
    { name: 'bad percent-encoding', method: 'get', path: '/api/v1/namespaces/%ZZ/services', code: 400 },
    { name: 'unknown group', method: 'get', path: '/apis/nope.io/v1/things', code: 404 },
    { name: 'too deep', method: 'get', path: '/api/v1/namespaces/a/services/b/status/extra', code: 404 },
    { name: 'bad limit', method: 'get', path: '/api/v1/services?limit=abc', code: 400 },
    { name: 'bad watch rv', method: 'get', path: '/api/v1/services?watch=true&resourceVersion=-4', code: 400 },
    { name: 'bad dryRun', method: 'post', path: '/api/v1/namespaces/default/services?dryRun=Some', code: 400 },
    { name: 'bad gracePeriodSeconds', method: 'delete', path: '/api/v1/namespaces/default/services/kubernetes?gracePeriodSeconds=x', code: 400 },
    { name: 'delete missing', method: 'delete', path: '/api/v1/namespaces/default/services/nope', code: 404 },
    { name: 'json patch not a list', method: 'patch-json', path: '/api/v1/namespaces/default/services/kubernetes', code: 400 },
  ] as const;
  it.each(cases)('$name → $code Status', async ({ method, path, code }) => {
    const agent = request(s.app);
    const res =
      method === 'get'
        ? await agent.get(path)
        : method === 'post'
          ? await agent.post(path).send(svc('x'))
          : method === 'delete'
            ? await agent.delete(path)
            : await agent.patch(path).set('Content-Type', 'application/json-patch+json').send('{"op":"add"}');
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', code });
    await request(s.app).get('/healthz').expect(200);
  });
});

describe('failure paths', () => {
  it('releases the clusterIP when a later allocation of the same create fails', async () => {
    await request(s.app)
      .post('/api/v1/namespaces/default/services')
      .send(svc('first', { type: 'NodePort', ports: [{ port: 80, nodePort: 30999 }] }))
      .expect(201);
    const clash = svc('second', { type: 'NodePort', clusterIP: '10.96.0.77', ports: [{ port: 80, nodePort: 30999 }] });
    await request(s.app).post('/api/v1/namespaces/default/services').send(clash).expect(422);
    await request(s.app).post('/api/v1/namespaces/default/services').send(svc('third', { clusterIP: '10.96.0.77' })).expect(201);
  });

  it('answers a 500 InternalError Status for unexpected failures and logs them', async () => {
    const storage = new MemoryStorage();
    const t = await testServer({ storage });
    storage.list = () => Promise.reject(new Error('disk on fire'));
    const res = await request(t.app).get('/api/v1/namespaces/default/services').expect(500);
    expect(res.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
      message: 'Internal error occurred: disk on fire',
    });
    expect(t.logger.lines.some((l) => l['msg'] === 'request failed' && l['level'] === 'error')).toBe(true);
    await request(t.app).get('/healthz').expect(200);
  });
});
