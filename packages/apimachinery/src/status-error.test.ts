import { describe, expect, it } from 'vitest';
import { fieldErrors, fieldPath } from './field-path.js';
import {
  isConflict,
  isNotFound,
  isResourceExpired,
  newConflict,
  newInvalid,
  newNotFound,
  newResourceExpired,
  StatusError,
  toStatusError,
} from './status-error.js';

const services = { group: '', resource: 'services' };

describe('Status errors', () => {
  it('builds the upstream Invalid status with causes (reference §1.8)', () => {
    const ports = fieldPath('spec', 'ports');
    const err = newInvalid({ group: '', kind: 'Service' }, 'web', [
      fieldErrors.invalid(
        ports.index(0).child('port'),
        0,
        'must be between 1 and 65535, inclusive',
      ),
      fieldErrors.invalid(
        ports.index(0).child('targetPort'),
        0,
        'must be between 1 and 65535, inclusive',
      ),
      fieldErrors.required(ports.index(1).child('name')),
    ]);
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[1].name: Required value]',
      reason: 'Invalid',
      details: {
        name: 'web',
        kind: 'Service',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: must be between 1 and 65535, inclusive',
            field: 'spec.ports[0].port',
          },
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: must be between 1 and 65535, inclusive',
            field: 'spec.ports[0].targetPort',
          },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[1].name' },
        ],
      },
      code: 422,
    });
  });

  it.each([
    {
      name: 'one error',
      errs: [fieldErrors.required('spec.ports')],
      msg: 'Service "a" is invalid: spec.ports: Required value',
    },
    { name: 'no errors', errs: [], msg: 'Service "a" is invalid' },
    {
      name: 'string value quoted, supported values listed',
      errs: [fieldErrors.notSupported('spec.type', 'X', ['ClusterIP', 'ExternalName'])],
      msg: 'Service "a" is invalid: spec.type: Unsupported value: "X": supported values: "ClusterIP", "ExternalName"',
    },
  ])('formats $name', ({ errs, msg }) => {
    expect(newInvalid({ group: '', kind: 'Service' }, 'a', errs).status.message).toBe(msg);
  });

  it.each([
    {
      name: 'not found',
      err: newNotFound(services, 'web'),
      pred: isNotFound,
      code: 404,
      msg: 'services "web" not found',
    },
    {
      name: 'conflict',
      err: newConflict(services, 'web', 'the object has been modified'),
      pred: isConflict,
      code: 409,
      msg: 'Operation cannot be fulfilled on services "web": the object has been modified',
    },
    {
      name: 'expired',
      err: newResourceExpired('too old resource version: 1 (5)'),
      pred: isResourceExpired,
      code: 410,
      msg: 'too old resource version: 1 (5)',
    },
  ])('$name has code, message and predicate', ({ err, pred, code, msg }) => {
    expect(err.status.code).toBe(code);
    expect(err.message).toBe(msg);
    expect(pred(err)).toBe(true);
    expect(pred(new Error('x', { cause: err }))).toBe(true);
    expect(pred(new Error('x'))).toBe(false);
  });

  it('matches a StatusError from another module copy by name', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'StatusError',
      status: newNotFound(services, 'a').status,
    });
    expect(isNotFound(foreign)).toBe(true);
  });

  it('wraps unknown errors as InternalError, keeping the cause', () => {
    const e = toStatusError(new Error('boom'));
    expect(e).toBeInstanceOf(StatusError);
    expect(e.status.code).toBe(500);
    expect(e.status.message).toBe('Internal error occurred: boom');
  });
});
