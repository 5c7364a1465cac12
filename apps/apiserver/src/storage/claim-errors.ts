// Why a create with bitmap claims (CreateOptions.claims) did not commit. They never cross the
// wire: the generic Store moves the claim and writes again, or turns "full" into upstream's error.

/** Claim `index`'s candidate was taken; `offset` was free at that moment. Nothing was written. */
export class ClaimMovedError extends Error {
  override readonly name = 'ClaimMovedError';
  constructor(
    readonly index: number,
    readonly offset: number,
  ) {
    super(`bitmap claim ${index}: candidate taken, offset ${offset} is free`);
  }
}

/** Claim `index`'s bitmap has no free offset. Nothing was written. */
export class ClaimFullError extends Error {
  override readonly name = 'ClaimFullError';
  constructor(readonly index: number) {
    super(`bitmap claim ${index}: range is full`);
  }
}

export function isClaimMoved(err: unknown): err is ClaimMovedError {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ClaimMovedError';
}

export function isClaimFull(err: unknown): err is ClaimFullError {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ClaimFullError';
}
