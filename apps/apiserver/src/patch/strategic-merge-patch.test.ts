// Table-driven cases modelled on upstream's strategicpatch tests (merge by key, $patch directives,
// $setElementOrder, $retainKeys, parallel deletion lists), on our real schemas.
import { describe, expect, it } from 'vitest';
import { isStatusError, statusOf } from '@svclab/apimachinery';
import { applyStrategicMergePatch } from './index.js';

const svc = (
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = { name: 'web' },
) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata,
  spec,
});
const pod = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec,
  status,
});

interface Case {
  name: string;
  apiVersion?: string;
  kind?: string;
  original: unknown;
  patch: Record<string, unknown>;
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'Service ports merge by port: change one, keep the other',
    original: svc({
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'https', port: 443 },
      ],
    }),
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: svc({
      ports: [
        { name: 'http', port: 80, targetPort: 9090 },
        { name: 'https', port: 443 },
      ],
    }),
  },
  {
    name: 'kubectl apply adds a port with $setElementOrder',
    original: svc({ ports: [{ name: 'http', port: 80 }] }),
    patch: {
      spec: {
        '$setElementOrder/ports': [{ port: 80 }, { port: 8080 }],
        ports: [{ name: 'alt', port: 8080 }],
      },
    },
    want: svc({
      ports: [
        { name: 'http', port: 80 },
        { name: 'alt', port: 8080 },
      ],
    }),
  },
  {
    name: '$setElementOrder reorders without content changes',
    original: svc({
      ports: [
        { name: 'a', port: 1 },
        { name: 'b', port: 2 },
        { name: 'c', port: 3 },
      ],
    }),
    patch: { spec: { '$setElementOrder/ports': [{ port: 3 }, { port: 1 }, { port: 2 }] } },
    want: svc({
      ports: [
        { name: 'c', port: 3 },
        { name: 'a', port: 1 },
        { name: 'b', port: 2 },
      ],
    }),
  },
  {
    name: 'server-only items keep their place among ordered patch items',
    original: svc({ ports: [{ port: 1 }, { port: 2 }, { port: 3 }] }),
    patch: {
      spec: {
        '$setElementOrder/ports': [{ port: 1 }, { port: 3 }],
        ports: [{ port: 3, name: 'x' }],
      },
    },
    want: svc({ ports: [{ port: 1 }, { port: 2 }, { port: 3, name: 'x' }] }),
  },
  {
    name: '$patch: delete removes the element with that merge key',
    original: svc({ ports: [{ port: 80 }, { port: 443 }] }),
    patch: { spec: { ports: [{ port: 443, $patch: 'delete' }] } },
    want: svc({ ports: [{ port: 80 }] }),
  },
  {
    name: '$patch: replace in a list replaces the whole list',
    original: pod({
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    }),
    patch: { spec: { containers: [{ name: 'c', image: 'z' }, { $patch: 'replace' }] } },
    want: pod({ containers: [{ name: 'c', image: 'z' }] }),
  },
  {
    name: '$patch: replace on a map replaces the map',
    original: svc({ selector: { app: 'web', tier: 'fe' } }),
    patch: { spec: { selector: { $patch: 'replace', app: 'api' } } },
    want: svc({ selector: { app: 'api' } }),
  },
  {
    name: '$patch: delete on a map empties it',
    original: svc({}, { name: 'web', labels: { a: 'b' } }),
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: svc({}, { name: 'web', labels: {} }),
  },
  {
    name: 'null deletes a field; unmatched nulls are ignored',
    original: svc(
      { type: 'NodePort', externalTrafficPolicy: 'Local' },
      { name: 'web', labels: { a: 'b', c: 'd' } },
    ),
    patch: { metadata: { labels: { a: null, zz: null } }, spec: { externalTrafficPolicy: null } },
    want: svc({ type: 'NodePort' }, { name: 'web', labels: { c: 'd' } }),
  },
  {
    name: 'lists without a strategy are replaced',
    original: svc({ externalIPs: ['1.1.1.1', '2.2.2.2'], clusterIPs: ['10.0.0.1'] }),
    patch: { spec: { externalIPs: ['3.3.3.3'] } },
    want: svc({ externalIPs: ['3.3.3.3'], clusterIPs: ['10.0.0.1'] }),
  },
  {
    name: 'primitive merge list (finalizers) is a union; new items come first without $setElementOrder (upstream order)',
    original: svc({}, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['c', 'a'] } },
    want: svc({}, { name: 'web', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: '$setElementOrder on a primitive list',
    original: svc({}, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c'] } },
    want: svc({}, { name: 'web', finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: '$deleteFromPrimitiveList removes values',
    original: svc({}, { name: 'web', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: svc({}, { name: 'web', finalizers: ['a', 'c'] }),
  },
  {
    name: 'containers by name, env by name, container ports by containerPort',
    original: pod({
      containers: [
        {
          name: 'app',
          image: 'v1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          ports: [{ containerPort: 80 }],
        },
        { name: 'side', image: 's' },
      ],
    }),
    patch: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'v2',
            env: [{ name: 'B', value: '3' }],
            ports: [{ containerPort: 80, name: 'http' }],
          },
        ],
      },
    },
    want: pod({
      containers: [
        {
          name: 'app',
          image: 'v2',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
          ],
          ports: [{ containerPort: 80, name: 'http' }],
        },
        { name: 'side', image: 's' },
      ],
    }),
  },
  {
    name: 'status conditions merge by type',
    original: pod(
      { containers: [] },
      {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'PodScheduled', status: 'True' },
        ],
      },
    ),
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    want: pod(
      { containers: [] },
      {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'PodScheduled', status: 'True' },
        ],
      },
    ),
  },
  {
    name: 'ownerReferences merge by uid',
    original: svc(
      {},
      { name: 'web', ownerReferences: [{ uid: '1', name: 'a', kind: 'X', apiVersion: 'v1' }] },
    ),
    patch: {
      metadata: {
        ownerReferences: [
          { uid: '1', controller: true },
          { uid: '2', name: 'b', kind: 'Y', apiVersion: 'v1' },
        ],
      },
    },
    want: svc(
      {},
      {
        name: 'web',
        ownerReferences: [
          { uid: '1', name: 'a', kind: 'X', apiVersion: 'v1', controller: true },
          { uid: '2', name: 'b', kind: 'Y', apiVersion: 'v1' },
        ],
      },
    ),
  },
  {
    name: '$retainKeys clears fields not listed (Deployment strategy)',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    original: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { strategy: { type: 'Recreate' } },
    },
  },
  {
    name: 'a new field is added with its directives applied and nulls dropped',
    original: svc({}),
    patch: {
      spec: {
        ports: [{ port: 80, name: null }],
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 5, x: null } },
      },
    },
    want: svc({
      ports: [{ port: 80 }],
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } },
    }),
  },
  {
    name: 'a value of a different type replaces the original',
    original: svc({ selector: { app: 'x' } }),
    patch: { spec: { selector: 'oops' } },
    want: svc({ selector: 'oops' }),
  },
  {
    name: 'unknown kinds merge maps and replace lists',
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    original: { spec: { list: [{ name: 'a' }], m: { a: 1 } } },
    patch: { spec: { list: [{ name: 'b' }], m: { b: 2 } } },
    want: { spec: { list: [{ name: 'b' }], m: { a: 1, b: 2 } } },
  },
];

describe('applyStrategicMergePatch', () => {
  it.each(cases)('$name', ({ original, patch, want, apiVersion, kind }) => {
    const frozen = structuredClone(original);
    const cleanPatch = JSON.parse(JSON.stringify(patch)) as Record<string, unknown>;
    const got = applyStrategicMergePatch(
      original,
      cleanPatch,
      apiVersion ?? 'v1',
      kind ?? (original as { kind?: string }).kind ?? '',
    );
    expect(got).toEqual(want);
    expect(original).toEqual(frozen);
  });

  it.each([
    {
      name: 'element without the merge key',
      patch: { spec: { ports: [{ targetPort: 80 }] } },
      code: 400,
      message: 'map: map[targetPort:80] does not contain declared merge key: port',
    },
    {
      name: 'delete directive without the merge key',
      patch: { spec: { ports: [{ $patch: 'delete' }] } },
      code: 400,
      message: 'map: map[$patch:delete] does not contain declared merge key: port',
    },
    {
      name: 'unknown $patch value',
      patch: { spec: { $patch: 'explode' } },
      code: 400,
      message: 'unknown patch type: explode in map: map[$patch:explode]',
    },
    {
      name: 'list of lists',
      patch: { metadata: { finalizers: [['a']] } },
      code: 422,
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: 'bad $retainKeys',
      patch: { spec: { $retainKeys: 'type' } },
      code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'patch key missing from $retainKeys',
      patch: { spec: { $retainKeys: ['type'], selector: { a: 'b' } } },
      code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'bad $deleteFromPrimitiveList',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
      code: 400,
      message: 'invalid patch format of primitive list',
    },
    {
      name: '$setElementOrder not covering the patch list',
      patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 81 }] } },
      code: 400,
      message: 'The order in patch list',
    },
  ])('rejects $name', ({ patch, code, message }) => {
    let err: unknown;
    try {
      applyStrategicMergePatch(
        svc({ ports: [{ port: 80 }] }, { name: 'web', finalizers: ['x'] }),
        patch,
        'v1',
        'Service',
      );
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err)).toBe(true);
    expect(statusOf(err)?.code).toBe(code);
    expect(statusOf(err)?.message).toContain(message);
  });
});
