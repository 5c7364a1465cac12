// Deployment rollout planning (upstream pkg/controller/deployment: sync.go, rolling.go,
// recreate.go, util/deployment_util.go), pure: given the Deployment and the ReplicaSets it owns,
// what to create and how to scale. The controller applies the plan and calls again.
import type {
  Deployment,
  DeploymentStatus,
  IntOrString,
  ReplicaSet,
  WorkloadCondition,
} from '@svclab/api';
import { computeHash } from '../util/hash.js';

export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const PodTemplateHashLabel = 'pod-template-hash';

/** Resolves an int-or-percent against `total` (surge rounds up, unavailable rounds down). */
export function resolveIntOrPercent(
  v: IntOrString | undefined,
  total: number,
  opts: { roundUp: boolean; dflt: string },
): number {
  const { roundUp } = opts;
  const x = v ?? opts.dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (m === null) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate;
  let maxSurge = resolveIntOrPercent(ru?.maxSurge, replicas, { roundUp: true, dflt: '25%' });
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable, replicas, {
    roundUp: false,
    dflt: '25%',
  });
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (d.spec?.strategy?.type === 'Recreate') {
    maxSurge = 0;
    maxUnavailable = replicas;
  }
  return { maxSurge, maxUnavailable };
}

function templateWithoutHash(rs: ReplicaSet): unknown {
  const t = structuredClone(rs.spec?.template ?? { spec: { containers: [] } });
  if (t.metadata?.labels) {
    t.metadata.labels = Object.fromEntries(
      Object.entries(t.metadata.labels).filter(([k]) => k !== PodTemplateHashLabel),
    );
  }
  return t;
}

export function templateHash(d: Deployment): string {
  return computeHash(d.spec?.template ?? {}, d.status?.collisionCount ?? 0);
}

/** The ReplicaSet whose template equals the Deployment's (ignoring pod-template-hash). */
export function findNewReplicaSet(
  d: Deployment,
  owned: readonly ReplicaSet[],
): ReplicaSet | undefined {
  const want = computeHash(d.spec?.template ?? {});
  return [...owned]
    .sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    )
    .find((rs) => computeHash(templateWithoutHash(rs)) === want);
}

function revision(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[RevisionAnnotation] ?? '0') || 0;
}

export function newReplicaSetFor(
  d: Deployment,
  owned: readonly ReplicaSet[],
  replicas: number,
): ReplicaSet {
  const hash = templateHash(d);
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const template = structuredClone(d.spec?.template ?? { spec: { containers: [] } });
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [PodTemplateHashLabel]: hash },
  };
  const { maxSurge } = resolveFenceposts(d);
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [PodTemplateHashLabel]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace ?? 'default',
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: {
        [RevisionAnnotation]: String(Math.max(0, ...owned.map(revision)) + 1),
        [DesiredReplicasAnnotation]: String(d.spec?.replicas ?? 1),
        [MaxReplicasAnnotation]: String((d.spec?.replicas ?? 1) + maxSurge),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name ?? '',
          uid: d.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
}

export interface RolloutPlan {
  /** ReplicaSet to create (new template), with its initial replicas. */
  readonly create?: ReplicaSet;
  /** Replica counts to set, by ReplicaSet name. */
  readonly scale: ReadonlyMap<string, number>;
}

const replicasOf = (rs: ReplicaSet): number => rs.spec?.replicas ?? 0;
const availableOf = (rs: ReplicaSet): number => rs.status?.availableReplicas ?? 0;

/** One step of the rollout. `owned` are the ReplicaSets the Deployment controls. */
export function planRollout(d: Deployment, owned: readonly ReplicaSet[]): RolloutPlan {
  const want = d.spec?.replicas ?? 1;
  const newRS = findNewReplicaSet(d, owned);
  const old = owned.filter((rs) => rs !== newRS);
  const scale = new Map<string, number>();
  const { maxSurge, maxUnavailable } = resolveFenceposts(d);
  const total = owned.reduce((s, rs) => s + replicasOf(rs), 0);

  if (d.spec?.strategy?.type === 'Recreate') {
    const oldRunning = old.reduce(
      (s, rs) => s + Math.max(replicasOf(rs), rs.status?.replicas ?? 0),
      0,
    );
    for (const rs of old) if (replicasOf(rs) !== 0) scale.set(rs.metadata.name ?? '', 0);
    if (oldRunning > 0) return newRS ? { scale } : { create: newReplicaSetFor(d, owned, 0), scale };
    if (!newRS) return { create: newReplicaSetFor(d, owned, want), scale };
    if (replicasOf(newRS) !== want) scale.set(newRS.metadata.name ?? '', want);
    return { scale };
  }

  if (newRS === undefined) {
    // NewRSNewReplicas for a brand-new set: as much as the surge allows.
    const initial = old.length === 0 ? want : Math.max(0, Math.min(want, want + maxSurge - total));
    return { create: newReplicaSetFor(d, owned, initial), scale };
  }

  // reconcileNewReplicaSet
  let newCount = replicasOf(newRS);
  if (newCount > want) newCount = want;
  else if (newCount < want) {
    const maxTotal = want + maxSurge;
    if (total < maxTotal) newCount += Math.min(maxTotal - total, want - newCount);
  }
  if (newCount !== replicasOf(newRS)) scale.set(newRS.metadata.name ?? '', newCount);

  // reconcileOldReplicaSets
  const oldCount = old.reduce((s, rs) => s + replicasOf(rs), 0);
  if (oldCount === 0) return { scale };
  const allCount = total;
  const minAvailable = want - maxUnavailable;
  const newUnavailable = replicasOf(newRS) - availableOf(newRS);
  let maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return { scale };
  const sorted = [...old].sort((a, b) =>
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
  );
  const target = new Map(sorted.map((rs) => [rs.metadata.name ?? '', replicasOf(rs)]));
  // cleanupUnhealthyReplicas: unavailable old pods go first.
  for (const rs of sorted) {
    if (maxScaledDown <= 0) break;
    const name = rs.metadata.name ?? '';
    const unhealthy = Math.max(0, (target.get(name) ?? 0) - availableOf(rs));
    const down = Math.min(unhealthy, maxScaledDown);
    if (down > 0) {
      target.set(name, (target.get(name) ?? 0) - down);
      maxScaledDown -= down;
    }
  }
  // scaleDownOldReplicaSetsForRollingUpdate: keep at least minAvailable available pods.
  const available = owned.reduce((s, rs) => s + availableOf(rs), 0);
  let budget = Math.min(available - minAvailable, maxScaledDown);
  for (const rs of sorted) {
    if (budget <= 0) break;
    const name = rs.metadata.name ?? '';
    const cur = target.get(name) ?? 0;
    const down = Math.min(cur, budget);
    target.set(name, cur - down);
    budget -= down;
  }
  for (const rs of sorted) {
    const name = rs.metadata.name ?? '';
    if (target.get(name) !== replicasOf(rs)) scale.set(name, target.get(name) ?? 0);
  }
  return { scale };
}

function cond(
  [type, ok, reason, message]: readonly [string, boolean, string, string],
  at: { prev: WorkloadCondition[] | undefined; now: string },
): WorkloadCondition {
  const { prev, now } = at;
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status,
    lastUpdateTime:
      old?.status === status && old.reason === reason ? (old.lastUpdateTime ?? now) : now,
    lastTransitionTime: old?.status === status ? (old.lastTransitionTime ?? now) : now,
    reason,
    message,
  };
}

/** Deployment status from its ReplicaSets (upstream calculateStatus + conditions). */
export function deploymentStatus(
  d: Deployment,
  owned: readonly ReplicaSet[],
  now: Date,
): DeploymentStatus {
  const want = d.spec?.replicas ?? 1;
  const newRS = findNewReplicaSet(d, owned);
  const sum = (f: (rs: ReplicaSet) => number): number => owned.reduce((s, rs) => s + f(rs), 0);
  const available = sum((rs) => rs.status?.availableReplicas ?? 0);
  const ts = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const { maxUnavailable } = resolveFenceposts(d);
  const updated = newRS?.status?.replicas ?? 0;
  const replicas = sum((rs) => rs.status?.replicas ?? 0);
  const complete =
    newRS !== undefined &&
    updated === want &&
    replicas === want &&
    (newRS.status?.availableReplicas ?? 0) === want;
  const newName = newRS?.metadata.name ?? '';
  return {
    observedGeneration: d.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicas - available, want - available),
    conditions: [
      available >= want - maxUnavailable
        ? cond(
            ['Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
            { prev: d.status?.conditions, now: ts },
          )
        : cond(
            [
              'Available',
              false,
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ],
            { prev: d.status?.conditions, now: ts },
          ),
      complete
        ? cond(
            [
              'Progressing',
              true,
              'NewReplicaSetAvailable',
              `ReplicaSet "${newName}" has successfully progressed.`,
            ],
            { prev: d.status?.conditions, now: ts },
          )
        : cond(
            ['Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${newName}" is progressing.`],
            { prev: d.status?.conditions, now: ts },
          ),
    ],
    ...(d.status?.collisionCount === undefined ? {} : { collisionCount: d.status.collisionCount }),
  };
}
