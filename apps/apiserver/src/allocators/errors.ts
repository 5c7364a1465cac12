// Allocation failures, with upstream's messages (pkg/registry/core/service/ipallocator and
// portallocator). They never cross the wire as such: the registry turns them into a 422 Invalid
// (requested address/port) or a 500 InternalError (`failed to allocate a serviceIP: range is full`).
// Every one is an AllocationError (`name === 'AllocationError'`, `kind`), the shape the registry's
// `isAllocationError` (registry/allocators.ts) recognises.

export type AllocationErrorKind = 'full' | 'allocated' | 'notInRange';

/** Base of the allocation failures; `kind` says which one. */
export class AllocationError extends Error {
  override readonly name = 'AllocationError';
  constructor(
    readonly kind: AllocationErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** ErrFull: no free address/port left in the range. */
export class RangeFullError extends AllocationError {
  constructor(options?: ErrorOptions) {
    super('full', 'range is full', options);
  }
}

/** ErrAllocated: the requested address/port is taken. */
export class AlreadyAllocatedError extends AllocationError {
  constructor(what: 'IP' | 'port', options?: ErrorOptions) {
    super('allocated', `provided ${what} is already allocated`, options);
  }
}

/** ErrNotInRange: the requested address/port lies outside the allocatable range. */
export class NotInRangeError extends AllocationError {
  constructor(
    message: string,
    /** The range as upstream prints it: a CIDR (`127.96.0.0/12`) or `30000-32767`. */
    readonly validRange: string,
    options?: ErrorOptions,
  ) {
    super('notInRange', message, options);
  }
}

/** True for any AllocationError, also from a duplicate module copy. */
export function isAllocationError(err: unknown): err is AllocationError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'AllocationError'
  );
}

const ofKind =
  (kind: AllocationErrorKind) =>
  (err: unknown): boolean =>
    isAllocationError(err) && err.kind === kind;

export const isRangeFull: (err: unknown) => boolean = ofKind('full');
export const isAlreadyAllocated: (err: unknown) => boolean = ofKind('allocated');
export const isNotInRange: (err: unknown) => boolean = ofKind('notInRange');
