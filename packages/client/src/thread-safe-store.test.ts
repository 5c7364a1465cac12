import { describe, expect, it } from 'vitest';
import type { Pod } from '@svclab/api';
import { NamespaceIndex, newIndexer, UnknownIndexError } from './thread-safe-store.js';

function pod(ns: string, name: string, node?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name },
    spec: { containers: [], ...(node === undefined ? {} : { nodeName: node }) },
  };
}

const byNode = (p: Pod): string[] => (p.spec?.nodeName === undefined ? [] : [p.spec.nodeName]);

describe('ThreadSafeStore', () => {
  it.each([
    {
      name: 'namespace index',
      ops: [pod('a', 'x'), pod('a', 'y'), pod('b', 'x')],
      index: NamespaceIndex,
      value: 'a',
      want: ['a/x', 'a/y'],
    },
    {
      name: 'custom index',
      ops: [pod('a', 'x', 'n1'), pod('a', 'y', 'n2'), pod('b', 'x', 'n1')],
      index: 'byNode',
      value: 'n1',
      want: ['a/x', 'b/x'],
    },
    {
      name: 'update moves between index values',
      ops: [pod('a', 'x', 'n1'), pod('a', 'x', 'n2')],
      index: 'byNode',
      value: 'n1',
      want: [],
    },
    {
      name: 'empty index values are not indexed',
      ops: [pod('a', 'x')],
      index: 'byNode',
      value: '',
      want: [],
    },
  ])('$name', ({ ops, index, value, want }) => {
    const s = newIndexer<Pod>({ byNode });
    for (const p of ops) s.update(p);
    expect(s.indexKeys(index, value).sort()).toEqual(want);
    expect(s.byIndex(index, value).length).toBe(want.length);
  });

  it('delete, replace, addIndexers over existing content, unknown index', () => {
    const s = newIndexer<Pod>();
    s.add(pod('a', 'x', 'n1'));
    s.add(pod('a', 'y', 'n1'));
    s.delete(pod('a', 'y'));
    expect(s.listKeys()).toEqual(['a/x']);
    s.addIndexers({ byNode });
    expect(s.indexKeys('byNode', 'n1')).toEqual(['a/x']);
    expect(s.index('byNode', pod('z', 'z', 'n1')).map((p) => p.metadata.name)).toEqual(['x']);
    s.replace([pod('b', 'q', 'n2')]);
    expect(s.listKeys()).toEqual(['b/q']);
    expect(s.listIndexFuncValues('byNode')).toEqual(['n2']);
    expect(s.listIndexFuncValues(NamespaceIndex)).toEqual(['b']);
    expect(() => s.byIndex('nope', 'x')).toThrow(UnknownIndexError);
    expect(() => {
      s.addIndexers({ byNode });
    }).toThrow(/conflict/);
  });
});
