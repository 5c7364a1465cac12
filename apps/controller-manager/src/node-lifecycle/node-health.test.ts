import type { Lease, Node } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { staleReadyCondition } from './node-health.js';

const node = (ready: 'True' | 'Unknown'): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const lease = (renew: string): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'n' },
  spec: { renewTime: renew },
});
const opts = { gracePeriodMs: 40_000, watchingSince: 0 };

describe('node lifecycle', () => {
  it.each([
    {
      name: 'renewed 10 s ago: healthy',
      n: node('True'),
      l: lease('2026-01-01T00:00:50.000000Z'),
      stale: false,
    },
    {
      name: 'renewed 41 s ago: Unknown',
      n: node('True'),
      l: lease('2026-01-01T00:00:19.000000Z'),
      stale: true,
    },
    {
      name: 'already Unknown: nothing to write',
      n: node('Unknown'),
      l: lease('2026-01-01T00:00:00.000000Z'),
      stale: false,
    },
  ])('$name', ({ n, l, stale }) => {
    const c = staleReadyCondition(n, l, { now: new Date('2026-01-01T00:01:00Z'), ...opts });
    expect(c !== undefined).toBe(stale);
    if (c)
      expect(c).toMatchObject({
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      });
  });

  it('grants a grace period from when the controller started watching', () => {
    const c = staleReadyCondition(node('True'), undefined, {
      now: new Date(30_000),
      gracePeriodMs: 40_000,
      watchingSince: 0,
    });
    expect(c).toBeUndefined();
  });
});
