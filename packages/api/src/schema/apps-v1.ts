// apps/v1 and autoscaling/v1 definitions: Deployment, ReplicaSet, StatefulSet and Scale.
import {
  APPS,
  arrOf,
  AUTOSCALING,
  bool,
  CORE,
  enumStr,
  int32,
  int64,
  INT_OR_STRING,
  kind,
  META,
  obj,
  ref,
  str,
  time,
} from './builders.js';
import type { DefinitionSchema, DefinitionTable, SchemaGVK } from './types.js';

const gvk = (k: string): SchemaGVK => ({ group: 'apps', version: 'v1', kind: k });
const selector = ref(
  `${META}LabelSelector`,
  'Selects the pods this workload owns; must match the template labels. Immutable.',
);
const template = ref(`${CORE}PodTemplateSpec`, 'Template of the pods to create.');

function workloadCondition(of: string): DefinitionSchema {
  return obj(
    `One condition of a ${of}.`,
    {
      type: str('Condition type, e.g. Available or Progressing.'),
      status: enumStr(['True', 'False', 'Unknown'], 'Whether the condition holds.'),
      lastUpdateTime: time('When the condition was last updated.'),
      lastTransitionTime: time('When status last changed.'),
      reason: str('CamelCase reason for the last transition.'),
      message: str('Human-readable detail.'),
    },
    { required: ['type', 'status'] },
  );
}

const conditions = (def: string) =>
  arrOf(`${APPS}${def}`, 'Current conditions.', {
    patchStrategy: 'merge',
    patchMergeKey: 'type',
    listType: 'map',
    listMapKeys: ['type'],
  });

export const appsV1Definitions: DefinitionTable = {
  [`${APPS}Deployment`]: kind(
    gvk('Deployment'),
    'Declarative updates for pods through ReplicaSets.',
    {
      spec: ref(`${APPS}DeploymentSpec`, 'Desired state of the deployment.'),
      status: ref(`${APPS}DeploymentStatus`, 'Observed state of the deployment.'),
    },
  ),
  [`${APPS}DeploymentSpec`]: obj(
    'Desired state of a deployment.',
    {
      replicas: int32('Desired number of pods (default 1).'),
      selector,
      template,
      strategy: ref(`${APPS}DeploymentStrategy`, 'How old pods are replaced by new ones.', {
        patchStrategy: 'retainKeys',
      }),
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
      revisionHistoryLimit: int32('Old ReplicaSets kept for rollback (default 10).'),
      paused: bool('Stops rollouts while true.'),
      progressDeadlineSeconds: int32(
        'Seconds before a stalled rollout is reported as failed (default 600).',
      ),
    },
    { required: ['selector', 'template'] },
  ),
  [`${APPS}DeploymentStrategy`]: obj('How a deployment replaces pods.', {
    type: enumStr(['Recreate', 'RollingUpdate'], 'Recreate or RollingUpdate (default).'),
    rollingUpdate: ref(`${APPS}RollingUpdateDeployment`, 'Parameters of a rolling update.'),
  }),
  [`${APPS}RollingUpdateDeployment`]: obj('Parameters of a rolling update.', {
    maxUnavailable: ref(
      INT_OR_STRING,
      'Pods that may be unavailable during the update, as a number or percentage (default 25%).',
    ),
    maxSurge: ref(
      INT_OR_STRING,
      'Pods that may be created above the desired count, as a number or percentage (default 25%).',
    ),
  }),
  [`${APPS}DeploymentStatus`]: obj('Observed state of a deployment.', {
    observedGeneration: int64('Generation observed by the controller.'),
    replicas: int32('Pods targeted by the deployment.'),
    updatedReplicas: int32('Pods with the current template.'),
    readyReplicas: int32('Ready pods.'),
    availableReplicas: int32('Pods ready for at least minReadySeconds.'),
    unavailableReplicas: int32('Pods still needed to reach the desired count.'),
    conditions: conditions('DeploymentCondition'),
    collisionCount: int32('Hash collisions seen when naming ReplicaSets.'),
  }),
  [`${APPS}DeploymentCondition`]: workloadCondition('deployment'),

  [`${APPS}ReplicaSet`]: kind(gvk('ReplicaSet'), 'Keeps a number of identical pods running.', {
    spec: ref(`${APPS}ReplicaSetSpec`, 'Desired state of the replica set.'),
    status: ref(`${APPS}ReplicaSetStatus`, 'Observed state of the replica set.'),
  }),
  [`${APPS}ReplicaSetSpec`]: obj(
    'Desired state of a replica set.',
    {
      replicas: int32('Desired number of pods (default 1).'),
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
      selector,
      template,
    },
    { required: ['selector'] },
  ),
  [`${APPS}ReplicaSetStatus`]: obj(
    'Observed state of a replica set.',
    {
      replicas: int32('Pods currently owned.'),
      fullyLabeledReplicas: int32('Pods whose labels match the template.'),
      readyReplicas: int32('Ready pods.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      observedGeneration: int64('Generation observed by the controller.'),
      conditions: conditions('ReplicaSetCondition'),
    },
    { required: ['replicas'] },
  ),
  [`${APPS}ReplicaSetCondition`]: workloadCondition('replica set'),

  [`${APPS}StatefulSet`]: kind(gvk('StatefulSet'), 'Pods with stable names and ordered rollout.', {
    spec: ref(`${APPS}StatefulSetSpec`, 'Desired state of the stateful set.'),
    status: ref(`${APPS}StatefulSetStatus`, 'Observed state of the stateful set.'),
  }),
  [`${APPS}StatefulSetSpec`]: obj(
    'Desired state of a stateful set.',
    {
      replicas: int32('Desired number of pods (default 1).'),
      selector,
      template,
      serviceName: str('Headless service that gives the pods their DNS names.'),
      podManagementPolicy: enumStr(
        ['OrderedReady', 'Parallel'],
        'OrderedReady (default) creates pods one by one; Parallel all at once.',
      ),
      updateStrategy: ref(`${APPS}StatefulSetUpdateStrategy`, 'How pods are updated.'),
      revisionHistoryLimit: int32('Old revisions kept (default 10).'),
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
    },
    { required: ['selector', 'template'] },
  ),
  [`${APPS}StatefulSetUpdateStrategy`]: obj('How a stateful set updates pods.', {
    type: enumStr(['OnDelete', 'RollingUpdate'], 'RollingUpdate (default) or OnDelete.'),
    rollingUpdate: ref(
      `${APPS}RollingUpdateStatefulSetStrategy`,
      'Parameters of a rolling update.',
    ),
  }),
  [`${APPS}RollingUpdateStatefulSetStrategy`]: obj('Parameters of a stateful set rolling update.', {
    partition: int32('Only pods with an ordinal at or above this are updated.'),
    maxUnavailable: ref(INT_OR_STRING, 'Pods that may be unavailable during the update.'),
  }),
  [`${APPS}StatefulSetStatus`]: obj(
    'Observed state of a stateful set.',
    {
      observedGeneration: int64('Generation observed by the controller.'),
      replicas: int32('Pods currently owned.'),
      readyReplicas: int32('Ready pods.'),
      currentReplicas: int32('Pods at currentRevision.'),
      updatedReplicas: int32('Pods at updateRevision.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      currentRevision: str('Revision of the current pods.'),
      updateRevision: str('Revision pods are being updated to.'),
      collisionCount: int32('Hash collisions seen when naming revisions.'),
      conditions: conditions('StatefulSetCondition'),
    },
    { required: ['replicas'] },
  ),
  [`${APPS}StatefulSetCondition`]: workloadCondition('stateful set'),

  [`${AUTOSCALING}Scale`]: kind(
    { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    'The scale subresource of a workload.',
    {
      spec: ref(`${AUTOSCALING}ScaleSpec`, 'Desired scale.'),
      status: ref(`${AUTOSCALING}ScaleStatus`, 'Observed scale.'),
    },
  ),
  [`${AUTOSCALING}ScaleSpec`]: obj('Desired scale.', {
    replicas: int32('Desired number of pods.'),
  }),
  [`${AUTOSCALING}ScaleStatus`]: obj(
    'Observed scale.',
    {
      replicas: int32('Actual number of pods.'),
      selector: str('Label selector of the pods, in string form.'),
    },
    { required: ['replicas'] },
  ),
};
