import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@svclab/api';
import { finishApply, objectFields } from './server-side-apply.js';

const req = { manager: 'kubectl', apiVersion: 'v1', now: new Date('2026-01-01T00:00:00Z') };

describe('objectFields', () => {
  it('records maps field by field, lists whole, and skips identity', () => {
    expect(
      objectFields({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'a', namespace: 'b', labels: { app: 'x' } },
        spec: { ports: [{ port: 80 }], selector: { app: 'x' } },
      }),
    ).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:ports': {}, 'f:selector': { 'f:app': {} } },
    });
  });
});

describe('finishApply', () => {
  const live = (labels: Record<string, string>, managedFields: KubeObject['metadata']['managedFields']): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'a', labels, ...(managedFields ? { managedFields } : {}) },
  });
  const cases = [
    {
      name: 'removes a label the manager stopped applying',
      live: live({ a: '1', b: '2' }, [
        { manager: 'kubectl', operation: 'Apply' as const, fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {}, 'f:b': {} } } } },
      ]),
      config: { metadata: { name: 'a', labels: { a: '1' } } },
      want: { a: '1' },
    },
    {
      name: 'keeps a dropped label another manager owns',
      live: live({ a: '1', b: '2' }, [
        { manager: 'kubectl', operation: 'Apply' as const, fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {}, 'f:b': {} } } } },
        { manager: 'other', operation: 'Apply' as const, fieldsV1: { 'f:metadata': { 'f:labels': { 'f:b': {} } } } },
      ]),
      config: { metadata: { name: 'a', labels: { a: '1' } } },
      want: { a: '1', b: '2' },
    },
    {
      name: 'never removes fields it did not apply',
      live: live({ a: '1', c: '3' }, undefined),
      config: { metadata: { name: 'a', labels: { a: '1' } } },
      want: { a: '1', c: '3' },
    },
  ];
  it.each(cases)('$name', ({ live: l, config, want }) => {
    const merged = structuredClone(l);
    const out = finishApply(merged, config, { ...req, live: l });
    expect(out.metadata.labels).toEqual(want);
    expect(out.metadata.managedFields?.find((e) => e.manager === 'kubectl')).toMatchObject({
      operation: 'Apply',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } } },
    });
  });
});
