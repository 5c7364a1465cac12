import type { Pod } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { computePodStatus, type ContainerRuntimeState } from './pod-status.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'web', image: 'svclab/echo' }] },
};
const now = '2026-11-26T10:00:00Z';
const running = (ready: boolean, restartCount = 0): ContainerRuntimeState => ({
  name: 'web',
  image: 'svclab/echo',
  state: { running: { startedAt: now } },
  ready,
  restartCount,
});

describe('computePodStatus', () => {
  it.each([
    { name: 'running and ready', c: running(true), phase: 'Running', ready: 'True' },
    { name: 'running, not ready', c: running(false), phase: 'Running', ready: 'False' },
    {
      name: 'image cannot be pulled',
      c: {
        name: 'web',
        image: 'nginx',
        state: { waiting: { reason: 'ErrImagePull', message: 'x' } },
        ready: false,
        restartCount: 0,
      },
      phase: 'Pending',
      ready: 'False',
    },
  ])('$name', ({ c, phase, ready }) => {
    const s = computePodStatus(
      pod,
      { podIP: '127.244.1.5', hostIP: '127.0.1.1', startTime: now, containers: [c] },
      now,
    );
    expect(s.phase).toBe(phase);
    expect(s.conditions?.find((x) => x.type === 'Ready')?.status).toBe(ready);
    expect(s.conditions?.find((x) => x.type === 'ContainersReady')?.status).toBe(ready);
    expect(s.podIPs).toEqual([{ ip: '127.244.1.5' }]);
  });

  it('explains which containers are not ready, as the kubelet does', () => {
    const s = computePodStatus(
      pod,
      { podIP: '127.244.1.5', hostIP: '127.0.1.1', startTime: now, containers: [running(false)] },
      now,
    );
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
  });

  it('keeps lastTransitionTime while a condition holds', () => {
    const first = computePodStatus(
      pod,
      { podIP: '127.244.1.5', hostIP: '127.0.1.1', startTime: now, containers: [running(true)] },
      now,
    );
    const later = computePodStatus(
      { ...pod, status: first },
      { podIP: '127.244.1.5', hostIP: '127.0.1.1', startTime: now, containers: [running(true, 1)] },
      '2026-11-26T10:05:00Z',
    );
    expect(later.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime).toBe(now);
    expect(later.containerStatuses?.[0]?.restartCount).toBe(1);
  });
});
