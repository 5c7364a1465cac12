import { describe, expect, it } from 'vitest';
import { parseResourcePath, splitAPIPath } from './request-info.js';

describe('parseResourcePath', () => {
  const cases = [
    { name: 'namespaced list', path: '/api/v1/namespaces/prod/services', want: { resource: 'services', namespace: 'prod' } },
    { name: 'all namespaces', path: '/api/v1/services', want: { resource: 'services' } },
    { name: 'get', path: '/api/v1/namespaces/prod/services/web', want: { resource: 'services', namespace: 'prod', name: 'web' } },
    {
      name: 'status',
      path: '/api/v1/namespaces/prod/services/web/status',
      want: { resource: 'services', namespace: 'prod', name: 'web', subresource: 'status' },
    },
    { name: 'namespace itself', path: '/api/v1/namespaces/prod', want: { resource: 'namespaces', name: 'prod' } },
    { name: 'namespace status', path: '/api/v1/namespaces/prod/status', want: { resource: 'namespaces', name: 'prod', subresource: 'status' } },
    {
      name: 'scale',
      path: '/apis/apps/v1/namespaces/a/deployments/d/scale',
      want: { resource: 'deployments', namespace: 'a', name: 'd', subresource: 'scale' },
    },
    { name: 'group list', path: '/apis/discovery.k8s.io/v1/endpointslices', want: { resource: 'endpointslices' } },
    { name: 'unknown resource', path: '/api/v1/namespaces/a/widgets', want: 'unknown' },
    { name: 'cluster-scoped in a namespace', path: '/api/v1/namespaces/a/nodes', want: 'unknown' },
    { name: 'unsupported subresource', path: '/api/v1/namespaces/a/services/x/scale', want: 'unknown' },
  ];
  it.each(cases)('$name', ({ path, want }) => {
    const s = splitAPIPath(path);
    expect(s).toBeDefined();
    const got = parseResourcePath(s?.group ?? '', s?.version ?? '', s?.parts ?? []);
    if (want === 'unknown') {
      expect(got?.type).toBe('unknown');
      return;
    }
    expect(got?.type).toBe('resource');
    if (got?.type !== 'resource') return;
    expect({
      resource: got.request.info.resource,
      ...(got.request.namespace !== undefined ? { namespace: got.request.namespace } : {}),
      ...(got.request.name !== undefined ? { name: got.request.name } : {}),
      ...(got.request.subresource !== undefined ? { subresource: got.request.subresource } : {}),
    }).toEqual(want);
  });
});
