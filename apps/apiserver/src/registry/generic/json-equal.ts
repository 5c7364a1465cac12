// Equality of JSON values as their serialisations would compare with sorted keys, without building
// them: the Store's "did the update change anything" and "did the spec change" checks.

/**
 * Whether `a` and `b` serialise to the same JSON up to object key order: properties holding
 * undefined count as absent (and as null inside arrays), as JSON.stringify writes them.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, undefined);
}

/** jsonEqual of two objects as if their top-level `ignore` keys were absent. */
export function jsonEqualExcept(a: object, b: object, ignore: ReadonlySet<string>): boolean {
  return equal(a, b, ignore);
}

function equal(a: unknown, b: unknown, ignore: ReadonlySet<string> | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  const arrA = Array.isArray(a);
  if (arrA !== Array.isArray(b)) return false;
  if (arrA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equal(x[i], y[i], undefined)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || x[k] === undefined || ignore?.has(k) === true) continue;
    n++;
    if (!Object.hasOwn(y, k) || !equal(x[k], y[k], undefined)) return false;
  }
  for (const k in y) if (Object.hasOwn(y, k) && y[k] !== undefined && ignore?.has(k) !== true) n--;
  return n === 0;
}
