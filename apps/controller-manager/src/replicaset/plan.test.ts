import type { Pod, ReplicaSet } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { planReplicaSet, podFromTemplate, replicaSetStatus } from './plan.js';

const rs: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'r1', generation: 2 },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } },
  },
};
const pod = (
  name: string,
  opts: { node?: string; ready?: boolean; created?: string } = {},
): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    labels: { app: 'web' },
    creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
  },
  spec: { containers: [{ name: 'c' }], ...(opts.node ? { nodeName: opts.node } : {}) },
  status: {
    phase: opts.node ? 'Running' : 'Pending',
    conditions: [
      {
        type: 'Ready',
        status: opts.ready ? 'True' : 'False',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  },
});

describe('ReplicaSet plan', () => {
  it.each([
    {
      name: 'creates the missing',
      pods: [pod('a', { node: 'n', ready: true })],
      create: 2,
      del: [] as string[],
    },
    {
      name: 'deletes unscheduled before scheduled',
      pods: ['a', 'b', 'c'].map((n) => pod(n, { node: 'n', ready: true })).concat([pod('d')]),
      create: 0,
      del: ['d'],
    },
    {
      name: 'deletes not-ready before ready',
      pods: [
        pod('a', { node: 'n', ready: true }),
        pod('b', { node: 'n' }),
        pod('c', { node: 'n', ready: true }),
        pod('d', { node: 'n', ready: true }),
      ],
      create: 0,
      del: ['b'],
    },
    {
      name: 'deletes newer first among equals',
      pods: [
        pod('a', { node: 'n', ready: true }),
        pod('b', { node: 'n', ready: true, created: '2026-02-01T00:00:00Z' }),
        pod('c', { node: 'n', ready: true }),
        pod('d', { node: 'n', ready: true }),
      ],
      create: 0,
      del: ['b'],
    },
  ])('$name', ({ pods, create, del }) => {
    const plan = planReplicaSet(rs, pods);
    expect(plan.create).toBe(create);
    expect(plan.delete.map((p) => p.metadata.name)).toEqual(del);
  });

  it('computes status counts', () => {
    const s = replicaSetStatus(
      rs,
      [pod('a', { node: 'n', ready: true }), pod('b', { node: 'n' })],
      new Date('2026-01-02T00:00:00Z'),
    );
    expect(s).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 2,
    });
  });

  it('stamps new pods with the template and a controller reference', () => {
    const p = podFromTemplate(rs);
    expect(p.metadata.generateName).toBe('web-abc-');
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      uid: 'r1',
      controller: true,
    });
  });
});
