import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Service } from '@svclab/api';
import { FakeClock, isNotFound, parseSelector } from '@svclab/apimachinery';
import { DeletedFinalStateUnknown } from './delta-fifo.js';
import { newLister } from './lister.js';
import { newSharedIndexInformer } from './shared-informer.js';
import { FakeListerWatcher } from './testing/fake-lister-watcher.js';

function svc(ns: string, name: string, labels: Record<string, string> = {}, port = 80): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name, labels },
    spec: { ports: [{ port }] },
  };
}

type Ev = [string, ...unknown[]];

function recorder(): {
  events: Ev[];
  handler: Parameters<ReturnType<typeof newSharedIndexInformer<Service>>['addEventHandler']>[0];
} {
  const events: Ev[] = [];
  return {
    events,
    handler: {
      onAdd: (o, initial) => events.push(['add', o.metadata.name, initial]),
      onUpdate: (a, b) =>
        events.push([
          'update',
          a.metadata.name,
          a.metadata.resourceVersion,
          b.metadata.resourceVersion,
        ]),
      onDelete: (o) =>
        events.push(
          o instanceof DeletedFinalStateUnknown
            ? ['tombstone', o.key, o.obj.metadata.name]
            : ['delete', o.metadata.name],
        ),
    },
  };
}

const controllers: AbortController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.abort();
});

function start(
  lw: FakeListerWatcher<Service>,
  opts: { resyncPeriod?: number; clock?: FakeClock } = {},
) {
  const inf = newSharedIndexInformer<Service>(lw, { name: 'services', ...opts });
  const rec = recorder();
  inf.addEventHandler(rec.handler);
  const ac = new AbortController();
  controllers.push(ac);
  const done = inf.run(ac.signal);
  return { inf, rec, ac, done };
}

describe('SharedIndexInformer', () => {
  it('initial list → onAdd(isInInitialList), then add / update / delete', async () => {
    const lw = new FakeListerWatcher<Service>([svc('a', 'one'), svc('a', 'two')]);
    const { inf, rec, ac, done } = start(lw);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    expect(rec.events).toEqual([
      ['add', 'one', true],
      ['add', 'two', true],
    ]);
    await vi.waitFor(() => {
      expect(lw.openWatches()).toBe(1);
    });
    lw.add(svc('b', 'three'));
    const updated = lw.modify(svc('a', 'one', {}, 81));
    lw.delete(svc('a', 'two'));
    await vi.waitFor(() => {
      expect(rec.events).toHaveLength(5);
    });
    expect(rec.events.slice(2)).toEqual([
      ['add', 'three', false],
      ['update', 'one', '2', updated.metadata.resourceVersion],
      ['delete', 'two'],
    ]);
    expect(inf.getStore().listKeys().sort()).toEqual(['a/one', 'b/three']);
    expect(inf.lastSyncResourceVersion()).toBe(lw.resourceVersion());
    ac.abort();
    await done;
    expect(inf.isStopped()).toBe(true);
  });

  it('hands out deep-frozen objects', async () => {
    const lw = new FakeListerWatcher<Service>([svc('a', 'one', { app: 'x' })]);
    const { inf } = start(lw);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    const cached = inf.getStore().getByKey('a/one');
    expect(cached).toBeDefined();
    expect(() => {
      (cached as Service).metadata.labels = {};
    }).toThrow(TypeError);
    expect(() => {
      const ports = cached?.spec?.ports ?? [];
      (ports[0] as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('a delete missed during a watch outage surfaces as a tombstone after relist', async () => {
    const lw = new FakeListerWatcher<Service>([svc('a', 'keep'), svc('a', 'gone')]);
    const { inf, rec } = start(lw);
    await vi.waitFor(() => {
      expect(lw.openWatches()).toBe(1);
    });
    lw.deleteDropWatch(svc('a', 'gone'));
    lw.addDropWatch(svc('a', 'new'));
    lw.resetWatch();
    await vi.waitFor(() => {
      expect(rec.events.some((e) => e[0] === 'tombstone')).toBe(true);
    });
    await vi.waitFor(() => {
      expect(rec.events.some((e) => e[0] === 'add' && e[1] === 'new')).toBe(true);
    });
    expect(lw.listCalls).toBe(2);
    expect(rec.events).toContainEqual(['tombstone', 'a/gone', 'gone']);
    expect(rec.events).toContainEqual(['update', 'keep', '2', '2']);
    expect(inf.getStore().listKeys().sort()).toEqual(['a/keep', 'a/new']);
  });

  it('a closed watch is resumed from the last revision without a relist', async () => {
    const lw = new FakeListerWatcher<Service>([svc('a', 'one')]);
    const { rec } = start(lw);
    await vi.waitFor(() => {
      expect(lw.openWatches()).toBe(1);
    });
    lw.add(svc('a', 'two'));
    await vi.waitFor(() => {
      expect(rec.events).toHaveLength(2);
    });
    lw.dropWatch();
    lw.add(svc('a', 'three'));
    await vi.waitFor(
      () => {
        expect(rec.events).toHaveLength(3);
      },
      { timeout: 10_000 },
    );
    expect(rec.events[2]).toEqual(['add', 'three', false]);
    expect(lw.listCalls).toBe(1);
  });

  it('resync delivers onUpdate(obj, obj) every period', async () => {
    const clock = new FakeClock(0);
    const lw = new FakeListerWatcher<Service>([svc('a', 'one')]);
    const { inf, rec } = start(lw, { resyncPeriod: 30_000, clock });
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    clock.step(29_999);
    await new Promise((r) => setImmediate(r));
    expect(rec.events).toHaveLength(1);
    clock.step(1);
    await vi.waitFor(() => {
      expect(rec.events).toHaveLength(2);
    });
    expect(rec.events[1]).toEqual(['update', 'one', '2', '2']);
    clock.step(30_000);
    await vi.waitFor(() => {
      expect(rec.events).toHaveLength(3);
    });
  });

  it('a handler added after start gets the cache as adds; a throwing handler does not stop others', async () => {
    const lw = new FakeListerWatcher<Service>([svc('a', 'one')]);
    const { inf, rec } = start(lw);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    inf.addEventHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    const late = recorder();
    const reg = inf.addEventHandler(late.handler);
    expect(late.events).toEqual([['add', 'one', true]]);
    expect(reg.hasSynced()).toBe(true);
    await vi.waitFor(() => {
      expect(lw.openWatches()).toBe(1);
    });
    lw.add(svc('a', 'two'));
    await vi.waitFor(() => {
      expect(late.events).toHaveLength(2);
    });
    expect(rec.events).toHaveLength(2);
  });
});

describe('Lister', () => {
  it('lists by selector and namespace, gets by name, NotFound otherwise', async () => {
    const lw = new FakeListerWatcher<Service>([
      svc('a', 'web', { app: 'web' }),
      svc('a', 'db', { app: 'db' }),
      svc('b', 'web', { app: 'web' }),
    ]);
    const { inf } = start(lw);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    const lister = newLister(inf.getIndexer(), { group: '', resource: 'services' });
    const names = (l: Service[]) =>
      l.map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`).sort();
    expect(names(lister.list())).toEqual(['a/db', 'a/web', 'b/web']);
    expect(names(lister.list(parseSelector('app=web')))).toEqual(['a/web', 'b/web']);
    expect(names(lister.namespace('a').list())).toEqual(['a/db', 'a/web']);
    expect(names(lister.namespace('a').list(parseSelector('app!=web')))).toEqual(['a/db']);
    expect(lister.namespace('b').get('web').metadata.name).toBe('web');
    expect(lister.namespace('b').find('db')).toBeUndefined();
    let err: unknown;
    try {
      lister.namespace('b').get('db');
    } catch (e) {
      err = e;
    }
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('services "db" not found');
  });
});
