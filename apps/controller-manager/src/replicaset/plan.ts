// ReplicaSet reconcile (upstream replica_set.go manageReplicas + calculateStatus), pure.
import type { Pod, ReplicaSet, ReplicaSetStatus } from '@svclab/api';
import { deletionRank, isPodAvailable, isPodReady } from '../util/pod-state.js';

/** Upstream's burstReplicas: at most this many creates or deletes per sync. */
export const BurstReplicas = 500;

export interface ReplicaSetPlan {
  readonly create: number;
  readonly delete: readonly Pod[];
}

/** `active` are the RS's controlled, active (not terminating, not finished) pods. */
export function planReplicaSet(rs: ReplicaSet, active: readonly Pod[]): ReplicaSetPlan {
  const want = rs.spec?.replicas ?? 1;
  const diff = active.length - want;
  if (diff < 0) return { create: Math.min(-diff, BurstReplicas), delete: [] };
  if (diff > 0)
    return {
      create: 0,
      delete: [...active].sort(deletionRank).slice(0, Math.min(diff, BurstReplicas)),
    };
  return { create: 0, delete: [] };
}

export function replicaSetStatus(
  rs: ReplicaSet,
  active: readonly Pod[],
  now: Date,
): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) =>
      Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
    ).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

/** A new pod for `rs`: the template, generateName `<rs>-`, controlled by the ReplicaSet. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec?.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name ?? ''}-`,
      namespace: rs.metadata.namespace ?? 'default',
      labels: { ...(t?.metadata?.labels ?? {}) },
      ...(t?.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name ?? '',
          uid: rs.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(t?.spec ?? { containers: [] }),
  };
}
