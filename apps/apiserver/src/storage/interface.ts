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

/**
 * One free offset of a shared allocation bitmap (allocators/bitmap.ts), claimed in the same atomic
 * step as a create: the write and the claim both happen or neither does, so a failed create never
 * holds an allocation. Scan order as RedisBitmap.allocateNext: `candidate` when free, else the
 * first free offset from the random start of the dynamic band [offset, max) with wrap-around,
 * then of the static band [0, offset).
 */
export interface BitmapClaim {
  /** The bitmap's key (a Redis string, bit i = offset i). */
  readonly key: string;
  readonly max: number;
  readonly offset: number;
  /** The offset the object was written with: its random start unless a retry moved it. */
  readonly candidate: number;
  /** Random scan starts, 0-based within the dynamic and the static band. */
  readonly dynamicStart: number;
  readonly staticStart: number;
}

export interface CreateOptions extends WriteOptions {
  /**
   * Namespaced create: fail with NotFound (namespaces) unless this namespace exists, checked
   * atomically with the write.
   */
  readonly namespace?: string;
  /**
   * Bits to claim with the write; only for storage with `bitmapClaims`. A taken candidate fails
   * the write with ClaimMovedError (write again with the object at the offset it names), a full
   * bitmap with ClaimFullError.
   */
  readonly claims?: readonly BitmapClaim[];
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
 * - Written objects come back with `metadata.resourceVersion` = String(rev of the write). The
 *   object given to `create`/`update` is the caller's to hand over: the storage may return it
 *   (with that resourceVersion set) instead of a copy, so nobody else may hold or change it.
 * - Errors are StatusErrors: NotFound (404), AlreadyExists (409), Conflict (409),
 *   Expired (410, replay from a compacted revision).
 * - `subscribe` delivers every committed event of every resource in rev order per resource, once.
 */
export interface Storage {
  /**
   * Set when `create` takes `claims`. NOTE: the bitmaps must live where the objects do (the Redis
   * allocators on the storage's Redis, as main.ts wires them).
   */
  readonly bitmapClaims?: boolean;
  get(key: ObjectKey): Promise<KubeObject | undefined>;
  list(resource: string, opts?: ListOptions): Promise<ListResult>;
  create(key: ObjectKey, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject>;
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
