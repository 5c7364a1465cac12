import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '@svclab/api';
import {
  Backoff,
  FakeClock,
  metaNamespaceKey,
  newInternalError,
  newResourceExpired,
  newTooManyRequests,
} from '@svclab/apimachinery';
import {
  DeletedFinalStateUnknown,
  deletionHandlingMetaNamespaceKey,
  type ReflectorStore,
} from './delta-fifo.js';
import { EventChannel, type ListerWatcher, type WatchEvent } from './list-watch.js';
import { Reflector } from './reflector.js';

const obj = (name: string, rv: string): KubeObject => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
});

/** Each watch call takes the next scripted outcome: events then close, or an error. */
type Script = { events?: WatchEvent<KubeObject>[]; error?: Error; hang?: boolean };

function scripted(lists: { items: KubeObject[]; rv: string }[], watches: Script[]) {
  const calls: string[] = [];
  const lw: ListerWatcher = {
    list: () => {
      const l = lists.shift();
      calls.push(`list`);
      if (l === undefined) return Promise.reject(newInternalError('no more lists'));
      return Promise.resolve({ items: l.items, resourceVersion: l.rv });
    },
    watch: ({ resourceVersion, signal }) => {
      calls.push(`watch@${resourceVersion}`);
      const ch = new EventChannel<WatchEvent<KubeObject>>();
      const s = watches.shift() ?? { hang: true };
      for (const e of s.events ?? []) ch.push(e);
      if (s.error !== undefined) ch.fail(s.error);
      else if (s.hang !== true) ch.close();
      signal.addEventListener(
        'abort',
        () => {
          ch.close();
        },
        { once: true },
      );
      return ch;
    },
  };
  return { lw, calls };
}

function recordingStore(): ReflectorStore<KubeObject> & { ops: string[] } {
  const ops: string[] = [];
  return {
    ops,
    add: (o) => ops.push(`add ${o.metadata.name ?? ''}`),
    update: (o) => ops.push(`update ${o.metadata.name ?? ''}`),
    delete: (o) => ops.push(`delete ${o.metadata.name ?? ''}`),
    replace: (l, rv) => ops.push(`replace ${l.length}@${rv}`),
    resync: () => ops.push('resync'),
  };
}

async function drive(clock: FakeClock, until: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !until(); i++) {
    await new Promise((r) => setImmediate(r));
    clock.step(100);
  }
}

describe('Reflector', () => {
  it.each([
    {
      name: 'normal close → re-watch from the last revision, no relist',
      watches: [{ events: [{ type: 'ADDED' as const, object: obj('a', '11') }] }, { hang: true }],
      wantCalls: ['list', 'watch@10', 'watch@11'],
      wantOps: ['replace 0@10', 'add a'],
    },
    {
      name: '410 Expired → relist',
      watches: [{ error: newResourceExpired('too old resource version') }, { hang: true }],
      wantCalls: ['list', 'watch@10', 'list', 'watch@20'],
      wantOps: ['replace 0@10', 'replace 1@20'],
    },
    {
      name: '429 / 500 → back off and re-watch from the same revision',
      watches: [
        {
          events: [{ type: 'MODIFIED' as const, object: obj('a', '12') }],
          error: newTooManyRequests('slow down', 1),
        },
        {
          events: [{ type: 'DELETED' as const, object: obj('a', '13') }],
          error: newInternalError('boom'),
        },
        { hang: true },
      ],
      wantCalls: ['list', 'watch@10', 'watch@12', 'watch@13'],
      wantOps: ['replace 0@10', 'update a', 'delete a'],
    },
  ])('$name', async ({ watches, wantCalls, wantOps }) => {
    const clock = new FakeClock(0);
    const { lw, calls } = scripted(
      [
        { items: [], rv: '10' },
        { items: [obj('b', '20')], rv: '20' },
      ],
      watches,
    );
    const store = recordingStore();
    const r = new Reflector(lw, store, {
      name: 'test',
      clock,
      backoff: new Backoff({ initial: 1000, cap: 5000, clock }),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await drive(clock, () => calls.length >= wantCalls.length);
    await new Promise((res) => setImmediate(res));
    expect(calls).toEqual(wantCalls);
    expect(store.ops).toEqual(wantOps);
    ac.abort();
    await done;
  });

  it('a failing list backs off (capped) and retries', async () => {
    const clock = new FakeClock(0);
    const { lw, calls } = scripted([], []);
    const r = new Reflector(lw, recordingStore(), {
      name: 'test',
      clock,
      backoff: new Backoff({ initial: 1000, cap: 2000, clock }),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await vi.waitFor(() => {
      expect(calls).toEqual(['list']);
    });
    await vi.waitFor(() => {
      expect(clock.waiterCount()).toBe(1);
    });
    clock.step(999);
    await new Promise((res) => setImmediate(res));
    expect(calls).toHaveLength(1);
    clock.step(1);
    await vi.waitFor(() => {
      expect(calls).toHaveLength(2);
    });
    await vi.waitFor(() => {
      expect(clock.waiterCount()).toBe(1);
    });
    clock.step(1999);
    await new Promise((res) => setImmediate(res));
    expect(calls).toHaveLength(2);
    clock.step(1);
    await vi.waitFor(() => {
      expect(calls).toHaveLength(3);
    });
    await vi.waitFor(() => {
      expect(clock.waiterCount()).toBe(1);
    });
    clock.step(2000);
    await vi.waitFor(() => {
      expect(calls).toHaveLength(4);
    });
    ac.abort();
    await done;
  });

  it('resyncs every period while running', async () => {
    const clock = new FakeClock(0);
    const { lw } = scripted([{ items: [], rv: '1' }], [{ hang: true }]);
    const store = recordingStore();
    const r = new Reflector(lw, store, { name: 'test', clock, resyncPeriod: 1000 });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await vi.waitFor(() => {
      expect(store.ops).toEqual(['replace 0@1']);
    });
    clock.step(3000);
    expect(store.ops.filter((o) => o === 'resync')).toHaveLength(3);
    ac.abort();
    await done;
    clock.step(3000);
    expect(store.ops.filter((o) => o === 'resync')).toHaveLength(3);
  });

  it('deletionHandlingMetaNamespaceKey', () => {
    expect(deletionHandlingMetaNamespaceKey(obj('a', '1'))).toBe('ns/a');
    expect(
      deletionHandlingMetaNamespaceKey(new DeletedFinalStateUnknown('ns/b', obj('b', '1'))),
    ).toBe('ns/b');
    expect(metaNamespaceKey(obj('a', '1'))).toBe('ns/a');
  });
});
