import { fieldErrorString, fieldPath } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  type NameValidator,
} from './name-validation.js';
import {
  validateAnnotations,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './validation.js';

const meta = fieldPath('metadata');
const run = (m: unknown, namespaced = true, nameFn: NameValidator = nameIsDNSSubdomain): string[] =>
  validateObjectMeta(m, { namespaced, nameFn }, meta).map(fieldErrorString);

const label1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validateObjectMeta', () => {
  it.each([
    {
      name: 'valid',
      m: { name: 'web', namespace: 'default' },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: [],
    },
    {
      name: 'name required',
      m: { namespace: 'default' },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'metadata missing',
      m: undefined,
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'generateName validated as a prefix',
      m: { generateName: 'Web-', name: 'Web-abcde', namespace: 'default' },
      namespaced: true,
      nameFn: nameIsDNS1035Label,
      want: [
        `metadata.generateName: Invalid value: "Web-": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        `metadata.name: Invalid value: "Web-abcde": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    },
    {
      name: 'namespace required',
      m: { name: 'web' },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.namespace: Required value'],
    },
    {
      name: 'namespace must be a label',
      m: { name: 'web', namespace: 'a.b' },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: 'cluster-scoped forbids namespace',
      m: { name: 'node-1', namespace: 'x' },
      namespaced: false,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
    {
      name: 'namespace name is a DNS label',
      m: { name: 'Prod' },
      namespaced: false,
      nameFn: nameIsDNSLabel,
      want: [`metadata.name: Invalid value: "Prod": ${label1123}`],
    },
    {
      name: 'negative generation',
      m: { name: 'a', namespace: 'b', generation: -1 },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'label key with bad prefix',
      m: { name: 'a', namespace: 'b', labels: { 'Example.com/x': 'y' } },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: [
        `metadata.labels: Invalid value: "Example.com/x": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    },
    {
      name: 'label value too long',
      m: { name: 'a', namespace: 'b', labels: { k: 'v'.repeat(64) } },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: [
        `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
      ],
    },
    {
      name: 'finalizer not qualified',
      m: { name: 'a', namespace: 'b', finalizers: ['mine'] },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: [
        'metadata.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
      ],
    },
    {
      name: 'standard finalizer',
      m: { name: 'a', namespace: 'b', finalizers: ['kubernetes', 'example.com/x'] },
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      want: [],
    },
  ])('$name', ({ m, namespaced, nameFn, want }) => {
    expect(run(m, namespaced, nameFn)).toEqual(want);
  });
});

describe('validateAnnotations', () => {
  it.each([
    { name: 'upper-case keys are fine', a: { 'Example.com/Key': 'v' }, want: [] },
    { name: 'bad key', a: { 'a b': 'v' }, want: 1 },
    { name: 'exactly 256 KiB', a: { k: 'v'.repeat(262_143) }, want: [] },
    {
      name: 'over 256 KiB',
      a: { k: 'v'.repeat(262_144) },
      want: ['metadata.annotations: Too long: must have at most 262144 bytes'],
    },
    {
      name: 'size counts UTF-8 bytes',
      a: { k: 'é'.repeat(131_072) },
      want: ['metadata.annotations: Too long: must have at most 262144 bytes'],
    },
  ])('$name', ({ a, want }) => {
    const got = validateAnnotations(a, meta.child('annotations')).map(fieldErrorString);
    if (typeof want === 'number') expect(got).toHaveLength(want);
    else expect(got).toEqual(want);
  });
});

describe('validateOwnerReferences', () => {
  const ok = { apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u1' };
  it.each([
    { name: 'valid', refs: [ok], want: [] },
    {
      name: 'empty fields',
      refs: [{ apiVersion: '', kind: '', name: '', uid: '' }],
      want: [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      ],
    },
    {
      name: 'group without version',
      refs: [{ ...ok, apiVersion: 'apps/' }],
      want: [
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      ],
    },
    {
      name: 'two controllers',
      refs: [
        { ...ok, controller: true },
        { ...ok, name: 'b', controller: true },
      ],
      want: 1,
    },
  ])('$name', ({ refs, want }) => {
    const got = validateOwnerReferences(refs, meta.child('ownerReferences')).map(fieldErrorString);
    if (typeof want === 'number') {
      expect(got).toHaveLength(want);
      expect(got[0]).toContain(
        'Only one reference can have Controller set to true. Found "true" in references for Service/web and Service/b',
      );
    } else {
      expect(got).toEqual(want);
    }
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'a',
    namespace: 'b',
    uid: 'u1',
    generation: 2,
    creationTimestamp: '2026-01-01T00:00:00Z',
  };
  it.each([
    { name: 'unchanged', m: old, want: [] },
    {
      name: 'uid omitted (filled from old)',
      m: { name: 'a', namespace: 'b', generation: 2 },
      want: [],
    },
    {
      name: 'name changed',
      m: { ...old, name: 'c' },
      want: ['metadata.name: Invalid value: "c": field is immutable'],
    },
    {
      name: 'uid changed',
      m: { ...old, uid: 'u2' },
      want: ['metadata.uid: Invalid value: "u2": field is immutable'],
    },
    {
      name: 'generation decremented',
      m: { ...old, generation: 1 },
      want: ['metadata.generation: Invalid value: 1: must not be decremented'],
    },
    {
      name: 'creationTimestamp changed',
      m: { ...old, creationTimestamp: '2026-01-02T00:00:00Z' },
      want: [
        'metadata.creationTimestamp: Invalid value: "2026-01-02T00:00:00Z": field is immutable',
      ],
    },
  ])('$name', ({ m, want }) => {
    expect(validateObjectMetaUpdate(m, old, meta).map(fieldErrorString)).toEqual(want);
  });

  it('forbids new finalizers while deleting', () => {
    const deleting = {
      ...old,
      deletionTimestamp: '2026-01-01T00:00:00Z',
      finalizers: ['example.com/a'],
    };
    expect(
      validateObjectMetaUpdate(
        { ...deleting, finalizers: ['example.com/a', 'example.com/b'] },
        deleting,
        meta,
      ).map(fieldErrorString),
    ).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ["example.com/b"]',
    ]);
  });
});
