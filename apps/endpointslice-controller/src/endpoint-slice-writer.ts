// The write side the reconcilers need, kept minimal so any typed client can be adapted to it.
import type { EndpointSlice, Endpoints } from '@svclab/api';

/** The part of a written slice the controller reads back: its stored metadata (uid, generation). */
export type WrittenEndpointSlice = Pick<EndpointSlice, 'metadata'>;

/**
 * Writes EndpointSlices. Implementations reject with a StatusError (isNotFound, isConflict, …) on
 * API failures. `create`/`update` resolve to the object the apiserver stored (name, uid and
 * generation filled in), or at least its metadata — the tracker records that generation.
 */
export interface EndpointSliceWriter {
  /** POST into `slice.metadata.namespace`; `metadata.generateName` is set, `name` is not. */
  create(slice: EndpointSlice): Promise<WrittenEndpointSlice>;
  /** PUT `slice` (resourceVersion from the cached copy it was derived from). */
  update(slice: EndpointSlice): Promise<WrittenEndpointSlice>;
  delete(namespace: string, name: string): Promise<void>;
}

/** Writes legacy v1 Endpoints; same error contract as EndpointSliceWriter. Answers are not read. */
export interface EndpointsWriter {
  create(endpoints: Endpoints): Promise<Pick<Endpoints, 'metadata'>>;
  update(endpoints: Endpoints): Promise<Pick<Endpoints, 'metadata'>>;
  delete(namespace: string, name: string): Promise<void>;
}
