import type { Node, Pod } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { pickNode, unschedulableMessage } from './pick-node.js';

const node = (name: string, ready = true, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pod = (nodeSelector?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c' }], ...(nodeSelector ? { nodeSelector } : {}) },
});

describe('pickNode', () => {
  it.each([
    {
      name: 'fewest pods wins',
      nodes: [node('a'), node('b')],
      counts: { a: 2, b: 1 },
      sel: undefined,
      want: 'b',
    },
    {
      name: 'ties broken by name',
      nodes: [node('b'), node('a')],
      counts: {},
      sel: undefined,
      want: 'a',
    },
    {
      name: 'not-ready nodes are skipped',
      nodes: [node('a', false), node('b')],
      counts: { b: 9 },
      sel: undefined,
      want: 'b',
    },
    {
      name: 'nodeSelector must match',
      nodes: [node('a'), node('b', true, { zone: 'z2' })],
      counts: { b: 5 },
      sel: { zone: 'z2' },
      want: 'b',
    },
    {
      name: 'nothing fits',
      nodes: [node('a', false)],
      counts: {},
      sel: undefined,
      want: undefined,
    },
  ])('$name', ({ nodes, counts, sel, want }) => {
    expect(pickNode(pod(sel), nodes, new Map(Object.entries(counts)))).toBe(want);
  });

  it('explains why nothing fits', () => {
    expect(unschedulableMessage(pod({ zone: 'x' }), [node('a', false), node('b')])).toBe(
      "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) didn't match Pod's node affinity/selector.",
    );
  });
});
