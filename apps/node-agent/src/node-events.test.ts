import type { NodeCondition } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { conditionEvents, nodeRef, startingEvents } from './node-events.js';

const cond = (type: string, status: 'True' | 'False' | 'Unknown'): NodeCondition => ({
  type,
  status,
});
const healthy = [
  cond('MemoryPressure', 'False'),
  cond('DiskPressure', 'False'),
  cond('PIDPressure', 'False'),
  cond('Ready', 'True'),
];

describe('node events', () => {
  it('a new node: one event per condition, in the kubelet order', () => {
    expect(conditionEvents('node-1', undefined, healthy)).toEqual([
      {
        reason: 'NodeHasSufficientMemory',
        message: 'Node node-1 status is now: NodeHasSufficientMemory',
      },
      {
        reason: 'NodeHasNoDiskPressure',
        message: 'Node node-1 status is now: NodeHasNoDiskPressure',
      },
      {
        reason: 'NodeHasSufficientPID',
        message: 'Node node-1 status is now: NodeHasSufficientPID',
      },
      { reason: 'NodeReady', message: 'Node node-1 status is now: NodeReady' },
    ]);
  });

  it('after the node controller marked it Unknown, posting status again records each change back', () => {
    const unknown = healthy.map((c) => ({ ...c, status: 'Unknown' as const }));
    expect(conditionEvents('node-1', unknown, healthy).map((e) => e.reason)).toEqual([
      'NodeHasSufficientMemory',
      'NodeHasNoDiskPressure',
      'NodeHasSufficientPID',
      'NodeReady',
    ]);
  });

  it('nothing changed → nothing recorded', () => {
    expect(conditionEvents('node-1', healthy, healthy)).toEqual([]);
  });

  it('the kubelet start and its node reference', () => {
    expect(startingEvents().map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'Starting: Starting kubelet.',
      'NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
    ]);
    expect(nodeRef('node-1')).toEqual({
      kind: 'Node',
      name: 'node-1',
      uid: 'node-1',
      namespace: '',
    });
  });
});
