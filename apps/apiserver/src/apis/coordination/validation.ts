// coordination.k8s.io Lease validation (pkg/apis/coordination/validation/validation.go).
import type { Lease } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath } from '@svclab/apimachinery';
import { optNum, rec } from '../meta/accessors.js';
import { nameIsDNSSubdomain } from '../meta/name-validation.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../meta/validation.js';

function validateLeaseSpec(lease: Lease): FieldError[] {
  const spec = rec(lease.spec);
  const errs: FieldError[] = [];
  const duration = optNum(spec['leaseDurationSeconds']);
  if (duration !== undefined && duration <= 0)
    errs.push(
      fieldErrors.invalid(
        fieldPath('spec', 'leaseDurationSeconds'),
        duration,
        'must be greater than 0',
      ),
    );
  const transitions = optNum(spec['leaseTransitions']);
  if (transitions !== undefined && transitions < 0)
    errs.push(
      fieldErrors.invalid(
        fieldPath('spec', 'leaseTransitions'),
        transitions,
        'must be greater than or equal to 0',
      ),
    );
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  return [
    ...validateObjectMeta(
      lease.metadata,
      { namespaced: true, nameFn: nameIsDNSSubdomain },
      fieldPath('metadata'),
    ),
    ...validateLeaseSpec(lease),
  ];
}

export function validateLeaseUpdate(lease: Lease, old: Lease): FieldError[] {
  return [
    ...validateObjectMetaUpdate(lease.metadata, old.metadata, fieldPath('metadata')),
    ...validateLeaseSpec(lease),
  ];
}
