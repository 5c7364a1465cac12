import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EndpointSlice, KubeObject, Service } from '@svclab/api';
import { isAlreadyExists, isConflict, isNotFound, newConflict } from '@svclab/apimachinery';
import { PatchType } from '../rest-client.js';
import { newSharedIndexInformer } from '../shared-informer.js';
import { newFakeClientSet } from './fake-client.js';
import { mergePatch } from './object-tracker.js';

const svc = (name: string, labels: Record<string, string> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'ns', labels },
  spec: { ports: [{ port: 80 }] },
});

const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});

describe('FakeClientSet', () => {
  it('CRUD records actions and behaves like the apiserver', async () => {
    const cs = newFakeClientSet([{ resource: 'services', object: svc('seeded') }]);
    const services = cs.resource('services').namespace('ns');
    const created = await services.create(svc('web', { app: 'web' }));
    expect(created.metadata.uid).toBeDefined();
    expect(created.metadata.generation).toBe(1);
    expect(isAlreadyExists(await services.create(svc('web')).catch((e: unknown) => e))).toBe(true);
    const stale = { ...created, spec: { ports: [{ port: 81 }] } };
    const updated = await services.update(stale);
    expect(updated.metadata.generation).toBe(2);
    expect(isConflict(await services.update(stale).catch((e: unknown) => e))).toBe(true);
    const patched = await services.patch('web', {
      type: PatchType.MergePatch,
      data: { metadata: { labels: { tier: 'fe' } } },
    });
    expect(patched.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    const jp = await services.patch('web', {
      type: PatchType.JSONPatch,
      data: [{ op: 'replace', path: '/spec/ports/0/port', value: 8080 }],
    });
    expect(jp.spec?.ports?.[0]?.port).toBe(8080);
    expect(
      (await services.list({ labelSelector: 'app=web' })).items.map((s) => s.metadata.name),
    ).toEqual(['web']);
    await services.delete('web');
    expect(isNotFound(await services.get('web').catch((e: unknown) => e))).toBe(true);
    expect(cs.actions().map((a) => `${a.verb}:${a.resource}:${a.namespace}/${a.name}`)).toEqual([
      'create:services:ns/web',
      'create:services:ns/web',
      'update:services:ns/web',
      'update:services:ns/web',
      'patch:services:ns/web',
      'patch:services:ns/web',
      'list:services:ns/',
      'delete:services:ns/web',
      'get:services:ns/web',
    ]);
    expect((cs.actions()[0]?.object as Service).metadata.name).toBe('web');
  });

  it('reactors inject errors; updateStatus only changes status', async () => {
    const cs = newFakeClientSet();
    const slices = cs.resource('endpointslices').namespace('ns');
    const s: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 's' },
      addressType: 'IPv4',
      endpoints: [],
    };
    cs.prependReactor('create', 'endpointslices', () => ({
      error: newConflict(
        { group: 'discovery.k8s.io', resource: 'endpointslices' },
        's',
        'injected',
      ),
    }));
    expect(isConflict(await slices.create(s).catch((e: unknown) => e))).toBe(true);
    cs.prependReactor('create', 'endpointslices', (a) => ({ result: a.object }));
    expect((await slices.create(s)).metadata.name).toBe('s');
    const svcs = cs.resource('services').namespace('ns');
    const created = await svcs.create(svc('lb'));
    const st = await svcs.updateStatus({
      ...created,
      spec: {},
      status: { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } },
    });
    expect(st.status?.loadBalancer?.ingress?.[0]?.ip).toBe('127.200.0.1');
    expect(st.spec?.ports?.[0]?.port).toBe(80);
    expect(cs.actions().at(-1)).toMatchObject({ verb: 'update', subresource: 'status' });
  });

  it("an informer on the tracker sees the fake client's writes", async () => {
    const cs = newFakeClientSet([{ resource: 'services', object: svc('a') }]);
    const inf = newSharedIndexInformer<KubeObject>(cs.tracker.listerWatcher('services'));
    const ac = new AbortController();
    aborts.push(ac);
    void inf.run(ac.signal);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    await cs.resource('services').namespace('ns').create(svc('b'));
    await cs.resource('services').namespace('ns').delete('a');
    await vi.waitFor(() => {
      expect(inf.getStore().listKeys()).toEqual(['ns/b']);
    });
  });

  it.each([
    { name: 'replace scalar', target: { a: 1 }, patch: { a: 2 }, want: { a: 2 } },
    { name: 'null deletes', target: { a: 1, b: 2 }, patch: { a: null }, want: { b: 2 } },
    {
      name: 'nested merge',
      target: { m: { x: 1, y: 2 } },
      patch: { m: { y: 3 } },
      want: { m: { x: 1, y: 3 } },
    },
    { name: 'arrays replace', target: { l: [1, 2] }, patch: { l: [3] }, want: { l: [3] } },
  ])('mergePatch: $name', ({ target, patch, want }) => {
    expect(mergePatch(target, patch)).toEqual(want);
  });
});
