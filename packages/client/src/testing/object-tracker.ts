// ObjectTracker (client-go testing/fixture.go): an in-memory apiserver for unit tests — CRUD with
// resourceVersions, conflicts and NotFound as the real one, plus watchable change streams.
import type { KubeObject, ResourceName } from '@svclab/api';
import { Resources } from '@svclab/api';
import {
  everything,
  metaNamespaceKey,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newNotFound,
  namespacedKey,
  OptimisticLockErrorMsg,
  parseSelector,
} from '@svclab/apimachinery';
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import {
  EventChannel,
  type ListerWatcher,
  type ListResult,
  type WatchEvent,
  type WatchOptions,
} from '../list-watch.js';
import { PatchType, type Patch } from '../rest-client.js';

interface Change {
  readonly rev: number;
  readonly ev: WatchEvent<KubeObject>;
}

function gr(resource: ResourceName): { group: string; resource: string } {
  return { group: Resources[resource].group, resource };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return structuredClone(patch);
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>))
    out[k] = v === null ? undefined : mergePatch(out[k], v);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

let uidSeq = 0;

/**
 * Stores objects per resource. Every write bumps one global revision (stamped as
 * `metadata.resourceVersion`), like the real store. Objects returned are copies.
 */
export class ObjectTracker {
  private rev = 1;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly changes = new Map<ResourceName, Change[]>();
  private readonly watchers = new Map<
    ResourceName,
    Set<{ ch: EventChannel<WatchEvent<KubeObject>>; ns: string | undefined }>
  >();

  constructor(private readonly now: () => Date = () => new Date()) {}

  resourceVersion(): string {
    return String(this.rev);
  }

  /** Seeds an object without recording a change (objects passed to the fake clientset). */
  seed(resource: ResourceName, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rev);
    o.metadata.uid ??= `uid-${++uidSeq}`;
    this.bucket(resource).set(metaNamespaceKey(o), o);
    return structuredClone(o);
  }

  get(resource: ResourceName, namespace: string, name: string): KubeObject {
    const o = this.bucket(resource).get(namespacedKey(this.nsFor(resource, namespace), name));
    if (o === undefined) throw newNotFound(gr(resource), name);
    return structuredClone(o);
  }

  list(
    resource: ResourceName,
    namespace: string | undefined,
    labelSelector?: string,
  ): ListResult<KubeObject> {
    const sel =
      labelSelector === undefined || labelSelector === ''
        ? everything()
        : parseSelector(labelSelector);
    const items = [...this.bucket(resource).values()]
      .filter(
        (o) => namespace === undefined || namespace === '' || o.metadata.namespace === namespace,
      )
      .filter((o) => sel.matches(o.metadata.labels))
      .map((o) => structuredClone(o));
    return { items, resourceVersion: String(this.rev) };
  }

  create(resource: ResourceName, namespace: string | undefined, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    if (Resources[resource].namespaced)
      o.metadata.namespace = namespace ?? o.metadata.namespace ?? 'default';
    if ((o.metadata.name ?? '') === '' && o.metadata.generateName !== undefined) {
      o.metadata.name = `${o.metadata.generateName}${Math.random().toString(36).slice(2, 7)}`;
    }
    const name = o.metadata.name ?? '';
    if (name === '') throw newBadRequest('name or generateName is required');
    const key = metaNamespaceKey(o);
    if (this.bucket(resource).has(key)) throw newAlreadyExists(gr(resource), name);
    o.metadata.uid = `uid-${++uidSeq}`;
    o.metadata.creationTimestamp = this.now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    o.metadata.generation = 1;
    return this.commit(resource, 'ADDED', o);
  }

  update(
    resource: ResourceName,
    obj: KubeObject,
    opts: { readonly namespace?: string | undefined; readonly subresource?: string } = {},
  ): KubeObject {
    const { namespace, subresource } = opts;
    const name = obj.metadata.name ?? '';
    const ns = this.nsFor(resource, namespace ?? obj.metadata.namespace ?? '');
    const cur = this.bucket(resource).get(namespacedKey(ns, name));
    if (cur === undefined) throw newNotFound(gr(resource), name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== cur.metadata.resourceVersion)
      throw newConflict(gr(resource), name, OptimisticLockErrorMsg);
    let next: KubeObject;
    if (subresource === 'status') {
      next = structuredClone(cur);
      (next as unknown as Record<string, unknown>)['status'] = structuredClone(
        (obj as unknown as Record<string, unknown>)['status'],
      );
    } else {
      next = structuredClone(obj);
      next.metadata = {
        ...next.metadata,
        namespace: cur.metadata.namespace,
        uid: cur.metadata.uid,
        creationTimestamp: cur.metadata.creationTimestamp,
        generation: cur.metadata.generation,
      };
      (next as unknown as Record<string, unknown>)['status'] = structuredClone(
        (cur as unknown as Record<string, unknown>)['status'],
      );
      if ((next as unknown as Record<string, unknown>)['status'] === undefined)
        delete (next as unknown as Record<string, unknown>)['status'];
      const spec = (o: KubeObject): string =>
        JSON.stringify((o as unknown as Record<string, unknown>)['spec'] ?? null);
      if (spec(next) !== spec(cur)) next.metadata.generation = (cur.metadata.generation ?? 0) + 1;
    }
    return this.commit(resource, 'MODIFIED', next);
  }

  patch(
    resource: ResourceName,
    ref: { readonly namespace: string | undefined; readonly name: string },
    patch: Patch,
  ): KubeObject {
    const { namespace, name } = ref;
    const cur = this.get(resource, namespace ?? '', name);
    let next: KubeObject;
    const data: unknown = typeof patch.data === 'string' ? JSON.parse(patch.data) : patch.data;
    switch (patch.type) {
      case PatchType.MergePatch:
      case PatchType.StrategicMergePatch:
        next = mergePatch(cur, data) as KubeObject;
        break;
      case PatchType.JSONPatch:
        next = fastJsonPatch.applyPatch(cur, data as Operation[], false, false).newDocument;
        break;
      case PatchType.ApplyPatch:
        throw newBadRequest('apply patches are not supported by the fake clientset');
    }
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    return this.update(resource, next, { namespace });
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const key = namespacedKey(this.nsFor(resource, namespace ?? ''), name);
    const cur = this.bucket(resource).get(key);
    if (cur === undefined) throw newNotFound(gr(resource), name);
    return this.commit(resource, 'DELETED', structuredClone(cur));
  }

  /** A ListerWatcher over this tracker, so informers see what the fake clientset writes. */
  listerWatcher(resource: ResourceName, namespace?: string): ListerWatcher {
    return {
      list: () => Promise.resolve(this.list(resource, namespace)),
      watch: (opts: WatchOptions) => {
        const ch = new EventChannel<WatchEvent<KubeObject>>();
        const from = Number(opts.resourceVersion === '' ? '0' : opts.resourceVersion);
        for (const c of this.changes.get(resource) ?? []) {
          if (
            c.rev > from &&
            (namespace === undefined || c.ev.object.metadata.namespace === namespace)
          )
            ch.push(clone(c.ev));
        }
        const w = { ch, ns: namespace };
        let set = this.watchers.get(resource);
        if (set === undefined) {
          set = new Set();
          this.watchers.set(resource, set);
        }
        set.add(w);
        const stop = (): void => {
          this.watchers.get(resource)?.delete(w);
          ch.close();
        };
        if (opts.signal.aborted) stop();
        else opts.signal.addEventListener('abort', stop, { once: true });
        return ch;
      },
    };
  }

  private nsFor(resource: ResourceName, namespace: string): string {
    return Resources[resource].namespaced ? namespace : '';
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (b === undefined) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  private commit(
    resource: ResourceName,
    type: WatchEvent<KubeObject>['type'],
    o: KubeObject,
  ): KubeObject {
    o.metadata.resourceVersion = String(++this.rev);
    const key = metaNamespaceKey(o);
    if (type === 'DELETED') this.bucket(resource).delete(key);
    else this.bucket(resource).set(key, o);
    const ev: WatchEvent<KubeObject> = { type, object: o };
    let log = this.changes.get(resource);
    if (log === undefined) {
      log = [];
      this.changes.set(resource, log);
    }
    log.push({ rev: this.rev, ev });
    for (const w of this.watchers.get(resource) ?? []) {
      if (w.ns === undefined || w.ns === o.metadata.namespace) w.ch.push(clone(ev));
    }
    return structuredClone(o);
  }
}

function clone(ev: WatchEvent<KubeObject>): WatchEvent<KubeObject> {
  return { type: ev.type, object: structuredClone(ev.object) };
}
