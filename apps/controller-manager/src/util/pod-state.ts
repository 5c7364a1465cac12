// Pod predicates the workload controllers share (upstream pkg/api/v1/pod, controller_utils.go).
import type { Pod } from '@svclab/api';

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Ready for at least minReadySeconds at `now` (upstream IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  if (c === undefined) return false;
  if (minReadySeconds === 0) return true;
  const since = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now.getTime();
}

export function isPodActive(pod: Pod): boolean {
  return (
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed' &&
    pod.metadata.deletionTimestamp === undefined
  );
}

export function isControlledBy(pod: Pod, uid: string | undefined): boolean {
  return (
    uid !== undefined &&
    (pod.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid)
  );
}

/**
 * Order in which surplus pods are deleted (upstream ActivePods sort, abridged): unscheduled before
 * scheduled, pending before running, not ready before ready, more restarts first, newer first.
 */
export function deletionRank(a: Pod, b: Pod): number {
  const key = (p: Pod): number[] => [
    p.spec?.nodeName === undefined || p.spec.nodeName === '' ? 0 : 1,
    p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2,
    isPodReady(p) ? 1 : 0,
    -(p.status?.containerStatuses ?? []).reduce((s, c) => s + c.restartCount, 0),
    -Date.parse(p.metadata.creationTimestamp ?? '1970-01-01T00:00:00Z'),
  ];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}
