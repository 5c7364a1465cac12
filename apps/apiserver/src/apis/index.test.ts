import { Resources, type KubeObject, type ResourceName } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { prepareForUpdate, setDefaults, validateCreate, validateUpdate } from './index.js';

const names = Object.keys(Resources) as ResourceName[];

describe('apis entry points', () => {
  it('default and validate a Service end to end', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 0 }, { port: 81 }] },
    } as KubeObject;
    setDefaults('services', svc);
    expect(validateCreate('services', svc).map(fieldErrorString)).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].name: Required value',
    ]);
  });

  it('prepareForUpdate keeps uid and creationTimestamp and the allocated cluster IP', () => {
    const old = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u1',
        creationTimestamp: '2026-01-01T00:00:00Z',
        resourceVersion: '3',
      },
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80 }],
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    } as KubeObject;
    setDefaults('services', old);
    const cur = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '3' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    } as KubeObject;
    setDefaults('services', cur);
    prepareForUpdate('services', cur, old);
    expect(cur.metadata).toMatchObject({ uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' });
    expect((cur as unknown as { spec: { clusterIP: string } }).spec.clusterIP).toBe('10.96.0.10');
    expect(validateUpdate('services', cur, old)).toEqual([]);
  });

  it.each(
    names.flatMap((r) => [
      { name: `${r}: empty object`, r, obj: {}, invalid: true },
      {
        name: `${r}: null spec`,
        r,
        obj: { metadata: { name: 'x', namespace: 'y' }, spec: null },
        invalid: false,
      },
      {
        name: `${r}: string fields everywhere`,
        r,
        obj: {
          metadata: 'x',
          spec: 'x',
          status: 'x',
          subsets: 'x',
          endpoints: 'x',
          ports: 'x',
          involvedObject: 'x',
        },
        invalid: true,
      },
    ]),
  )('never throws: $name', ({ r, obj, invalid }) => {
    const o = obj as unknown as KubeObject;
    expect(() => {
      setDefaults(r, o);
    }).not.toThrow();
    expect(() => validateCreate(r, o)).not.toThrow();
    expect(() => validateUpdate(r, o, structuredClone(o))).not.toThrow();
    expect(() => {
      prepareForUpdate(r, o, structuredClone(o));
    }).not.toThrow();
    if (invalid) expect(validateCreate(r, o).length).toBeGreaterThan(0);
  });

  it.each<{ name: string; r: ResourceName; obj: unknown; old?: unknown }>([
    {
      name: 'service',
      r: 'services',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'd', uid: 'u' },
        spec: {
          type: 'NodePort',
          ports: [{ name: 'a', port: 80, nodePort: 30080 }],
          clusterIP: '10.96.0.1',
          clusterIPs: ['10.96.0.1'],
        },
      },
    },
    {
      name: 'pod',
      r: 'pods',
      obj: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'd', uid: 'u' },
        spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 80 }] }] },
      },
    },
    {
      name: 'endpointslice',
      r: 'endpointslices',
      obj: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 's', namespace: 'd', uid: 'u' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'] }],
        ports: [{ port: 80 }],
      },
    },
    {
      name: 'deployment',
      r: 'deployments',
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'd', uid: 'u' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { containers: [{ name: 'c', image: 'i:1' }] },
          },
        },
      },
    },
    {
      name: 'statefulset',
      r: 'statefulsets',
      obj: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 's', namespace: 'd', uid: 'u' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { containers: [{ name: 'c', image: 'i:1' }] },
          },
        },
      },
    },
  ])('validation does not mutate its input, defaulting is idempotent: $name', ({ r, obj }) => {
    const once = structuredClone(obj) as KubeObject;
    setDefaults(r, once);
    const twice = structuredClone(once);
    setDefaults(r, twice);
    expect(twice).toEqual(once);
    const o = obj as KubeObject;
    setDefaults(r, o);
    const frozen = deepFreeze(structuredClone(o));
    const oldFrozen = deepFreeze(structuredClone(o));
    expect(validateCreate(r, frozen)).toEqual([]);
    expect(validateUpdate(r, frozen, oldFrozen)).toEqual([]);
  });
});

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
