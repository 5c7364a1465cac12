// The per-resource behaviour the generic Store calls (upstream rest.RESTCreateStrategy & co).
import type { KubeObject, ResourceInfo } from '@svclab/api';
import type { FieldError } from '@svclab/apimachinery';
import type { BitmapClaim } from '../../storage/interface.js';

/** Per-request facts the registry needs; passed explicitly (no ambient context). */
export interface RequestContext {
  /** W3C traceparent of the request's server span, stored with every write. */
  readonly traceparent?: string;
  /** `dryRun=All`: run the whole pipeline, store nothing, release allocations. */
  readonly dryRun?: boolean;
  /** `fieldManager` query parameter (server-side apply and managedFields). */
  readonly fieldManager?: string;
  /** Set while a namespace deletion removes its contents: no per-object garbage collection. */
  readonly deletingNamespace?: boolean;
}

/**
 * Allocations made for one write (ClusterIPs, NodePorts). `commit` after the store accepted the
 * write (releases what the old object held and the new one no longer does); `revert` on any
 * failure or dry run (releases what this write took).
 */
export interface AllocationTxn {
  commit(): Promise<void>;
  revert(): Promise<void>;
  /** Allocations left to the create's own write (beginCreate with `deferNext` only). */
  readonly claims?: readonly DeferredClaim[];
}

/**
 * An allocateNext that beginCreate left to the storage: the object already holds the claim's
 * candidate; the Store passes `claim` with the create.
 */
export interface DeferredClaim {
  readonly claim: BitmapClaim;
  /** The candidate was taken: put `offset` into the object (and the claim) instead. */
  moveTo(offset: number): void;
  /** The Status error for a full range (what allocateNext would have thrown). */
  full(): Error;
}

export interface BeginCreateOptions {
  /**
   * allocateNext may become DeferredClaims: the storage has bitmapClaims and the request is no dry
   * run. A requested IP or port is still allocated at once.
   */
  readonly deferNext?: boolean;
}

export const noopTxn: AllocationTxn = {
  commit: () => Promise.resolve(),
  revert: () => Promise.resolve(),
};

export interface Strategy {
  readonly info: ResourceInfo;
  /** PUT on a missing object creates it (endpoints, events, leases). */
  readonly allowCreateOnUpdate: boolean;
  /** v1 defaulting (mutates `obj`), before allocation and validation. */
  setDefaults(obj: KubeObject): void;
  /** Clears what a create may not set (status of services, apps kinds…). Mutates `obj`. */
  prepareForCreate(obj: KubeObject): void;
  /** Main-resource update: keeps old status, applies strategy clearing. Mutates `obj`. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Allocation before validation (§1.1). Throws StatusErrors; on success returns a txn. */
  beginCreate(obj: KubeObject, opts?: BeginCreateOptions): Promise<AllocationTxn>;
  beginUpdate(obj: KubeObject, old: KubeObject): Promise<AllocationTxn>;
  validateCreate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Refuses a delete by throwing a StatusError (immortal namespaces); no-op for most kinds. */
  beforeDelete(obj: KubeObject): void;
  /** Called after the object left storage (release allocations, cascade). */
  afterDelete(obj: KubeObject, ctx: RequestContext): Promise<void>;
  /**
   * Seconds of graceful deletion for `obj` given the requested grace (undefined: default), or 0 to
   * delete at once. Only pods are graceful.
   */
  gracePeriodSeconds(obj: KubeObject, requested: number | undefined): number;
}

/** Every top-level field except the object envelope: what "spec changed" compares. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  }
  return rest;
}

/** Status-subresource update: everything but `status` comes from the old object. */
export function prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
  const rec = obj as unknown as Record<string, unknown>;
  const oldRec = old as unknown as Record<string, unknown>;
  const status = rec['status'];
  const rv = obj.metadata.resourceVersion;
  for (const k of Object.keys(rec)) Reflect.deleteProperty(rec, k);
  for (const [k, v] of Object.entries(structuredClone(oldRec))) rec[k] = v;
  if (status === undefined) delete rec['status'];
  else rec['status'] = status;
  if (rv === undefined) delete obj.metadata.resourceVersion;
  else obj.metadata.resourceVersion = rv;
}

/** Keeps the old status on a main-resource update (status is written through /status only). */
export function keepOldStatus(obj: KubeObject, old: KubeObject): void {
  const rec = obj as unknown as Record<string, unknown>;
  const oldStatus = (old as unknown as Record<string, unknown>)['status'];
  if (oldStatus === undefined) delete rec['status'];
  else rec['status'] = structuredClone(oldStatus);
}

export function clearStatus(obj: KubeObject): void {
  delete (obj as unknown as Record<string, unknown>)['status'];
}
