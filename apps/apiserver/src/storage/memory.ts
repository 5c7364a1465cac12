// In-memory Storage for component tests. Same contract as RedisStorage, no durability.
import { AllResources, type KubeObject } from '@svclab/api';
import {
  newAlreadyExists,
  newConflict,
  newNotFound,
  newResourceExpired,
  OptimisticLockErrorMsg,
  toStatusError,
} from '@svclab/apimachinery';
import type { ChangeEvent, ChangeType } from '@svclab/bus';
import type {
  CreateOptions,
  ListOptions,
  ListResult,
  ObjectKey,
  ReplayResult,
  Storage,
  UpdateOptions,
  WriteOptions,
} from './interface.js';

function nsName(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

/** GroupResource for messages (`endpointslices.discovery.k8s.io "x" not found`). */
function gr(resource: string): { group: string; resource: string } {
  return { group: AllResources.find((r) => r.resource === resource)?.group ?? '', resource };
}

export interface MemoryStorageOptions {
  /** Keep at most this many events per resource stream (older ones are compacted). */
  readonly maxEventsPerResource?: number;
  readonly now?: () => Date;
}

export class MemoryStorage implements Storage {
  private rev = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly streams = new Map<string, ChangeEvent[]>();
  private readonly compactedUpTo = new Map<string, number>();
  private readonly subscribers = new Set<(e: ChangeEvent) => void>();

  constructor(private readonly opts: MemoryStorageOptions = {}) {}

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (b === undefined) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  private commit(
    key: ObjectKey,
    { type, obj, opts }: { type: ChangeType; obj: KubeObject; opts: WriteOptions | undefined },
  ): KubeObject {
    const rev = ++this.rev;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rev);
    const b = this.bucket(key.resource);
    const k = nsName(key.namespace, key.name);
    if (type === 'DELETED') b.delete(k);
    else b.set(k, stored);
    const stream = this.streams.get(key.resource) ?? [];
    const prev = stream.at(-1)?.rev ?? this.compactedUpTo.get(key.resource) ?? 0;
    const event: ChangeEvent = {
      type,
      resource: key.resource,
      namespace: key.namespace,
      name: key.name,
      rev,
      prev,
      object: structuredClone(stored),
      ...(opts?.traceparent === undefined ? {} : { traceparent: opts.traceparent }),
      time: (this.opts.now?.() ?? new Date()).toISOString(),
    };
    stream.push(event);
    const max = this.opts.maxEventsPerResource ?? 10_000;
    while (stream.length > max) {
      const dropped = stream.shift();
      if (dropped) this.compactedUpTo.set(key.resource, dropped.rev);
    }
    this.streams.set(key.resource, stream);
    for (const s of this.subscribers) s(structuredClone(event));
    return structuredClone(stored);
  }

  get(key: ObjectKey): Promise<KubeObject | undefined> {
    const o = this.objects.get(key.resource)?.get(nsName(key.namespace, key.name));
    return Promise.resolve(o === undefined ? undefined : structuredClone(o));
  }

  list(resource: string, opts: ListOptions = {}): Promise<ListResult> {
    const all = [...(this.objects.get(resource) ?? new Map<string, KubeObject>()).entries()]
      .filter(
        ([, o]) => opts.namespace === undefined || (o.metadata.namespace ?? '') === opts.namespace,
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([k]) => opts.after === undefined || k > opts.after)
      .filter(([, o]) => opts.filter === undefined || opts.filter(o));
    const limit = opts.limit ?? 0;
    const page = limit > 0 ? all.slice(0, limit) : all;
    const more = limit > 0 && all.length > limit;
    const last = page.at(-1);
    return Promise.resolve({
      items: page.map(([, o]) => structuredClone(o)),
      rev: this.rev,
      ...(more && last ? { nextAfter: last[0], remaining: all.length - limit } : {}),
    });
  }

  create(key: ObjectKey, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject> {
    if ((opts?.claims ?? []).length > 0) {
      return Promise.reject(new Error('MemoryStorage does not take bitmap claims (bitmapClaims is unset)'));
    }
    const ns = opts?.namespace;
    if (ns !== undefined && ns !== '' && this.objects.get('namespaces')?.has(nsName('', ns)) !== true) {
      return Promise.reject(newNotFound({ group: '', resource: 'namespaces' }, ns));
    }
    if (this.objects.get(key.resource)?.has(nsName(key.namespace, key.name))) {
      return Promise.reject(newAlreadyExists(gr(key.resource), key.name));
    }
    return Promise.resolve(this.commit(key, { type: 'ADDED', obj, opts }));
  }

  private checkExisting(key: ObjectKey, opts: UpdateOptions | undefined): KubeObject {
    const cur = this.objects.get(key.resource)?.get(nsName(key.namespace, key.name));
    if (cur === undefined) throw newNotFound(gr(key.resource), key.name);
    if (
      opts?.expectedRev !== undefined &&
      String(opts.expectedRev) !== cur.metadata.resourceVersion
    ) {
      throw newConflict(gr(key.resource), key.name, OptimisticLockErrorMsg);
    }
    return cur;
  }

  update(key: ObjectKey, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject> {
    try {
      this.checkExisting(key, opts);
    } catch (err) {
      return Promise.reject(toStatusError(err));
    }
    return Promise.resolve(this.commit(key, { type: 'MODIFIED', obj, opts }));
  }

  delete(key: ObjectKey, opts?: UpdateOptions): Promise<KubeObject> {
    let cur: KubeObject;
    try {
      cur = this.checkExisting(key, opts);
    } catch (err) {
      return Promise.reject(toStatusError(err));
    }
    return Promise.resolve(this.commit(key, { type: 'DELETED', obj: cur, opts }));
  }

  currentRev(): Promise<number> {
    return Promise.resolve(this.rev);
  }

  replay(resource: string, fromRev: number, limit: number): Promise<ReplayResult> {
    const compacted = this.compactedUpTo.get(resource) ?? 0;
    if (fromRev < compacted) {
      return Promise.reject(
        newResourceExpired(`too old resource version: ${fromRev} (${compacted})`),
      );
    }
    const events = (this.streams.get(resource) ?? []).filter((e) => e.rev > fromRev);
    return Promise.resolve({
      events: events.slice(0, limit).map((e) => structuredClone(e)),
      more: events.length > limit,
      currentRev: this.rev,
    });
  }

  subscribe(onEvent: (e: ChangeEvent) => void): () => void {
    this.subscribers.add(onEvent);
    return () => this.subscribers.delete(onEvent);
  }

  close(): Promise<void> {
    this.subscribers.clear();
    return Promise.resolve();
  }
}
