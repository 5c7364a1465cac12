// StatefulSet reconcile (upstream stateful_set_control.go, abridged), pure: stable ordinal names,
// hostname/subdomain from serviceName, OrderedReady (one at a time, in order, each Running and
// Ready before the next) or Parallel, scale-down from the highest ordinal, rolling update of pods
// whose revision differs, from the highest ordinal down.
import type { Pod, StatefulSet, StatefulSetStatus } from '@svclab/api';
import { computeHash } from '../util/hash.js';
import { isPodAvailable, isPodReady } from '../util/pod-state.js';

export const PodNameLabel = 'statefulset.kubernetes.io/pod-name';
export const PodIndexLabel = 'apps.kubernetes.io/pod-index';
export const RevisionLabel = 'controller-revision-hash';

export function ordinalOf(sts: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${sts.metadata.name ?? ''}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

export function updateRevision(sts: StatefulSet): string {
  return `${sts.metadata.name ?? ''}-${computeHash(sts.spec?.template ?? {})}`;
}

export function podForOrdinal(sts: StatefulSet, ordinal: number): Pod {
  const name = `${sts.metadata.name ?? ''}-${ordinal}`;
  const t = sts.spec?.template;
  const spec = structuredClone(t?.spec ?? { containers: [] });
  spec.hostname = name;
  if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: sts.metadata.namespace ?? 'default',
      labels: {
        ...(t?.metadata?.labels ?? {}),
        [PodNameLabel]: name,
        [PodIndexLabel]: String(ordinal),
        [RevisionLabel]: updateRevision(sts),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          name: sts.metadata.name ?? '',
          uid: sts.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
}

export interface StatefulSetPlan {
  readonly create: readonly Pod[];
  readonly delete: readonly Pod[];
}

const healthy = (p: Pod): boolean =>
  p.status?.phase === 'Running' && isPodReady(p) && p.metadata.deletionTimestamp === undefined;

/** `pods` are the pods the set controls. */
export function planStatefulSet(sts: StatefulSet, pods: readonly Pod[]): StatefulSetPlan {
  const replicas = sts.spec?.replicas ?? 1;
  const parallel = sts.spec?.podManagementPolicy === 'Parallel';
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const o = ordinalOf(sts, p);
    if (o !== undefined) byOrdinal.set(o, p);
  }
  const create: Pod[] = [];
  const del: Pod[] = [];
  // Scale up in order.
  for (let i = 0; i < replicas; i++) {
    const p = byOrdinal.get(i);
    if (p === undefined) {
      create.push(podForOrdinal(sts, i));
      if (!parallel) return { create, delete: [] };
      continue;
    }
    if (p.metadata.deletionTimestamp !== undefined || !healthy(p)) {
      if (!parallel) return { create, delete: [] };
    }
  }
  // Scale down from the highest ordinal.
  const extra = [...byOrdinal.entries()].filter(([o]) => o >= replicas).sort(([a], [b]) => b - a);
  if (extra.length > 0) {
    if (extra.some(([, p]) => p.metadata.deletionTimestamp !== undefined) && !parallel)
      return { create, delete: [] };
    const victims = parallel ? extra.map(([, p]) => p) : extra.slice(0, 1).map(([, p]) => p);
    return { create, delete: victims.filter((p) => p.metadata.deletionTimestamp === undefined) };
  }
  // Rolling update: replace the highest-ordinal pod with an old revision, once all are healthy.
  if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const rev = updateRevision(sts);
    const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const all = [...byOrdinal.entries()].sort(([a], [b]) => b - a);
    if (all.every(([, p]) => healthy(p))) {
      const stale = all.find(
        ([o, p]) => o >= partition && p.metadata.labels?.[RevisionLabel] !== rev,
      );
      if (stale) del.push(stale[1]);
    }
  }
  return { create, delete: del };
}

export function statefulSetStatus(
  sts: StatefulSet,
  pods: readonly Pod[],
  now: Date,
): StatefulSetStatus {
  const rev = updateRevision(sts);
  const active = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
  const updated = active.filter((p) => p.metadata.labels?.[RevisionLabel] === rev).length;
  return {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: active.length,
    readyReplicas: active.filter(isPodReady).length,
    currentReplicas: updated,
    updatedReplicas: updated,
    availableReplicas: active.filter((p) => isPodAvailable(p, sts.spec?.minReadySeconds ?? 0, now))
      .length,
    currentRevision: rev,
    updateRevision: rev,
    collisionCount: 0,
  };
}
