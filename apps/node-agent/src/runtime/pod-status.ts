// Pod status as the kubelet writes it, computed from the runtime state of its containers (pure).
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '@svclab/api';

export interface ContainerRuntimeState {
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly lastState?: ContainerState;
  readonly ready: boolean;
  readonly restartCount: number;
}

export interface PodRuntimeState {
  readonly podIP?: string;
  readonly hostIP: string;
  readonly startTime: string;
  readonly containers: readonly ContainerRuntimeState[];
}

function condition(
  type: string,
  ok: boolean,
  at: { prev: PodStatus | undefined; now: string; notReady?: string[] },
): PodCondition {
  const { prev, now, notReady } = at;
  const status = ok ? 'True' : 'False';
  const old = prev?.conditions?.find((c) => c.type === type);
  const c: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime:
      old?.status === status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now,
  };
  if (!ok && notReady !== undefined) {
    c.reason = 'ContainersNotReady';
    c.message = `containers with unready status: [${notReady.join(' ')}]`;
  }
  return c;
}

function containerStatus(c: ContainerRuntimeState, podUID: string): ContainerStatus {
  const s: ContainerStatus = {
    name: c.name,
    state: c.state,
    lastState: c.lastState ?? {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.state.waiting ? '' : `svclab://${c.image}`,
    started: c.state.running !== undefined,
  };
  if (!c.state.waiting) s.containerID = `svclab://${podUID}/${c.name}/${c.restartCount}`;
  return s;
}

/** The status the node agent writes for `pod` given its runtime state, keeping transition times. */
export function computePodStatus(pod: Pod, rt: PodRuntimeState, now: string): PodStatus {
  const prev = pod.status;
  const notReady = rt.containers.filter((c) => !c.ready).map((c) => c.name);
  const allReady = rt.containers.length > 0 && notReady.length === 0;
  const anyRunning = rt.containers.some((c) => c.state.running !== undefined);
  const allTerminated =
    rt.containers.length > 0 && rt.containers.every((c) => c.state.terminated !== undefined);
  const phase = allTerminated
    ? rt.containers.every((c) => c.state.terminated?.exitCode === 0)
      ? 'Succeeded'
      : 'Failed'
    : anyRunning
      ? 'Running'
      : 'Pending';
  const scheduled = prev?.conditions?.find((c) => c.type === 'PodScheduled');
  const status: PodStatus = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', rt.podIP !== undefined, { prev, now }),
      condition('Initialized', true, { prev, now }),
      condition('Ready', allReady, { prev, now, notReady }),
      condition('ContainersReady', allReady, { prev, now, notReady }),
      scheduled ?? condition('PodScheduled', true, { prev, now }),
    ],
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    startTime: rt.startTime,
    containerStatuses: rt.containers.map((c) => containerStatus(c, pod.metadata.uid ?? '')),
    qosClass: 'BestEffort',
  };
  if (rt.podIP !== undefined) {
    status.podIP = rt.podIP;
    status.podIPs = [{ ip: rt.podIP }];
  }
  return status;
}
