// serialise() writes exactly what the spread form writes, for ordinary and odd objects.
import type { KubeObject } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { RvPlaceholderJSON } from './redis-scripts.js';
import { serialise, serialiseSpread, storedLayout } from './serialise.js';

const cases: { name: string; obj: unknown }[] = [
  {
    name: 'a Service as created',
    obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } }, spec: { ports: [{ port: 80 }] } },
  },
  { name: 'metadata with a resourceVersion (update)', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', resourceVersion: '12', uid: 'u' }, spec: {} } },
  { name: 'resourceVersion as the last metadata key', obj: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a', resourceVersion: '3' } } },
  { name: 'empty metadata', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: {} } },
  { name: 'metadata with only a resourceVersion', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { resourceVersion: '9' } } },
  { name: 'no apiVersion or kind', obj: { metadata: { name: 'x' }, spec: { a: 1 } } },
  { name: 'undefined fields are left out', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', labels: undefined }, spec: undefined, status: { x: undefined } } },
  { name: 'keys needing escapes', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', 'we"ird': 'q"uote' }, data: { '\u0000rv': '"resourceVersion":"x"' } } },
  { name: 'integer-like keys', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', 7: 'x' }, 3: 'y', data: { 1: 'z' } } },
  { name: 'no metadata', obj: { apiVersion: 'v1', kind: 'Service' } },
  { name: 'fields before apiVersion', obj: { spec: { a: 1 }, status: {}, kind: 'Service', metadata: { name: 'a' }, apiVersion: 'v1' } },
];

describe('serialise', () => {
  it.each(cases)('$name', ({ obj }) => {
    const got = serialise(obj as KubeObject);
    expect(got).toBe(serialiseSpread(obj as KubeObject));
    expect(got).toContain(RvPlaceholderJSON);
  });
});

describe('storedLayout', () => {
  it.each(cases)('$name: JSON.stringify of it is the stored text', ({ obj }) => {
    const stored = serialise(obj as KubeObject).replace(RvPlaceholderJSON, '"resourceVersion":"42"');
    const laid = storedLayout(obj as KubeObject, '42');
    expect(JSON.stringify(laid)).toBe(stored);
    expect(laid.metadata.resourceVersion).toBe('42');
  });
});
