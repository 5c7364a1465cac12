import type { Pod, StatefulSet } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { planStatefulSet, podForOrdinal } from './plan.js';

const sts: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 's1' },
  spec: {
    replicas: 3,
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'svclab/echo' }] },
    },
  },
};

function running(o: number, ready = true): Pod {
  const p = podForOrdinal(sts, o);
  return {
    ...p,
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('StatefulSet plan', () => {
  it('names pods by ordinal with hostname and subdomain', () => {
    const p = podForOrdinal(sts, 1);
    expect(p.metadata.name).toBe('web-1');
    expect(p.spec?.hostname).toBe('web-1');
    expect(p.spec?.subdomain).toBe('nginx');
    expect(p.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe('web-1');
  });

  it.each([
    { name: 'starts with web-0 only', pods: [], create: ['web-0'], del: [] },
    { name: 'waits while web-0 is not ready', pods: [running(0, false)], create: [], del: [] },
    { name: 'creates web-1 once web-0 is ready', pods: [running(0)], create: ['web-1'], del: [] },
    {
      name: 'nothing to do at full size',
      pods: [running(0), running(1), running(2)],
      create: [],
      del: [],
    },
    {
      name: 'scales down from the highest ordinal, one at a time',
      pods: [running(0), running(1), running(2), running(3), running(4)],
      create: [],
      del: ['web-4'],
    },
  ])('$name', ({ pods, create, del }) => {
    const plan = planStatefulSet(sts, pods);
    expect(plan.create.map((p) => p.metadata.name)).toEqual(create);
    expect(plan.delete.map((p) => p.metadata.name)).toEqual(del);
  });

  it('Parallel creates every missing pod at once', () => {
    const plan = planStatefulSet(
      { ...sts, spec: { ...sts.spec!, podManagementPolicy: 'Parallel' } },
      [],
    );
    expect(plan.create.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
  });
});
