// StaleInformerCacheError: the EndpointSlice informer cache is older than what this controller
// last wrote (k8s.io/endpointslice/util errors.go). Never crosses the wire; the controller
// retries the key and counts the sync as `stale`.

export class StaleInformerCacheError extends Error {
  override readonly name = 'StaleInformerCacheError';
  constructor(message = 'EndpointSlice informer cache is out of date', options?: ErrorOptions) {
    super(message, options);
  }
}

/** True for a StaleInformerCacheError anywhere on the `cause` chain (or in an AggregateError). */
export function isStaleInformerCache(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 16; depth++) {
    if (e instanceof StaleInformerCacheError) return true;
    if (typeof e !== 'object') return false;
    if ((e as { name?: unknown }).name === 'StaleInformerCacheError') return true;
    if (e instanceof AggregateError && e.errors.some(isStaleInformerCache)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
