import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';
import { DeletedFinalStateUnknown, DeltaFIFO, type Delta } from './delta-fifo.js';
import { newIndexer } from './thread-safe-store.js';

const o = (name: string, rv = '1'): KubeObject => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
});

type Op = ['add' | 'update' | 'delete', KubeObject] | ['replace', KubeObject[]] | ['resync'];

function describeDelta(d: Delta<KubeObject>): string {
  const obj = d.object;
  return obj instanceof DeletedFinalStateUnknown
    ? `${d.type}:tombstone(${obj.key})`
    : `${d.type}:${obj.metadata.name ?? ''}@${obj.metadata.resourceVersion ?? ''}`;
}

async function drain(fifo: DeltaFIFO<KubeObject>): Promise<string[][]> {
  const out: string[][] = [];
  while (fifo.listKeys().length > 0) await fifo.pop((ds) => out.push(ds.map(describeDelta)));
  return out;
}

describe('DeltaFIFO', () => {
  it.each<{ name: string; known: KubeObject[]; ops: Op[]; want: string[][] }>([
    {
      name: 'deltas accumulate per key, keys pop FIFO',
      known: [],
      ops: [
        ['add', o('a')],
        ['add', o('b')],
        ['update', o('a', '2')],
      ],
      want: [['Added:a@1', 'Updated:a@2'], ['Added:b@1']],
    },
    {
      name: 'delete of an unknown object is ignored',
      known: [],
      ops: [['delete', o('x')]],
      want: [],
    },
    {
      name: 'replace: listed objects as Replaced, vanished known objects as tombstones',
      known: [o('keep'), o('gone')],
      ops: [['replace', [o('keep', '5'), o('new', '5')]]],
      want: [['Replaced:keep@5'], ['Replaced:new@5'], ['Deleted:tombstone(ns/gone)']],
    },
    {
      name: 'replace tombstones queued-but-unknown objects too',
      known: [],
      ops: [
        ['add', o('queued')],
        ['replace', []],
      ],
      want: [['Added:queued@1', 'Deleted:tombstone(ns/queued)']],
    },
    {
      name: 'two deletes collapse, preferring the real one over a tombstone',
      known: [o('a')],
      ops: [
        ['delete', o('a', '3')],
        ['replace', []],
      ],
      want: [['Deleted:a@3']],
    },
    {
      name: 'resync queues Sync for known objects with nothing queued',
      known: [o('a'), o('b')],
      ops: [['update', o('a', '2')], ['resync']],
      want: [['Updated:a@2'], ['Sync:b@1']],
    },
  ])('$name', async ({ known, ops, want }) => {
    const indexer = newIndexer<KubeObject>();
    for (const k of known) indexer.add(k);
    const fifo = new DeltaFIFO<KubeObject>({
      keyFunction: metaNamespaceKey,
      knownObjects: indexer,
    });
    for (const op of ops) {
      switch (op[0]) {
        case 'add':
          fifo.add(op[1]);
          break;
        case 'update':
          fifo.update(op[1]);
          break;
        case 'delete':
          fifo.delete(op[1]);
          break;
        case 'replace':
          fifo.replace(op[1]);
          break;
        case 'resync':
          fifo.resync();
          break;
      }
    }
    expect(await drain(fifo)).toEqual(want);
  });

  it('hasSynced after the initial list was popped; isInInitialList only for it', async () => {
    const fifo = new DeltaFIFO<KubeObject>({
      keyFunction: metaNamespaceKey,
      knownObjects: newIndexer<KubeObject>(),
    });
    expect(fifo.hasSynced()).toBe(false);
    fifo.replace([o('a'), o('b')]);
    fifo.add(o('c'));
    const initial: boolean[] = [];
    for (let i = 0; i < 3; i++) await fifo.pop((_d, isInitial) => initial.push(isInitial));
    expect(initial).toEqual([true, true, false]);
    expect(fifo.hasSynced()).toBe(true);
    fifo.close();
    expect(await fifo.pop(() => undefined)).toBe(false);
  });

  it('an empty initial list is synced at once', () => {
    const fifo = new DeltaFIFO<KubeObject>({
      keyFunction: metaNamespaceKey,
      knownObjects: newIndexer<KubeObject>(),
    });
    fifo.replace([]);
    expect(fifo.hasSynced()).toBe(true);
  });
});
