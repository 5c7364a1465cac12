import type { Event, Namespace, Node } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import {
  setNamespaceDefaults,
  validateEvent,
  validateNamespace,
  validateNode,
  validateNodeUpdate,
} from './cluster-validation.js';

describe('nodes', () => {
  const node = (spec: Node['spec'], name = 'node-1'): Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec,
  });
  it.each<{ name: string; n: Node; want: string[] }>([
    { name: 'valid', n: node({ podCIDRs: ['127.244.1.0/24'] }), want: [] },
    { name: 'IP-like name is a subdomain', n: node({}, '127.0.1.1'), want: [] },
    {
      name: 'bad pod CIDR',
      n: node({ podCIDRs: ['10.0.0.0/33'] }),
      want: [
        'spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
    },
    {
      name: 'taint effect',
      n: node({ taints: [{ key: 'k', effect: 'Sometimes' as never }] }),
      want: [
        'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
      ],
    },
    {
      name: 'namespace forbidden',
      n: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', namespace: 'default' } },
      want: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
  ])('$name', ({ n, want }) => {
    expect(validateNode(n).map(fieldErrorString)).toEqual(want);
  });

  it('podCIDRs may be set once', () => {
    expect(validateNodeUpdate(node({ podCIDRs: ['127.244.1.0/24'] }), node({}))).toEqual([]);
    expect(
      validateNodeUpdate(
        node({ podCIDRs: ['127.244.2.0/24'] }),
        node({ podCIDRs: ['127.244.1.0/24'] }),
      ).map(fieldErrorString),
    ).toEqual(['spec.podCIDRs: Invalid value: ["127.244.2.0/24"]: field is immutable']);
  });
});

describe('namespaces', () => {
  const ns = (name: string, spec?: Namespace['spec']): Namespace => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
    spec,
  });
  it.each<{ name: string; n: Namespace; want: string[] }>([
    { name: 'valid', n: ns('production'), want: [] },
    {
      name: 'dots are not allowed',
      n: ns('a.b'),
      want: ['metadata.name: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: 'spec finalizer',
      n: ns('p', { finalizers: ['mine'] }),
      want: [
        'spec.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
      ],
    },
  ])('$name', ({ n, want }) => {
    expect(validateNamespace(n).map(fieldErrorString)).toEqual(want);
  });

  it('defaults phase Active and the name label', () => {
    const n = ns('production');
    setNamespaceDefaults(n);
    expect(n.status?.phase).toBe('Active');
    expect(n.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'production' });
  });
});

describe('events', () => {
  const ev = (ns: string, involvedNs: string | undefined): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: ns },
    involvedObject: {
      kind: 'Service',
      name: 'web',
      ...(involvedNs === undefined ? {} : { namespace: involvedNs }),
    },
  });
  it.each([
    { name: 'matching namespace', e: ev('prod', 'prod'), want: [] },
    { name: 'cluster-scoped object in default', e: ev('default', undefined), want: [] },
    {
      name: 'mismatch',
      e: ev('prod', 'other'),
      want: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    },
    {
      name: 'cluster-scoped object outside default',
      e: ev('prod', undefined),
      want: ['involvedObject.namespace: Invalid value: "": does not match event.namespace'],
    },
  ])('$name', ({ e, want }) => {
    expect(validateEvent(e).map(fieldErrorString)).toEqual(want);
  });
});
