// The apiserver's raw store: objects by (resource, namespace, name) with a global revision and a
// change stream per resource. Validation, defaulting and generation bumps never happen here.
import type { KubeObject } from '@svclab/api';
import type { ChangeEvent } from '@svclab/bus';

/** Identifies one object. `namespace` is '' for cluster-scoped resources. */
export interface ObjectKey {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface WriteOptions {
  /** W3C traceparent of the request, stored with the event. */
  readonly traceparent?: string;
}

export interface UpdateOptions extends WriteOptions {
  /**
   * Compare-and-swap: the write fails with 409 Conflict unless the stored object's revision equals
   * this. Undefined means unconditional.
   */
  readonly expectedRev?: number;
}

export interface ListOptions {
  /** Restrict to one namespace; undefined lists all namespaces. */
  readonly namespace?: string;
  /** At most this many items (0/undefined: all). */
  readonly limit?: number;
  /** Continue after this `namespace/name` key (exclusive), from a previous page. */
  readonly after?: string;
  /** Only items passing this filter count toward `limit` (label/field selectors). */
  readonly filter?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  /** Sorted by `namespace/name`. Each carries its resourceVersion. */
  readonly items: KubeObject[];
  /** The store revision the list was read at. */
  readonly rev: number;
  /** Key of the last item returned when more remain; pass as `after` for the next page. */
  readonly nextAfter?: string;
  /** Items left after this page (when known). */
  readonly remaining?: number;
}

export interface ReplayResult {
  /** Events with rev > fromRev, oldest first, at most `limit`. */
  readonly events: ChangeEvent[];
  readonly more: boolean;
  readonly currentRev: number;
}

/**
 * Storage contract:
 * - Every successful write commits atomically: object, global revision bump and an event appended
 *   to the resource's change stream (with `prev` = the previous event's rev in that stream).
 * - Written objects come back with `metadata.resourceVersion` = String(rev of the write).
 * - Errors are StatusErrors: NotFound (404), AlreadyExists (409), Conflict (409),
 *   Expired (410, replay from a compacted revision).
 * - `subscribe` delivers every committed event of every resource in rev order per resource, once.
 */
export interface Storage {
  get(key: ObjectKey): Promise<KubeObject | undefined>;
  list(resource: string, opts?: ListOptions): Promise<ListResult>;
  create(key: ObjectKey, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  update(key: ObjectKey, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject>;
  /** Removes the object; returns its last state stamped with the delete's revision. */
  delete(key: ObjectKey, opts?: UpdateOptions): Promise<KubeObject>;
  /** The current global revision. */
  currentRev(): Promise<number>;
  /** Events of `resource` with rev > fromRev. Throws 410 Expired when fromRev is compacted. */
  replay(resource: string, fromRev: number, limit: number): Promise<ReplayResult>;
  /** Live events of all resources after the moment of the call; returns an unsubscribe. */
  subscribe(onEvent: (e: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}
