import { describe, expect, it } from 'vitest';
import { getReference } from './reference.js';

describe('getReference', () => {
  it('kind and apiVersion as given, the rest from metadata', () => {
    expect(
      getReference(
        { metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7' } },
        'Service',
      ),
    ).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      namespace: 'prod',
      name: 'web',
      uid: 'u1',
      resourceVersion: '7',
    });
  });

  it('a cluster-scoped object has no namespace', () => {
    expect(getReference({ metadata: { name: 'node-1' } }, 'Node')).toEqual({
      kind: 'Node',
      apiVersion: 'v1',
      name: 'node-1',
    });
  });
});
