// Status errors as k8s.io/apimachinery/pkg/api/errors: the only error shape on the wire.
import type { Status, StatusCause, StatusReason } from '@svclab/api';
import { errorBody, fieldErrorString, type FieldError } from './field-path.js';

/** A group and resource, e.g. {group: '', resource: 'services'}. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A group and kind, e.g. {group: '', kind: 'Service'}. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** An Error carrying a metav1.Status; `name` is 'StatusError' so duplicate module copies still match. */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly status: Status,
    options?: ErrorOptions,
  ) {
    super(status.message ?? status.reason ?? 'unknown error', options);
  }
}

function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** The HTTP code and reason of a failure, as upstream pairs them in errors.go. */
interface Failure {
  readonly code: number;
  readonly reason: StatusReason;
}

function failure(
  { code, reason }: Failure,
  message: string,
  details?: Status['details'],
): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details !== undefined) status.details = details;
  return new StatusError(status);
}

function grDetails(gr: GroupResource, name: string): NonNullable<Status['details']> {
  const d: NonNullable<Status['details']> = { name, kind: gr.resource };
  if (gr.group !== '') d.group = gr.group;
  return d;
}

export function newNotFound(gr: GroupResource, name: string): StatusError {
  return failure(
    { code: 404, reason: 'NotFound' },
    `${qualified(gr)} "${name}" not found`,
    grDetails(gr, name),
  );
}

export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(
    { code: 409, reason: 'AlreadyExists' },
    `${qualified(gr)} "${name}" already exists`,
    grDetails(gr, name),
  );
}

export function newConflict(gr: GroupResource, name: string, err: string): StatusError {
  return failure(
    { code: 409, reason: 'Conflict' },
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${err}`,
    grDetails(gr, name),
  );
}

/** The object-modified conflict message upstream's storage layer writes. */
export const OptimisticLockErrorMsg =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid with one cause per field error; duplicates removed as `ToAggregate` does. */
export function newInvalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({
    reason: e.type,
    message: errorBody(e),
    field: e.field,
  }));
  const msgs = [...new Set(errs.map(fieldErrorString))];
  const agg =
    msgs.length === 0 ? '' : msgs.length === 1 ? `: ${msgs[0] ?? ''}` : `: [${msgs.join(', ')}]`;
  const details: NonNullable<Status['details']> = { name, kind: gk.kind };
  if (gk.group !== '') details.group = gk.group;
  details.causes = causes;
  return failure(
    { code: 422, reason: 'Invalid' },
    `${gk.kind} "${name}" is invalid${agg}`,
    details,
  );
}

export function newBadRequest(message: string): StatusError {
  return failure({ code: 400, reason: 'BadRequest' }, message);
}

export function newUnauthorized(message = 'Unauthorized'): StatusError {
  return failure({ code: 401, reason: 'Unauthorized' }, message);
}

export function newForbidden(gr: GroupResource, name: string, err: string): StatusError {
  return failure(
    { code: 403, reason: 'Forbidden' },
    `${qualified(gr)} "${name}" is forbidden: ${err}`,
    grDetails(gr, name),
  );
}

export function newMethodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(
    { code: 405, reason: 'MethodNotAllowed' },
    `${action} is not supported on resources of kind "${qualified(gr)}"`,
    {
      kind: gr.resource,
      ...(gr.group === '' ? {} : { group: gr.group }),
    },
  );
}

export function newResourceExpired(message: string): StatusError {
  return failure({ code: 410, reason: 'Expired' }, message);
}

export function newGone(message: string): StatusError {
  return failure({ code: 410, reason: 'Gone' }, message);
}

export function newRequestEntityTooLarge(message: string): StatusError {
  return failure(
    { code: 413, reason: 'RequestEntityTooLarge' },
    `Request entity too large: ${message}`,
  );
}

export function newUnsupportedMediaType(contentType: string): StatusError {
  return failure(
    { code: 415, reason: 'UnsupportedMediaType' },
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${contentType}`,
  );
}

export function newNotAcceptable(message: string): StatusError {
  return failure({ code: 406, reason: 'NotAcceptable' }, message);
}

export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure({ code: 429, reason: 'TooManyRequests' }, message, { retryAfterSeconds });
}

export function newServiceUnavailable(message: string): StatusError {
  return failure({ code: 503, reason: 'ServiceUnavailable' }, message);
}

export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return failure({ code: 504, reason: 'Timeout' }, message, { retryAfterSeconds });
}

export function newInternalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return failure({ code: 500, reason: 'InternalError' }, `Internal error occurred: ${msg}`, {
    causes: [{ message: msg }],
  });
}

/** Anything thrown → a StatusError (InternalError for the unknown). */
export function toStatusError(err: unknown): StatusError {
  if (isStatusError(err)) return err;
  const e = newInternalError(err);
  return new StatusError(e.status, { cause: err });
}

export function isStatusError(err: unknown): err is StatusError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err instanceof StatusError || (err as { name?: unknown }).name === 'StatusError') &&
    typeof (err as { status?: unknown }).status === 'object'
  );
}

/** The Status of `err` or of the first StatusError in its `cause` chain. */
export function statusOf(err: unknown): Status | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 16; depth++) {
    if (isStatusError(e)) return e.status;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const codeForReason: Partial<Record<StatusReason, number>> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Expired: 410,
  Gone: 410,
  TooManyRequests: 429,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** reasonForError: compares `reason`, falling back to the HTTP code only for unknown reasons. */
function hasReason(err: unknown, reason: StatusReason): boolean {
  const s = statusOf(err);
  if (s === undefined) return false;
  if (s.reason !== undefined && s.reason !== '') return s.reason === reason;
  return s.code !== undefined && s.code === codeForReason[reason];
}

export const isNotFound = (err: unknown): boolean => hasReason(err, 'NotFound');
export const isAlreadyExists = (err: unknown): boolean => hasReason(err, 'AlreadyExists');
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict');
export const isInvalid = (err: unknown): boolean => hasReason(err, 'Invalid');
export const isBadRequest = (err: unknown): boolean => hasReason(err, 'BadRequest');
export const isTooManyRequests = (err: unknown): boolean => hasReason(err, 'TooManyRequests');
export const isServiceUnavailable = (err: unknown): boolean => hasReason(err, 'ServiceUnavailable');
export const isInternalError = (err: unknown): boolean => hasReason(err, 'InternalError');
/** True for 410 with reason Expired or Gone: the caller must re-list. */
export const isResourceExpired = (err: unknown): boolean =>
  hasReason(err, 'Expired') || hasReason(err, 'Gone');
