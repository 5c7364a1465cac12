import type { Deployment, ReplicaSet } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { findNewReplicaSet, planRollout, resolveFenceposts } from './rolling.js';

function deployment(
  image: string,
  replicas: number,
  maxSurge: number | string = '25%',
  maxUnavailable: number | string = '25%',
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
    },
  };
}

/** Applies plans until stable; every RS's pods become available at once. Returns min available seen. */
function simulate(
  d: Deployment,
  start: ReplicaSet[],
): { sets: ReplicaSet[]; minAvailable: number; maxTotal: number } {
  let sets = start.map((s) => structuredClone(s));
  let minAvailable = Infinity;
  let maxTotal = 0;
  let t = 0;
  for (let step = 0; step < 100; step++) {
    const plan = planRollout(d, sets);
    if (plan.create === undefined && plan.scale.size === 0) break;
    if (plan.create)
      sets.push({
        ...plan.create,
        metadata: {
          ...plan.create.metadata,
          creationTimestamp: `2026-01-01T00:00:${String(10 + t++).padStart(2, '0')}Z`,
        },
      });
    sets = sets.map((rs) => {
      const r = plan.scale.get(rs.metadata.name ?? '');
      return r === undefined ? rs : { ...rs, spec: { ...rs.spec!, replicas: r } };
    });
    // Scale-downs take effect at once; scale-ups become available on the next step.
    const total = sets.reduce((s, rs) => s + (rs.spec?.replicas ?? 0), 0);
    maxTotal = Math.max(maxTotal, total);
    const available = sets.reduce(
      (s, rs) => s + Math.min(rs.status?.availableReplicas ?? 0, rs.spec?.replicas ?? 0),
      0,
    );
    minAvailable = Math.min(minAvailable, available);
    sets = sets.map((rs) => ({
      ...rs,
      status: {
        replicas: rs.spec?.replicas ?? 0,
        availableReplicas: rs.spec?.replicas ?? 0,
        readyReplicas: rs.spec?.replicas ?? 0,
      },
    }));
  }
  return { sets, minAvailable, maxTotal };
}

describe('Deployment rolling update', () => {
  it.each([
    {
      name: 'defaults 25%/25% of 4',
      replicas: 4,
      surge: '25%',
      unavailable: '25%',
      want: { maxSurge: 1, maxUnavailable: 1 },
    },
    {
      name: 'percent rounding of 10',
      replicas: 10,
      surge: '25%',
      unavailable: '25%',
      want: { maxSurge: 3, maxUnavailable: 2 },
    },
    {
      name: 'both zero becomes unavailable 1',
      replicas: 3,
      surge: 0,
      unavailable: 0,
      want: { maxSurge: 0, maxUnavailable: 1 },
    },
  ])('resolves fenceposts: $name', ({ replicas, surge, unavailable, want }) => {
    expect(resolveFenceposts(deployment('a', replicas, surge, unavailable))).toEqual(want);
  });

  it('creates the first ReplicaSet at full size', () => {
    const plan = planRollout(deployment('v1', 3), []);
    expect(plan.create?.spec?.replicas).toBe(3);
    expect(plan.create?.metadata.name).toMatch(/^web-[a-z0-9]+$/);
    expect(plan.create?.spec?.template?.metadata?.labels?.['pod-template-hash']).toBeDefined();
  });

  it.each([
    { name: '10 replicas, 25%/25%', replicas: 10, surge: '25%', unavailable: '25%' },
    { name: '3 replicas, surge 1, unavailable 0', replicas: 3, surge: 1, unavailable: 0 },
    { name: '5 replicas, surge 0, unavailable 1', replicas: 5, surge: 0, unavailable: 1 },
  ])(
    'never drops below replicas - maxUnavailable nor above replicas + maxSurge: $name',
    ({ replicas, surge, unavailable }) => {
      const v1 = deployment('v1', replicas, surge, unavailable);
      const first = simulate(v1, []);
      const v2 = deployment('v2', replicas, surge, unavailable);
      const { sets, minAvailable, maxTotal } = simulate(v2, first.sets);
      const f = resolveFenceposts(v2);
      expect(minAvailable).toBeGreaterThanOrEqual(replicas - f.maxUnavailable);
      expect(maxTotal).toBeLessThanOrEqual(replicas + f.maxSurge);
      const newRS = findNewReplicaSet(v2, sets);
      expect(newRS?.spec?.replicas).toBe(replicas);
      expect(sets.filter((s) => s !== newRS).every((s) => s.spec?.replicas === 0)).toBe(true);
      expect(newRS?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    },
  );

  it('scales the new ReplicaSet when replicas change', () => {
    const d = deployment('v1', 3);
    const { sets } = simulate(d, []);
    const scaled = simulate({ ...d, spec: { ...d.spec!, replicas: 10 } }, sets);
    expect(scaled.sets.map((s) => s.spec?.replicas)).toEqual([10]);
  });
});
