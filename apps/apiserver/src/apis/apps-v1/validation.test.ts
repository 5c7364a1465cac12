import type { Deployment, StatefulSet } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import {
  setDeploymentDefaults,
  setReplicaSetDefaults,
  setStatefulSetDefaults,
} from './defaults.js';
import {
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './validation.js';

function deploy(edit: (d: Deployment) => void = () => undefined): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'echo', image: 'svclab/echo:1' }] },
      },
    },
  };
  edit(d);
  setDeploymentDefaults(d);
  return d;
}

function sts(edit: (s: StatefulSet) => void = () => undefined): StatefulSet {
  const s: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image: 'db:1' }] },
      },
    },
  };
  edit(s);
  setStatefulSetDefaults(s);
  return s;
}

describe('apps defaults', () => {
  it('Deployment', () => {
    const d = deploy();
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(d.spec?.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    });
  });

  it('Recreate gets no rollingUpdate', () => {
    expect(deploy((d) => (d.spec!.strategy = { type: 'Recreate' })).spec?.strategy).toEqual({
      type: 'Recreate',
    });
  });

  it('StatefulSet', () => {
    expect(sts().spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    });
  });

  it('ReplicaSet', () => {
    const rs = {
      apiVersion: 'apps/v1' as const,
      kind: 'ReplicaSet' as const,
      metadata: { name: 'r' },
      spec: { selector: {} },
    };
    setReplicaSetDefaults(rs);
    expect(rs.spec).toMatchObject({ replicas: 1 });
  });
});

describe('validateDeployment', () => {
  it.each<{ name: string; edit: (d: Deployment) => void; want: string[] }>([
    { name: 'valid', edit: () => undefined, want: [] },
    {
      name: 'negative replicas',
      edit: (d) => (d.spec!.replicas = -1),
      want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'selector required',
      edit: (d) => delete (d.spec as Partial<NonNullable<Deployment['spec']>>).selector,
      want: ['spec.selector: Required value'],
    },
    {
      name: 'empty selector',
      edit: (d) => (d.spec!.selector = {}),
      want: ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    },
    {
      name: 'selector does not match',
      edit: (d) => (d.spec!.selector = { matchLabels: { app: 'api' } }),
      want: [
        'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
      ],
    },
    {
      name: 'expression without values',
      edit: (d) => (d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In' }] }),
      want: [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
    },
    {
      name: 'template restartPolicy must be Always',
      edit: (d) => (d.spec!.template.spec.restartPolicy = 'Never'),
      want: [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      ],
    },
    {
      name: 'template containers required',
      edit: (d) => (d.spec!.template.spec.containers = []),
      want: ['spec.template.spec.containers: Required value'],
    },
    {
      name: 'maxUnavailable and maxSurge both 0',
      edit: (d) =>
        (d.spec!.strategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' },
        }),
      want: [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
      ],
    },
    {
      name: 'bad percent',
      edit: (d) =>
        (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } }),
      want: [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
      ],
    },
    {
      name: 'Recreate with rollingUpdate',
      edit: (d) => (d.spec!.strategy = { type: 'Recreate', rollingUpdate: {} }),
      want: [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
      ],
    },
    {
      name: 'progressDeadlineSeconds ≤ minReadySeconds',
      edit: (d) => ((d.spec!.minReadySeconds = 10), (d.spec!.progressDeadlineSeconds = 10)),
      want: [
        'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
      ],
    },
    {
      name: 'template labels validated at template.labels',
      edit: (d) => (d.spec!.template.metadata = { labels: { app: 'web', x: 'bad-' } }),
      want: [
        `spec.template.labels: Invalid value: "bad-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
  ])('$name', ({ edit, want }) => {
    expect(validateDeployment(deploy(edit)).map(fieldErrorString)).toEqual(want);
  });

  it('selector is immutable on update', () => {
    const old = deploy();
    const cur = deploy(
      (d) => (
        (d.spec!.selector = { matchLabels: { app: 'web', tier: 'x' } }),
        (d.spec!.template.metadata = { labels: { app: 'web', tier: 'x' } })
      ),
    );
    expect(validateDeploymentUpdate(cur, old).map(fieldErrorString)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable',
    ]);
  });

  it('scaling is a valid update', () => {
    expect(
      validateDeploymentUpdate(
        deploy((d) => (d.spec!.replicas = 5)),
        deploy(),
      ),
    ).toEqual([]);
  });
});

describe('validateReplicaSet and validateStatefulSet', () => {
  it('ReplicaSet selector must match', () => {
    const rs = {
      apiVersion: 'apps/v1' as const,
      kind: 'ReplicaSet' as const,
      metadata: { name: 'r', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'b' } },
          spec: { containers: [{ name: 'c', image: 'i:1' }] },
        },
      },
    };
    setReplicaSetDefaults(rs);
    expect(validateReplicaSet(rs).map(fieldErrorString)).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`',
    ]);
  });

  it.each<{ name: string; edit: (s: StatefulSet) => void; want: string[] }>([
    { name: 'valid', edit: () => undefined, want: [] },
    {
      name: 'bad podManagementPolicy',
      edit: (s) => (s.spec!.podManagementPolicy = 'Random' as never),
      want: [
        "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      ],
    },
    {
      name: 'bad updateStrategy',
      edit: (s) => (s.spec!.updateStrategy = { type: 'Sometimes' as never }),
      want: [
        "spec.updateStrategy: Invalid value: \"Sometimes\": must be 'RollingUpdate' or 'OnDelete'",
      ],
    },
  ])('StatefulSet: $name', ({ edit, want }) => {
    expect(validateStatefulSet(sts(edit)).map(fieldErrorString)).toEqual(want);
  });

  it.each<{ name: string; edit: (s: StatefulSet) => void; ok: boolean }>([
    { name: 'replicas may change', edit: (s) => (s.spec!.replicas = 3), ok: true },
    {
      name: 'template may change',
      edit: (s) => (s.spec!.template.spec.containers[0]!.image = 'db:2'),
      ok: true,
    },
    { name: 'serviceName may not change', edit: (s) => (s.spec!.serviceName = 'other'), ok: false },
  ])('StatefulSet update: $name', ({ edit, ok }) => {
    const errs = validateStatefulSetUpdate(sts(edit), sts()).map(fieldErrorString);
    expect(errs.length === 0).toBe(ok);
    if (!ok)
      expect(errs[0]).toContain(
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'",
      );
  });
});
