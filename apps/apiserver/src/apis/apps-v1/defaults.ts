// apps/v1 defaulting (pkg/apis/apps/v1/defaults.go): Deployment, ReplicaSet, StatefulSet.
import type { Deployment, ReplicaSet, StatefulSet } from '@svclab/api';
import { isObject, isRecord } from '../meta/accessors.js';
import { setPodSpecDefaults } from '../core/pod-defaults.js';

function templateDefaults(spec: { template?: unknown }): void {
  if (isRecord(spec.template)) setPodSpecDefaults(spec.template['spec']);
}

export function setDeploymentDefaults(d: Deployment): void {
  if (!isObject(d.spec)) return;
  const spec = d.spec;
  spec.replicas ??= 1;
  if (!isObject(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy;
  if (strategy.type === undefined || (strategy.type as string) === '')
    strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    strategy.rollingUpdate.maxUnavailable ??= '25%';
    strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  templateDefaults(spec);
}

export function setReplicaSetDefaults(rs: ReplicaSet): void {
  if (!isObject(rs.spec)) return;
  rs.spec.replicas ??= 1;
  templateDefaults(rs.spec);
}

export function setStatefulSetDefaults(ss: StatefulSet): void {
  if (!isObject(ss.spec)) return;
  const spec = ss.spec;
  spec.replicas ??= 1;
  if (spec.podManagementPolicy === undefined || (spec.podManagementPolicy as string) === '')
    spec.podManagementPolicy = 'OrderedReady';
  if (!isObject(spec.updateStrategy)) spec.updateStrategy = {};
  const us = spec.updateStrategy;
  if (us.type === undefined || (us.type as string) === '') us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    if (!isObject(us.rollingUpdate)) us.rollingUpdate = {};
    us.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  templateDefaults(spec);
}
