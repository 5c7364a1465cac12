// The generic registry store (upstream generic/registry.Store), written once for every resource:
// create / get / list / update / delete / deletecollection over Storage, with resourceVersion
// preconditions, generateName, system metadata, generation bumps, graceful deletion, finalizers,
// strategy hooks (allocation before validation), dry run and traceparent propagation.
import { randomUUID } from 'node:crypto';
import { groupVersion, type DeleteOptions, type KubeObject } from '@svclab/api';
import {
  fieldErrors,
  isAlreadyExists,
  isConflict,
  newBadRequest,
  newConflict,
  newInvalid,
  newNotFound,
  OptimisticLockErrorMsg,
  parseResourceVersion,
  type FieldError,
} from '@svclab/apimachinery';
import { isClaimFull, isClaimMoved } from '../../storage/claim-errors.js';
import type { CreateOptions, ListResult, ObjectKey, Storage } from '../../storage/interface.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { jsonEqual, jsonEqualExcept } from './json-equal.js';
import { generateName } from './names.js';
import type { Selection } from './selection.js';
import {
  prepareForStatusUpdate,
  specOf,
  type AllocationTxn,
  type DeferredClaim,
  type RequestContext,
  type Strategy,
} from './strategy.js';

/** Called after an object left storage, with the request's propagation policy (garbage collection). */
export type OnDeleted = (obj: KubeObject, policy: DeleteOptions['propagationPolicy'], ctx: RequestContext) => Promise<void>;

export interface StoreDeps {
  readonly storage: Storage;
  readonly strategy: Strategy;
  readonly onDeleted?: OnDeleted;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface ListQuery {
  readonly namespace?: string;
  readonly selection?: Selection;
  readonly limit?: number;
  readonly continueToken?: string;
}

/** Namespace ('' for cluster scope) and name of one object. */
export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface UpdateCall {
  readonly ctx: RequestContext;
  /** `status`: only status changes (upstream status strategy). */
  readonly subresource?: 'status';
  /** Create a missing object (default: the strategy's AllowCreateOnUpdate; server-side apply: true). */
  readonly allowCreate?: boolean;
  /**
   * What `mutate` returns, when nothing else holds it or shares structure with it (`current`
   * included), so the store may change it in place instead of copying it first:
   * - `body`: the same object on every call (PUT: the decoded body); still copied when a conflict
   *   may make the store call `mutate` again (no resourceVersion precondition);
   * - `fresh`: a new object on every call (PATCH: the patch applied to a copy of `current`).
   */
  readonly owned?: 'body' | 'fresh';
}

export interface ListPage {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** metadata fields an update may change without changing the object. */
const volatileMeta: ReadonlySet<string> = new Set(['resourceVersion', 'managedFields']);
const metadataKey: ReadonlySet<string> = new Set(['metadata']);

/** Equal but for resourceVersion and managedFields: an update that changes nothing else is a no-op. */
function semanticallyEqual(a: KubeObject, b: KubeObject): boolean {
  return jsonEqualExcept(a.metadata, b.metadata, volatileMeta) && jsonEqualExcept(a, b, metadataKey);
}

const maxConflictRetries = 5;
/**
 * Writes of one create whose claimed candidate was taken meanwhile. Each retry starts at an offset
 * that was free a moment before, so only a burst of concurrent creates landing on it moves it again.
 */
const maxClaimMoves = 16;

export class Store {
  private readonly storage: Storage;
  readonly strategy: Strategy;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly onDeleted: OnDeleted;

  constructor(deps: StoreDeps) {
    this.onDeleted = deps.onDeleted ?? (() => Promise.resolve());
    this.storage = deps.storage;
    this.strategy = deps.strategy;
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
  }

  private get info() {
    return this.strategy.info;
  }

  private get gr() {
    return { group: this.info.group, resource: this.info.resource };
  }

  private get gk() {
    return { group: this.info.group, kind: this.info.kind };
  }

  key(namespace: string, name: string): ObjectKey {
    return { resource: this.info.resource, namespace: this.info.namespaced ? namespace : '', name };
  }

  private withType(obj: KubeObject): KubeObject {
    obj.apiVersion = groupVersion(this.info);
    obj.kind = this.info.kind;
    return obj;
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    const obj = await this.storage.get(this.key(namespace, name));
    if (obj === undefined) throw newNotFound(this.gr, name);
    return this.withType(obj);
  }

  async list(q: ListQuery): Promise<ListPage> {
    const token = q.continueToken !== undefined && q.continueToken !== '' ? decodeContinue(q.continueToken) : undefined;
    const sel = q.selection;
    const res: ListResult = await this.storage.list(this.info.resource, {
      ...(this.info.namespaced && q.namespace !== undefined ? { namespace: q.namespace } : {}),
      ...(q.limit !== undefined && q.limit > 0 ? { limit: q.limit } : {}),
      ...(token ? { after: token.start } : {}),
      ...(sel && !sel.empty() ? { filter: (o: KubeObject) => sel.matches(o) } : {}),
    });
    const rv = token?.rv ?? res.rev;
    return {
      items: res.items.map((o) => this.withType(o)),
      resourceVersion: String(rv),
      ...(res.nextAfter !== undefined ? { continueToken: encodeContinue({ rv, start: res.nextAfter }) } : {}),
      ...(res.remaining !== undefined ? { remainingItemCount: res.remaining } : {}),
    };
  }

  private async ensureNamespace(namespace: string): Promise<void> {
    if (!this.info.namespaced) return;
    const ns = await this.storage.get({ resource: 'namespaces', namespace: '', name: namespace });
    if (ns === undefined) throw newNotFound({ group: '', resource: 'namespaces' }, namespace);
  }

  private checkNamespace(obj: KubeObject, namespace: string): void {
    if (!this.info.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== '' && ns !== namespace) {
      throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }

  private invalid(obj: KubeObject, errs: readonly FieldError[]): Error {
    return newInvalid(this.gk, obj.metadata.name ?? '', errs);
  }

  /** POST: defaults are applied by the caller's strategy chain here, in upstream order (§1.1). */
  create(namespace: string, body: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    return this.createOwned(namespace, structuredClone(body), ctx);
  }

  /** create() of an object the caller hands over. NOTE: `body` is mutated; it must not be used after. */
  async createOwned(namespace: string, body: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    const obj = this.withType(body);
    this.checkNamespace(obj, namespace);
    const m = obj.metadata;
    const explicitName = m.name !== undefined && m.name !== '';
    for (let attempt = 0; ; attempt++) {
      if (!explicitName && m.generateName !== undefined && m.generateName !== '') {
        m.name = generateName(m.generateName, this.random);
      }
      try {
        // createOnce mutates what it gets: a copy only when a generated name may need another try.
        return await this.createOnce(namespace, explicitName ? obj : structuredClone(obj), ctx);
      } catch (err) {
        // A generated name that collided: try another one, as the name generator would.
        if (!explicitName && m.generateName && isAlreadyExists(err) && attempt < 8) continue;
        throw err;
      }
    }
  }

  /** NOTE: mutates `obj` (the caller's own copy). */
  private async createOnce(namespace: string, obj: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    const m = obj.metadata;
    if (m.name === undefined || m.name === '') {
      throw this.invalid(obj, [fieldErrors.required('metadata.name', 'name or generateName is required')]);
    }
    // The write checks the namespace atomically (no round trip of its own); the error paths before
    // it check first, so a missing namespace still wins over allocation and validation errors, as
    // upstream's NamespaceLifecycle admission runs before both.
    const nsInWrite = this.info.namespaced && ctx.dryRun !== true && namespace !== '';
    if (!nsInWrite) await this.ensureNamespace(namespace);
    // FillObjectMetaSystemFields
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(this.now());
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (Object.keys(specOf(obj)).length > 0) m.generation = 1;
    else delete m.generation;
    this.strategy.setDefaults(obj);
    let txn: AllocationTxn;
    try {
      txn = await this.strategy.beginCreate(obj, { deferNext: ctx.dryRun !== true && this.storage.bitmapClaims === true });
    } catch (err) {
      if (nsInWrite) await this.ensureNamespace(namespace);
      throw err;
    }
    try {
      this.strategy.prepareForCreate(obj);
      const errs = this.strategy.validateCreate(obj);
      if (errs.length > 0) {
        if (nsInWrite) await this.ensureNamespace(namespace);
        throw this.invalid(obj, errs);
      }
      if (ctx.dryRun === true) {
        await txn.revert();
        return obj;
      }
      const opts = { ...ctxOpts(ctx), ...(nsInWrite ? { namespace } : {}) };
      const stored = await this.createClaiming(this.key(namespace, m.name), obj, { opts, claims: txn.claims ?? [] });
      await txn.commit();
      return this.withType(stored);
    } catch (err) {
      await txn.revert();
      throw err;
    }
  }

  /** storage.create taking the txn's deferred allocations; a taken candidate moves and writes again. */
  private async createClaiming(
    key: ObjectKey,
    obj: KubeObject,
    { opts, claims }: { opts: CreateOptions; claims: readonly DeferredClaim[] },
  ): Promise<KubeObject> {
    for (let moves = 0; ; moves++) {
      try {
        return await this.storage.create(key, obj, claims.length === 0 ? opts : { ...opts, claims: claims.map((c) => c.claim) });
      } catch (err) {
        if (isClaimMoved(err) && moves < maxClaimMoves) {
          claims[err.index]?.moveTo(err.offset);
          continue;
        }
        if (isClaimFull(err)) throw claims[err.index]?.full() ?? err;
        throw err;
      }
    }
  }

  /**
   * PUT (or the last step of PATCH): `mutate` turns the current object into the desired one (for
   * PUT it ignores its input). Retries on conflicts only when the caller gave no resourceVersion.
   * `allowCreate` (default: the strategy's AllowCreateOnUpdate; server-side apply passes true)
   * creates a missing object from `mutate(undefined)`.
   */
  async update(
    ref: ObjectRef,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts: UpdateCall,
  ): Promise<{ object: KubeObject; created: boolean }> {
    const { namespace, name } = ref;
    const { ctx, subresource } = opts;
    const allowCreate = opts.allowCreate ?? this.strategy.allowCreateOnUpdate;
    for (let attempt = 0; ; attempt++) {
      const current = await this.storage.get(this.key(namespace, name));
      const result = await mutate(current === undefined ? undefined : this.withType(current));
      const precondition = (result.metadata as KubeObject['metadata'] | undefined)?.resourceVersion;
      const retriable = precondition === undefined || precondition === '';
      // NOTE: updateOnce changes `desired` in place and compares it with `current` (immutable
      // fields, generation): they must not share structure, hence the copy unless owned.
      const owned = opts.owned === 'fresh' || (opts.owned === 'body' && !retriable);
      const desired = owned ? result : structuredClone(result);
      try {
        if (current === undefined) {
          if (subresource !== undefined || !allowCreate) throw newNotFound(this.gr, name);
          this.checkName(desired, name);
          return { object: await this.createOwned(namespace, desired, ctx), created: true };
        }
        return { object: await this.updateOnce(desired, this.withType(current), { ...opts, ref }), created: false };
      } catch (err) {
        if (!retriable || !isConflict(err) || attempt >= maxConflictRetries) throw err;
      }
    }
  }

  private checkName(obj: KubeObject, name: string): void {
    const n = obj.metadata.name;
    if (n === undefined || n === '') obj.metadata.name = name;
    else if (n !== name) {
      throw newBadRequest(`the name of the object (${n}) does not match the name on the URL (${name})`);
    }
  }

  private async updateOnce(input: KubeObject, old: KubeObject, call: UpdateCall & { ref: ObjectRef }): Promise<KubeObject> {
    const { namespace, name } = call.ref;
    const { ctx, subresource } = call;
    const obj = this.withType(input);
    this.checkName(obj, name);
    this.checkNamespace(obj, namespace);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) {
      throw newConflict(this.gr, name, OptimisticLockErrorMsg);
    }
    if (subresource === 'status') prepareForStatusUpdate(obj, old);
    // System fields the client may not change.
    const m = obj.metadata;
    const om = old.metadata;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (om[k] === undefined) Reflect.deleteProperty(m, k);
      else (m as Record<string, unknown>)[k] = om[k];
    }
    // Finalizers may only be removed once deletion started, not re-added (kept simple: free).
    m.resourceVersion = om.resourceVersion ?? '';
    let txn = { commit: () => Promise.resolve(), revert: () => Promise.resolve() };
    if (subresource === undefined) {
      this.strategy.setDefaults(obj);
      this.strategy.prepareForUpdate(obj, old);
      txn = await this.strategy.beginUpdate(obj, old);
    }
    try {
      const errs = this.strategy.validateUpdate(obj, old);
      if (errs.length > 0) throw this.invalid(obj, errs);
      if (om.generation !== undefined && !jsonEqual(specOf(obj), specOf(old))) {
        m.generation = om.generation + 1;
      }
      if (semanticallyEqual(obj, old)) {
        await txn.revert();
        return this.withType(old);
      }
      if (ctx.dryRun === true) {
        await txn.revert();
        return obj;
      }
      const key = this.key(namespace, name);
      const opts = { ...ctxOpts(ctx), expectedRev: parseResourceVersion(om.resourceVersion) };
      let result: KubeObject;
      if (m.deletionTimestamp !== undefined && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0) {
        // The last finalizer went away on an object being deleted: it leaves storage now.
        result = await this.storage.delete(key, opts);
        await txn.commit();
        await this.strategy.afterDelete(result, ctx);
        await this.onDeleted(this.withType(result), 'Background', ctx);
      } else {
        result = await this.storage.update(key, obj, opts);
        await txn.commit();
      }
      return this.withType(result);
    } catch (err) {
      await txn.revert();
      throw err;
    }
  }

  /**
   * DELETE. Objects with finalizers, and pods with a grace period, only get a deletionTimestamp
   * (the finalizer owner / node agent finishes them); everything else leaves storage at once.
   */
  async delete(ref: ObjectRef, opts: DeleteOptions, ctx: RequestContext): Promise<KubeObject> {
    const { namespace, name } = ref;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.storage.get(this.key(namespace, name));
      if (cur === undefined) throw newNotFound(this.gr, name);
      try {
        return await this.deleteOnce(this.withType(cur), opts, ctx);
      } catch (err) {
        const pre = opts.preconditions?.resourceVersion;
        if (!isConflict(err) || (pre !== undefined && pre !== '') || attempt >= maxConflictRetries) throw err;
      }
    }
  }

  private async deleteOnce(cur: KubeObject, opts: DeleteOptions, ctx: RequestContext): Promise<KubeObject> {
    const namespace = cur.metadata.namespace ?? '';
    const name = cur.metadata.name ?? '';
    this.strategy.beforeDelete(cur);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== cur.metadata.uid) {
      throw newConflict(
        this.gr,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw newConflict(
        this.gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ''}`,
      );
    }
    const key = this.key(namespace, name);
    const wopts = { ...ctxOpts(ctx), expectedRev: parseResourceVersion(cur.metadata.resourceVersion) };
    const grace = this.strategy.gracePeriodSeconds(cur, opts.gracePeriodSeconds);
    const hasFinalizers = (cur.metadata.finalizers ?? []).length > 0;
    if (hasFinalizers || grace > 0) {
      const next = structuredClone(cur);
      const now = this.now();
      if (next.metadata.deletionTimestamp === undefined) {
        next.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        next.metadata.deletionGracePeriodSeconds = grace;
      } else if (grace < (next.metadata.deletionGracePeriodSeconds ?? 0)) {
        // A shorter grace period shortens a pending deletion (never lengthens it).
        next.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        next.metadata.deletionGracePeriodSeconds = grace;
      }
      if (hasFinalizers || grace > 0) {
        if (semanticallyEqual(next, cur)) return cur;
        if (ctx.dryRun === true) return next;
        return this.withType(await this.storage.update(key, next, wopts));
      }
    }
    if (ctx.dryRun === true) return cur;
    const deleted = await this.storage.delete(key, wopts);
    await this.strategy.afterDelete(deleted, ctx);
    await this.onDeleted(this.withType(deleted), opts.propagationPolicy, ctx);
    return this.withType(deleted);
  }

  /** DELETE on the collection: every selected object, one by one (upstream DeleteCollection). */
  async deleteCollection(q: ListQuery, opts: DeleteOptions, ctx: RequestContext): Promise<KubeObject[]> {
    const page = await this.list({ ...(q.namespace !== undefined ? { namespace: q.namespace } : {}), ...(q.selection ? { selection: q.selection } : {}) });
    const out: KubeObject[] = [];
    for (const item of page.items) {
      try {
        out.push(await this.delete({ namespace: item.metadata.namespace ?? '', name: item.metadata.name ?? '' }, opts, ctx));
      } catch (err) {
        if (!isNotFoundLike(err)) throw err;
      }
    }
    return out;
  }
}

function isNotFoundLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: { code?: number } }).status?.code === 404;
}

function ctxOpts(ctx: RequestContext): { traceparent?: string } {
  return ctx.traceparent === undefined ? {} : { traceparent: ctx.traceparent };
}
