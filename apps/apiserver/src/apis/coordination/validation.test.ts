import type { Lease } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { validateLease } from './validation.js';

describe('validateLease', () => {
  const lease = (spec: Lease['spec']): Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec,
  });
  it.each([
    { name: 'valid', l: lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40 }), want: [] },
    {
      name: 'zero duration',
      l: lease({ leaseDurationSeconds: 0 }),
      want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    },
    {
      name: 'negative transitions',
      l: lease({ leaseTransitions: -1 }),
      want: ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0'],
    },
    { name: 'no spec', l: lease(undefined), want: [] },
  ])('$name', ({ l, want }) => {
    expect(validateLease(l).map(fieldErrorString)).toEqual(want);
  });
});
