// The write side the reconcilers need, kept minimal so any typed client can be adapted to it.
import type { EndpointSlice, Endpoints } from '@svclab/api';

/**
 * Writes EndpointSlices. Implementations reject with a StatusError (isNotFound, isConflict, …) on
 * API failures. `create`/`update` resolve to the object the apiserver stored (name, uid and
 * generation filled in) — the tracker records that generation.
 */
export interface EndpointSliceWriter {
  /** POST into `slice.metadata.namespace`; `metadata.generateName` is set, `name` is not. */
  create(slice: EndpointSlice): Promise<EndpointSlice>;
  /** PUT `slice` (resourceVersion from the cached copy it was derived from). */
  update(slice: EndpointSlice): Promise<EndpointSlice>;
  delete(namespace: string, name: string): Promise<void>;
}

/** Writes legacy v1 Endpoints; same error contract as EndpointSliceWriter. */
export interface EndpointsWriter {
  create(endpoints: Endpoints): Promise<Endpoints>;
  update(endpoints: Endpoints): Promise<Endpoints>;
  delete(namespace: string, name: string): Promise<void>;
}
