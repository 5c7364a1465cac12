import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  GroupVersionPaths,
  newStrictDecodingError,
  openapiHandler,
  openapiV2,
  openapiV3,
  openapiV3Root,
  serializedOpenAPI,
  unknownFields,
} from './index.js';

type Json = Record<string, unknown>;

/** The value at a key path of free-form JSON (undefined when absent). */
function dig(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys)
    cur = typeof cur === 'object' && cur !== null ? (cur as Json)[k] : undefined;
  return cur;
}
const v3 = (gv: string): Json => openapiV3(gv) ?? {};
const schemasOf = (gv: string): Json => dig(v3(gv), 'components', 'schemas') as Json;

describe('openapi v3', () => {
  it('root lists every group version with a hash URL', () => {
    const paths = dig(openapiV3Root(), 'paths') as Json;
    expect(Object.keys(paths).sort()).toEqual(
      [
        'api/v1',
        'apis/apps/v1',
        'apis/autoscaling/v1',
        'apis/coordination.k8s.io/v1',
        'apis/discovery.k8s.io/v1',
      ].sort(),
    );
    for (const gv of GroupVersionPaths) {
      const doc = serializedOpenAPI(`/openapi/v3/${gv}`);
      expect(paths[gv]).toEqual({ serverRelativeURL: `/openapi/v3/${gv}?hash=${doc?.hash ?? ''}` });
      expect(doc?.hash).toMatch(/^[0-9A-F]{128}$/);
    }
  });

  it.each([
    {
      name: 'Service',
      gv: 'api/v1',
      def: 'io.k8s.api.core.v1.Service',
      gvk: { group: '', version: 'v1', kind: 'Service' },
    },
    {
      name: 'ServiceList',
      gv: 'api/v1',
      def: 'io.k8s.api.core.v1.ServiceList',
      gvk: { group: '', version: 'v1', kind: 'ServiceList' },
    },
    {
      name: 'Pod',
      gv: 'api/v1',
      def: 'io.k8s.api.core.v1.Pod',
      gvk: { group: '', version: 'v1', kind: 'Pod' },
    },
    {
      name: 'EndpointSlice',
      gv: 'apis/discovery.k8s.io/v1',
      def: 'io.k8s.api.discovery.v1.EndpointSlice',
      gvk: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
    },
    {
      name: 'Lease',
      gv: 'apis/coordination.k8s.io/v1',
      def: 'io.k8s.api.coordination.v1.Lease',
      gvk: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
    },
    {
      name: 'Deployment',
      gv: 'apis/apps/v1',
      def: 'io.k8s.api.apps.v1.Deployment',
      gvk: { group: 'apps', version: 'v1', kind: 'Deployment' },
    },
    {
      name: 'Scale in apps/v1',
      gv: 'apis/apps/v1',
      def: 'io.k8s.api.autoscaling.v1.Scale',
      gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    },
    {
      name: 'Scale',
      gv: 'apis/autoscaling/v1',
      def: 'io.k8s.api.autoscaling.v1.Scale',
      gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    },
    {
      name: 'Status',
      gv: 'api/v1',
      def: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      gvk: { group: '', version: 'v1', kind: 'Status' },
    },
  ])('$name carries x-kubernetes-group-version-kind', ({ gv, def, gvk }) => {
    expect(dig(schemasOf(gv), def, 'x-kubernetes-group-version-kind')).toContainEqual(gvk);
  });

  it('describes service.spec.sessionAffinity with its enum', () => {
    const f = dig(
      schemasOf('api/v1'),
      'io.k8s.api.core.v1.ServiceSpec',
      'properties',
      'sessionAffinity',
    ) as Json;
    expect(f['type']).toBe('string');
    expect(f['enum']).toEqual(['ClientIP', 'None']);
    expect(f['description']).toContain('ClientIP');
  });

  it('refs are allOf-wrapped and resolve inside the same document', () => {
    const schemas = schemasOf('api/v1');
    const refs: string[] = [];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else collect(x);
        }
      }
    };
    collect(v3('api/v1'));
    expect(refs.length).toBeGreaterThan(50);
    for (const r of refs) expect(schemas[r.replace('#/components/schemas/', '')], r).toBeDefined();
    expect(dig(schemas, 'io.k8s.api.core.v1.ServiceSpec', 'properties', 'ports')).toMatchObject({
      type: 'array',
      items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.ServicePort' }] },
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
    });
  });

  it.each([
    {
      name: 'service',
      gv: 'api/v1',
      path: '/api/v1/namespaces/{namespace}/services/{name}',
      kind: 'Service',
    },
    {
      name: 'service status',
      gv: 'api/v1',
      path: '/api/v1/namespaces/{namespace}/services/{name}/status',
      kind: 'Service',
    },
    { name: 'node', gv: 'api/v1', path: '/api/v1/nodes/{name}', kind: 'Node' },
    {
      name: 'deployment scale',
      gv: 'apis/apps/v1',
      path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      kind: 'Scale',
    },
  ])(
    'PATCH of $name supports strategic merge and fieldValidation (what kubectl apply checks)',
    ({ gv, path, kind }) => {
      const patch = dig(v3(gv), 'paths', path, 'patch') as Json;
      expect(dig(patch, 'x-kubernetes-group-version-kind', 'kind')).toBe(kind);
      expect(Object.keys(dig(patch, 'requestBody', 'content') as Json)).toContain(
        'application/strategic-merge-patch+json',
      );
      const names = (patch['parameters'] as Json[])
        .filter((p) => p['in'] === 'query')
        .map((p) => p['name']);
      expect(names).toEqual(
        expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']),
      );
    },
  );

  it('returns undefined for an unknown group version', () => {
    expect(openapiV3('apis/batch/v1')).toBeUndefined();
  });
});

describe('openapi v2', () => {
  const doc = openapiV2();

  it('is a swagger 2.0 document with definitions and paths', () => {
    expect(doc['swagger']).toBe('2.0');
    expect(Object.keys(dig(doc, 'paths') as Json)).toContain(
      '/api/v1/namespaces/{namespace}/services/{name}',
    );
    expect(
      dig(doc, 'definitions', 'io.k8s.api.core.v1.Service', 'x-kubernetes-group-version-kind'),
    ).toEqual([{ group: '', kind: 'Service', version: 'v1' }]);
  });

  it.each([
    {
      name: 'container ports',
      def: 'io.k8s.api.core.v1.Container',
      field: 'ports',
      key: 'containerPort',
      strategy: 'merge',
    },
    {
      name: 'env',
      def: 'io.k8s.api.core.v1.Container',
      field: 'env',
      key: 'name',
      strategy: 'merge',
    },
    {
      name: 'finalizers',
      def: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      field: 'finalizers',
      key: undefined,
      strategy: 'merge',
    },
    {
      name: 'deployment strategy',
      def: 'io.k8s.api.apps.v1.DeploymentSpec',
      field: 'strategy',
      key: undefined,
      strategy: 'retainKeys',
    },
  ])('$name carries patch metadata', ({ def, field, key, strategy }) => {
    const f = dig(doc, 'definitions', def, 'properties', field) as Json;
    expect(f['x-kubernetes-patch-strategy']).toBe(strategy);
    expect(f['x-kubernetes-patch-merge-key']).toBe(key);
  });

  it('uses plain $ref with #/definitions', () => {
    expect(
      dig(doc, 'definitions', 'io.k8s.api.core.v1.Service', 'properties', 'spec'),
    ).toMatchObject({
      $ref: '#/definitions/io.k8s.api.core.v1.ServiceSpec',
    });
  });
});

describe('unknownFields', () => {
  it.each([
    {
      name: 'known fields only',
      apiVersion: 'v1',
      kind: 'Service',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'a' },
        spec: { ports: [{ port: 80 }] },
      },
      want: [],
    },
    {
      name: 'spec field',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: { foo: 1 } },
      want: ['spec.foo'],
    },
    {
      name: 'top-level field',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { bogus: true },
      want: ['bogus'],
    },
    {
      name: 'array element',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: { ports: [{ port: 80 }, { port: 81, foo: 'x' }] } },
      want: ['spec.ports[1].foo'],
    },
    {
      name: 'metadata',
      apiVersion: 'v1',
      kind: 'Pod',
      obj: { metadata: { name: 'p', nme: 'x' } },
      want: ['metadata.nme'],
    },
    {
      name: 'deep in a pod template',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      obj: {
        spec: {
          template: {
            spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPortt: 1 }] }] },
          },
        },
      },
      want: ['spec.template.spec.containers[0].ports[0].hostPortt'],
    },
    {
      name: 'several, in document order',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: { a: 1, type: 'ClusterIP', b: 2 }, c: 3 },
      want: ['spec.a', 'spec.b', 'c'],
    },
    {
      name: 'free-form fieldsV1 is not checked',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { metadata: { managedFields: [{ fieldsV1: { 'f:spec': { 'f:x': {} } } }] } },
      want: [],
    },
    {
      name: 'map values',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { metadata: { labels: { a: 'b' } }, spec: { selector: { x: 'y' } } },
      want: [],
    },
    {
      name: 'slice endpoints',
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      obj: { endpoints: [{ addresses: ['1.1.1.1'], conditions: { ready: true, fast: true } }] },
      want: ['endpoints[0].conditions.fast'],
    },
    {
      name: 'list items',
      apiVersion: 'v1',
      kind: 'ServiceList',
      obj: { items: [{ spec: { x: 1 } }] },
      want: ['items[0].spec.x'],
    },
    {
      name: 'common pod fields svclab stores without interpreting',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      obj: {
        spec: {
          template: {
            spec: {
              securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
              volumes: [
                { name: 'cfg', configMap: { name: 'c', items: [{ key: 'a', path: 'a' }] } },
              ],
              dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
              containers: [
                {
                  name: 'c',
                  volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', bogus: 1 }],
                  env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
                  securityContext: { allowPrivilegeEscalation: false },
                  resources: { limits: { cpu: '1' } },
                },
              ],
            },
          },
        },
      },
      want: ['spec.template.spec.containers[0].volumeMounts[0].bogus'],
    },
    { name: 'unknown kind', apiVersion: 'v1', kind: 'Nope', obj: { x: 1 }, want: [] },
  ])('$name', ({ apiVersion, kind, obj, want }) => {
    expect(unknownFields(apiVersion, kind, obj)).toEqual(want);
  });

  it('formats the strict decoding error like upstream', () => {
    const err = newStrictDecodingError('apps/v1', 'Deployment', ['spec.foo', 'spec.ports[0].bar']);
    expect(err.status.code).toBe(400);
    expect(err.status.reason).toBe('BadRequest');
    expect(err.status.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.ports[0].bar"',
    );
  });
});

describe('openapiHandler', () => {
  const app = express().use(openapiHandler);

  it.each([
    { name: 'v2', path: '/openapi/v2', key: 'swagger' },
    { name: 'v3 root', path: '/openapi/v3', key: 'paths' },
    { name: 'v3 group version', path: '/openapi/v3/apis/apps/v1', key: 'components' },
  ])('serves $name with an ETag and answers If-None-Match with 304', async ({ path, key }) => {
    const res = await request(app).get(path).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toHaveProperty(key);
    const etag = res.headers['etag'];
    expect(etag).toMatch(/^"[0-9A-F]+"$/);
    const again = await request(app).get(path).set('If-None-Match', String(etag));
    expect(again.status).toBe(304);
  });

  it('marks hash URLs immutable and redirects a stale hash', async () => {
    const url = dig(openapiV3Root(), 'paths', 'api/v1', 'serverRelativeURL') as string;
    const res = await request(app).get(url);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    const stale = await request(app).get('/openapi/v3/api/v1?hash=ABC');
    expect(stale.status).toBe(301);
    expect(stale.headers['location']).toBe(url);
  });

  it('refuses protobuf-only v2 requests with 406 so client-go falls back', async () => {
    const res = await request(app)
      .get('/openapi/v2')
      .set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(res.status).toBe(406);
  });

  it('passes other paths on', async () => {
    const res = await request(app).get('/openapi/v3/apis/batch/v1');
    expect(res.status).toBe(404);
  });
});
