// Deep-freezing of cached objects: what informers and listers hand out must not be mutated
// (HOUSE_STYLE §7, a stronger form of upstream's cacheMutationCheck).

/** Freezes `obj` and everything reachable from it; returns it. Already-frozen subtrees are skipped. */
export function deepFreeze<T>(obj: T): T {
  if (obj === null || typeof obj !== 'object' || Object.isFrozen(obj)) return obj;
  Object.freeze(obj);
  for (const v of Object.values(obj)) deepFreeze(v);
  return obj;
}
