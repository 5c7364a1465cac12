import type { EndpointSlice } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { EndpointSliceTracker } from './slice-tracker.js';
import { isStaleInformerCache, StaleInformerCacheError } from './stale-informer-cache-error.js';
import { makeService } from './testing-fixtures.js';

function slice(uid: string, generation: number, svc = 'web'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `s-${uid}`,
      namespace: 'default',
      uid,
      generation,
      labels: { 'kubernetes.io/service-name': svc },
    },
    addressType: 'IPv4',
    endpoints: [],
  };
}

describe('EndpointSliceTracker.staleSlices', () => {
  it.each([
    {
      name: 'nothing tracked → not stale',
      track: [],
      expectDel: [],
      provided: [slice('a', 1)],
      want: false,
    },
    {
      name: 'same generations → not stale',
      track: [slice('a', 2)],
      expectDel: [],
      provided: [slice('a', 2)],
      want: false,
    },
    {
      name: 'newer in cache → not stale',
      track: [slice('a', 2)],
      expectDel: [],
      provided: [slice('a', 3)],
      want: false,
    },
    {
      name: 'older generation in cache → stale',
      track: [slice('a', 2)],
      expectDel: [],
      provided: [slice('a', 1)],
      want: true,
    },
    {
      name: 'tracked slice missing from cache → stale',
      track: [slice('a', 1), slice('b', 1)],
      expectDel: [],
      provided: [slice('a', 1)],
      want: true,
    },
    {
      name: 'expected deletion still in cache → stale',
      track: [],
      expectDel: [slice('a', 1)],
      provided: [slice('a', 1)],
      want: true,
    },
    {
      name: 'expected deletion gone from cache → not stale',
      track: [],
      expectDel: [slice('a', 1)],
      provided: [],
      want: false,
    },
  ])('$name', ({ track, expectDel, provided, want }) => {
    const t = new EndpointSliceTracker();
    for (const s of track) t.update(s);
    for (const s of expectDel) t.expectDeletion(s);
    expect(t.staleSlices(makeService(), provided)).toBe(want);
  });

  it('a recreated Service (new UID) drops obsolete generations', () => {
    const t = new EndpointSliceTracker();
    t.staleSlices(makeService(), []);
    t.update(slice('a', 5));
    const reborn = makeService();
    reborn.metadata.uid = 'other';
    expect(t.staleSlices(reborn, [])).toBe(false);
  });
});

describe('EndpointSliceTracker bookkeeping', () => {
  it.each([
    { name: 'unknown slice → should sync', tracked: undefined, seen: slice('a', 1), want: true },
    {
      name: 'our own write echoed → no sync',
      tracked: slice('a', 2),
      seen: slice('a', 2),
      want: false,
    },
    {
      name: 'someone else bumped it → sync',
      tracked: slice('a', 2),
      seen: slice('a', 3),
      want: true,
    },
  ])('shouldSync: $name', ({ tracked, seen, want }) => {
    const t = new EndpointSliceTracker();
    if (tracked) t.update(tracked);
    expect(t.shouldSync(seen)).toBe(want);
  });

  it('handleDeletion reports whether the deletion was ours', () => {
    const t = new EndpointSliceTracker();
    t.expectDeletion(slice('a', 1));
    t.update(slice('b', 1));
    expect(t.handleDeletion(slice('a', 1))).toBe(true);
    expect(t.handleDeletion(slice('b', 1))).toBe(false);
    expect(t.has(slice('b', 1))).toBe(false);
  });

  it('deleteService forgets everything', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 1));
    t.deleteService('default', 'web');
    expect(t.has(slice('a', 1))).toBe(false);
    expect(t.staleSlices(makeService(), [])).toBe(false);
  });
});

describe('isStaleInformerCache', () => {
  it.each([
    { name: 'the error itself', err: new StaleInformerCacheError(), want: true },
    {
      name: 'wrapped as cause',
      err: new Error('sync failed', { cause: new StaleInformerCacheError() }),
      want: true,
    },
    {
      name: 'inside an AggregateError',
      err: new AggregateError([new Error('x'), new StaleInformerCacheError()]),
      want: true,
    },
    {
      name: 'duplicate module copy (by name)',
      err: Object.assign(new Error('x'), { name: 'StaleInformerCacheError' }),
      want: true,
    },
    { name: 'other error', err: new Error('x'), want: false },
    { name: 'not an error', err: 'x', want: false },
  ])('$name', ({ err, want }) => {
    expect(isStaleInformerCache(err)).toBe(want);
  });
});

describe('EndpointSliceTracker write window', () => {
  it.each([
    {
      name: 'echo of our update → held, then no sync',
      event: slice('a', 2),
      deleted: false,
      wrote: slice('a', 2),
      want: [],
    },
    {
      name: 'echo of our create (unknown before the response) → no sync',
      event: slice('n', 1),
      deleted: false,
      wrote: slice('n', 1),
      want: [],
    },
    {
      name: 'newer than our write → sync',
      event: slice('a', 3),
      deleted: false,
      wrote: slice('a', 2),
      want: ['a'],
    },
    {
      name: 'unknown slice nobody wrote → sync',
      event: slice('x', 1),
      deleted: false,
      wrote: slice('a', 2),
      want: ['x'],
    },
    {
      name: 'deletion we made → no sync',
      event: slice('a', 1),
      deleted: true,
      wrote: undefined,
      want: [],
    },
    {
      name: 'deletion someone else made → sync',
      event: slice('a', 1),
      deleted: true,
      wrote: slice('a', 2),
      want: ['a'],
    },
  ])('$name', ({ event, deleted, wrote, want }) => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 1));
    t.startWrites('default', 'web');
    expect(t.holdDuringWrites(event, deleted)).toBe(true);
    if (wrote !== undefined) t.update(wrote);
    else t.expectDeletion(slice('a', 1));
    expect(t.finishWrites('default', 'web').map((s) => s.metadata.uid)).toEqual(want);
    expect(t.holdDuringWrites(event, deleted)).toBe(false);
  });

  it('events of other Services are not held', () => {
    const t = new EndpointSliceTracker();
    t.startWrites('default', 'web');
    expect(t.holdDuringWrites(slice('a', 1, 'other'))).toBe(false);
  });
});
