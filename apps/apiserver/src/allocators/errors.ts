// Allocation failures, with upstream's messages (pkg/registry/core/service/ipallocator and
// portallocator). They never cross the wire as such: the registry turns them into a 422 Invalid
// (requested address/port) or a 500 InternalError (`failed to allocate a serviceIP: range is full`).

/** ErrFull: no free address/port left in the range. */
export class RangeFullError extends Error {
  override readonly name = 'RangeFullError';
  constructor(options?: ErrorOptions) {
    super('range is full', options);
  }
}

/** ErrAllocated: the requested address/port is taken. */
export class AlreadyAllocatedError extends Error {
  override readonly name = 'AlreadyAllocatedError';
  constructor(what: 'IP' | 'port', options?: ErrorOptions) {
    super(`provided ${what} is already allocated`, options);
  }
}

/** ErrNotInRange: the requested address/port lies outside the allocatable range. */
export class NotInRangeError extends Error {
  override readonly name = 'NotInRangeError';
  /** The range as upstream prints it: a CIDR (`127.96.0.0/12`) or `30000-32767`. */
  readonly validRange: string;
  constructor(message: string, validRange: string, options?: ErrorOptions) {
    super(message, options);
    this.validRange = validRange;
  }
}

const named =
  (name: string) =>
  (err: unknown): boolean =>
    typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;

export const isRangeFull: (err: unknown) => boolean = named('RangeFullError');
export const isAlreadyAllocated: (err: unknown) => boolean = named('AlreadyAllocatedError');
export const isNotInRange: (err: unknown) => boolean = named('NotInRangeError');
