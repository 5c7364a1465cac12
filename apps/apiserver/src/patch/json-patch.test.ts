import { describe, expect, it } from 'vitest';
import { isStatusError, statusOf } from '@svclab/apimachinery';
import {
  applyJsonMergePatch,
  applyJsonPatch,
  MaxJSONPatchOperations,
  RejectedMessage,
} from './index.js';

const svc = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x' } },
  spec: { ports: [{ port: 80 }, { port: 443 }], type: 'ClusterIP' },
});

function failure(fn: () => unknown): {
  code?: number;
  message?: string;
  cause?: string;
  reason?: string;
} {
  try {
    fn();
  } catch (e) {
    expect(isStatusError(e)).toBe(true);
    const s = statusOf(e);
    return {
      code: s?.code,
      message: s?.message,
      cause: s?.details?.causes?.[0]?.message,
      reason: s?.reason,
    };
  }
  throw new Error('expected a failure');
}

describe('applyJsonPatch', () => {
  it.each([
    {
      name: 'add a label (escaped key)',
      ops: [{ op: 'add', path: '/metadata/labels/c~1d', value: 'y' }],
      check: (o: ReturnType<typeof svc>) => o.metadata.labels,
      want: { app: 'web', 'a/b': 'x', 'c/d': 'y' },
    },
    {
      name: 'replace a scalar',
      ops: [{ op: 'replace', path: '/spec/type', value: 'NodePort' }],
      check: (o: ReturnType<typeof svc>) => o.spec.type,
      want: 'NodePort',
    },
    {
      name: 'remove an array element',
      ops: [{ op: 'remove', path: '/spec/ports/0' }],
      check: (o: ReturnType<typeof svc>) => o.spec.ports,
      want: [{ port: 443 }],
    },
    {
      name: 'append with -',
      ops: [{ op: 'add', path: '/spec/ports/-', value: { port: 8080 } }],
      check: (o: ReturnType<typeof svc>) => o.spec.ports.map((p) => p.port),
      want: [80, 443, 8080],
    },
    {
      name: 'test then replace',
      ops: [
        { op: 'test', path: '/metadata/name', value: 'web' },
        { op: 'replace', path: '/metadata/labels/app', value: 'api' },
      ],
      check: (o: ReturnType<typeof svc>) => o.metadata.labels.app,
      want: 'api',
    },
    {
      name: 'move and copy',
      ops: [
        { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
        { op: 'move', from: '/metadata/labels/a~1b', path: '/metadata/labels/moved' },
      ],
      check: (o: ReturnType<typeof svc>) => o.metadata.labels,
      want: { app: 'web', copy: 'web', moved: 'x' },
    },
  ])('$name', ({ ops, check, want }) => {
    const original = svc();
    const out = applyJsonPatch(original, ops) as ReturnType<typeof svc>;
    expect(check(out)).toEqual(want);
    expect(original).toEqual(svc());
  });

  it.each([
    {
      name: 'a failing test op',
      ops: [{ op: 'test', path: '/metadata/name', value: 'other' }],
      cause: 'testing value /metadata/name failed: test failed',
    },
    {
      name: 'removing a missing key',
      ops: [{ op: 'remove', path: '/metadata/annotations' }],
      cause: 'unable to remove nonexistent key: annotations: missing value',
    },
    {
      name: 'replacing a missing path',
      ops: [{ op: 'replace', path: '/spec/nope', value: 1 }],
      cause: 'replace operation does not apply: doc is missing path: "/spec/nope": missing value',
    },
    {
      name: 'an unknown op',
      ops: [{ op: 'frobnicate', path: '/spec' }],
      cause: 'Unexpected kind: frobnicate',
    },
  ])('rejects $name with 422 and upstream message', ({ ops, cause }) => {
    const f = failure(() => applyJsonPatch(svc(), ops));
    expect(f).toEqual({ code: 422, message: RejectedMessage, reason: 'Invalid', cause });
  });

  it('rejects a body that is not a list with 400', () => {
    const f = failure(() => applyJsonPatch(svc(), { op: 'add' }));
    expect(f.code).toBe(400);
    expect(f.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('rejects more operations than upstream allows with 413', () => {
    const ops = Array.from({ length: MaxJSONPatchOperations + 1 }, () => ({
      op: 'test',
      path: '/kind',
      value: 'Service',
    }));
    const f = failure(() => applyJsonPatch(svc(), ops));
    expect(f.code).toBe(413);
    expect(f.message).toContain(
      'The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
  });
});

describe('applyJsonMergePatch', () => {
  it.each([
    {
      name: 'null deletes nested keys',
      original: { a: { b: 1, c: 2 } },
      patch: { a: { b: null } },
      want: { a: { c: 2 } },
    },
    { name: 'arrays are replaced', original: { a: [1, 2] }, patch: { a: [3] }, want: { a: [3] } },
    {
      name: 'a new object drops its nulls',
      original: {},
      patch: { a: { b: null, c: 1 } },
      want: { a: { c: 1 } },
    },
    {
      name: 'a scalar replaces an object',
      original: { a: { b: 1 } },
      patch: { a: 'x' },
      want: { a: 'x' },
    },
    { name: 'a non-object patch replaces the document', original: { a: 1 }, patch: [1], want: [1] },
    {
      name: 'RFC 7386 example',
      original: {
        title: 'Goodbye!',
        author: { givenName: 'John', familyName: 'Doe' },
        tags: ['example', 'sample'],
        content: 'x',
      },
      patch: {
        title: 'Hello!',
        phoneNumber: '+01-123-456-7890',
        author: { familyName: null },
        tags: ['example'],
      },
      want: {
        title: 'Hello!',
        author: { givenName: 'John' },
        tags: ['example'],
        content: 'x',
        phoneNumber: '+01-123-456-7890',
      },
    },
  ])('$name', ({ original, patch, want }) => {
    const before = structuredClone(original);
    expect(applyJsonMergePatch(original, patch)).toEqual(want);
    expect(original).toEqual(before);
  });
});
