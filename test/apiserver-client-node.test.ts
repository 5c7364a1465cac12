// E2E: @kubernetes/client-node (v2) against the built apiserver (Redis + NATS): typed CRUD and an
// informer on Services that sees add, update and delete.
import './support/node20-shims.js';
import type { CoreV1Api, KubeConfig, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';

// Loaded after the shims (undici 8 under client-node needs them on Node 20).
const k8s = await import('@kubernetes/client-node');
const { ADD, DELETE, ERROR, UPDATE, makeInformer } = k8s;

async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node against the apiserver', () => {
  let api: ApiserverHandle;
  let kc: KubeConfig;
  let core: CoreV1Api;
  beforeAll(async () => {
    api = await startApiserver();
    kc = new k8s.KubeConfig();
    // client-node refuses plain http:// unless TLS verification is explicitly skipped.
    kc.loadFromOptions({
      clusters: [{ name: 'svclab', server: api.url, skipTLSVerify: true }],
      users: [{ name: 'admin' }],
      contexts: [{ name: 'svclab', cluster: 'svclab', user: 'admin' }],
      currentContext: 'svclab',
    });
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('creates, reads and lists with typed clients', async () => {
    const created = await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'typed' }, spec: { ports: [{ port: 80 }], selector: { app: 'typed' } } },
    });
    expect(created.spec?.clusterIP).toMatch(/^127\./);
    const list = await core.listNamespacedService({ namespace: 'default' });
    expect(list.items.map((s) => s.metadata?.name)).toEqual(expect.arrayContaining(['kubernetes', 'typed']));
    await expect(core.readNamespacedService({ namespace: 'default', name: 'missing' })).rejects.toMatchObject({ code: 404 });
  });

  it('an informer on Services sees add, update and delete', async () => {
    const events: { type: string; name: string; labels?: Record<string, string> }[] = [];
    const errors: unknown[] = [];
    const informer = makeInformer<V1Service>(kc, '/api/v1/namespaces/default/services', () =>
      core.listNamespacedService({ namespace: 'default' }),
    );
    const record = (type: string) => (obj: V1Service) => {
      events.push({ type, name: obj.metadata?.name ?? '', ...(obj.metadata?.labels ? { labels: obj.metadata.labels } : {}) });
    };
    informer.on(ADD, record('add'));
    informer.on(UPDATE, record('update'));
    informer.on(DELETE, record('delete'));
    informer.on(ERROR, (err) => {
      errors.push(err);
    });
    await informer.start();
    try {
      await waitFor(() => events.some((e) => e.type === 'add' && e.name === 'kubernetes'), 'initial add of kubernetes');
      await core.createNamespacedService({
        namespace: 'default',
        body: { metadata: { name: 'watched' }, spec: { ports: [{ port: 80 }] } },
      });
      await waitFor(() => events.some((e) => e.type === 'add' && e.name === 'watched'), 'add of watched');
      const cur = await core.readNamespacedService({ namespace: 'default', name: 'watched' });
      cur.metadata = { ...cur.metadata, labels: { stage: 'two' } };
      await core.replaceNamespacedService({ namespace: 'default', name: 'watched', body: cur });
      await waitFor(() => events.some((e) => e.type === 'update' && e.name === 'watched' && e.labels?.['stage'] === 'two'), 'update');
      await core.deleteNamespacedService({ namespace: 'default', name: 'watched' });
      await waitFor(() => events.some((e) => e.type === 'delete' && e.name === 'watched'), 'delete');
      expect(informer.get('watched', 'default')).toBeUndefined();
      expect(informer.get('kubernetes', 'default')?.spec?.clusterIP).toBe('127.96.0.1');
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
