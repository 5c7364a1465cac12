// RedisStorage: the apiserver's durable store. Every write is one Lua script (compare revision,
// store object, INCR revision, XADD event, compact); reads are one script each, so a list is one
// snapshot. Key schema: docs/apiserver-storage.md.
import { randomUUID } from 'node:crypto';
import { AllResources, type KubeObject } from '@svclab/api';
import {
  namespacedKey,
  newAlreadyExists,
  newConflict,
  newNotFound,
  newResourceExpired,
  OptimisticLockErrorMsg,
} from '@svclab/apimachinery';
import type { ChangeEvent, ChangeType } from '@svclab/bus';
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { Redis } from 'ioredis';
import { type RedisOptions } from 'ioredis';
import type {
  BitmapClaim,
  CreateOptions,
  ListOptions,
  ListResult,
  ObjectKey,
  ReplayResult,
  Storage,
  UpdateOptions,
} from './interface.js';
import { ClaimFullError, ClaimMovedError } from './claim-errors.js';
import { decodeChangeEvent, lazyChangeEvent, type ChangeEventFields } from '../events/raw-event.js';
import { serialise, storedLayout } from './serialise.js';
import { withStoredJSON } from './stored-json.js';
import {
  listScript,
  replayScript,
  RvPlaceholderJSON,
  writeScript,
} from './redis-scripts.js';

/** Events kept per resource stream before the oldest are compacted (410 for older watchers). */
export const DefaultMaxEventsPerResource = 10_000;
/**
 * Seconds a write id is remembered, so a write ioredis resends after a reconnect applies once.
 * 120 s outlasts ioredis' resend window (20 reconnect attempts, at most 2 s apart) and bounds the
 * remembered ids to about write rate × 120 small keys.
 */
const WriteIdTTLSeconds = 120;

/** What RedisStorage hands each committed event to (the NATS publisher in production). */
export interface CommittedEvent extends ChangeEventFields {
  /** The event JSON, byte-identical to the one stored in the stream (and replayed later). */
  readonly json: string;
  /** The object's JSON as stored: the `object` of `json`. */
  readonly objectJSON: string;
}

export interface RedisStorageOptions {
  /** Prefix of every key (default `svclab:`); tests use one per storage to share a Redis. */
  readonly keyPrefix?: string;
  readonly maxEventsPerResource?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /**
   * Called synchronously, in commit order, for each write this process committed. NOTE: must not
   * throw or do slow work; the NATS publisher only buffers the message.
   */
  readonly onCommit?: (e: CommittedEvent) => void;
}

/** Gets the duration of one storage round trip: operation (get, list, create, update, delete), resource, seconds. */
export type StorageRequestObserver = (operation: string, resource: string, seconds: number) => void;

/** Redis keys of one resource. */
export interface ResourceKeys {
  readonly objects: string;
  readonly index: string;
  readonly events: string;
  readonly meta: string;
}

type WriteReply =
  | ['ok', number, number, string?]
  | ['exists']
  | ['notfound']
  | ['conflict']
  | ['nsnotfound']
  | ['moved', number, number]
  | ['full', number];
type ListReply = [number, number, string[], (string | null)[]];
type ReplayReply = ['expired', number, number] | ['ok', number, number, ...string[]];

interface ScriptedRedis {
  svclabWrite(...args: (string | number)[]): Promise<WriteReply>;
  svclabList(...args: (string | number)[]): Promise<ListReply>;
  svclabReplay(...args: (string | number)[]): Promise<ReplayReply>;
}

/** ioredis options for the apiserver: reconnect forever with capped backoff, resend in-flight commands. */
export function redisClientOptions(logger: Logger = nopLogger): RedisOptions {
  return {
    // Reconnect on our own after a Redis restart: 50 ms, 100 ms, … capped at 2 s, forever.
    retryStrategy: (times: number) => Math.min(times * 50, 2000),
    // Fail a request after this many reconnect attempts without Redis rather than hang forever.
    maxRetriesPerRequest: 20,
    // In-flight writes are resent after a reconnect; the write id makes that exactly-once.
    autoResendUnfulfilledCommands: true,
    enableAutoPipelining: true,
    lazyConnect: false,
    reconnectOnError: (err: Error) => {
      logger.warn('redis error', { err });
      return err.message.startsWith('READONLY');
    },
  };
}

/** GroupResource for messages (`endpointslices.discovery.k8s.io "x" not found`). */
function gr(resource: string): { group: string; resource: string } {
  return { group: AllResources.find((r) => r.resource === resource)?.group ?? '', resource };
}

/**
 * Storage on Redis. One instance per process; several processes (apiserver replicas) may share a
 * Redis and key prefix. Owns its ioredis client when built by `createRedisStorage`.
 * `subscribe` delivers only this process's own commits unless a NATS event source is attached
 * (`createRedisStorage` does that).
 */
export class RedisStorage implements Storage {
  readonly bitmapClaims = true;
  private readonly prefix: string;
  private readonly maxEvents: number;
  private readonly logger: Logger;
  private readonly r: ScriptedRedis;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private subscribeImpl: ((onEvent: (e: ChangeEvent) => void) => () => void) | undefined;
  private readonly closers: (() => Promise<void>)[] = [];
  private observer: StorageRequestObserver | undefined;

  constructor(
    readonly redis: Redis,
    private readonly opts: RedisStorageOptions = {},
  ) {
    this.prefix = opts.keyPrefix ?? 'svclab:';
    this.maxEvents = opts.maxEventsPerResource ?? DefaultMaxEventsPerResource;
    this.logger = opts.logger ?? nopLogger;
    if (!('svclabWrite' in redis)) {
      // No numberOfKeys: a write passes 7 keys plus one per bitmap claim, count first.
      redis.defineCommand('svclabWrite', { lua: writeScript });
      redis.defineCommand('svclabList', { numberOfKeys: 3, lua: listScript });
      redis.defineCommand('svclabReplay', { numberOfKeys: 3, lua: replayScript });
    }
    this.r = redis as unknown as ScriptedRedis;
  }

  /** The key of the global revision counter. */
  revKey(): string {
    return `${this.prefix}rev`;
  }

  keys(resource: string): ResourceKeys {
    return {
      objects: `${this.prefix}objects:${resource}`,
      index: `${this.prefix}index:${resource}`,
      events: `${this.prefix}events:${resource}`,
      meta: `${this.prefix}meta:${resource}`,
    };
  }

  /**
   * Replaces local-only delivery by another live source (the NATS event sequencer); `close`
   * runs `closer`. Called once, by the factory.
   */
  attachEventSource(
    subscribe: (onEvent: (e: ChangeEvent) => void) => () => void,
    closer: () => Promise<void>,
  ): void {
    this.subscribeImpl = subscribe;
    this.closers.push(closer);
  }

  /** Runs `closer` on `close()`, after the closers added before it. */
  addCloser(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  /**
   * Calls `observer` with the duration of every Redis round trip of get, list and the writes (the
   * storage request metric); one observer, replaced by the next call.
   */
  observeRequests(observer: StorageRequestObserver): void {
    this.observer = observer;
  }

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    const t = performance.now();
    const s = await this.redis.hget(
      this.keys(key.resource).objects,
      namespacedKey(key.namespace, key.name),
    );
    this.observer?.('get', key.resource, (performance.now() - t) / 1000);
    return s === null ? undefined : (JSON.parse(s) as KubeObject);
  }

  async list(resource: string, opts: ListOptions = {}): Promise<ListResult> {
    const k = this.keys(resource);
    let min = '-';
    let max = '+';
    if (opts.namespace !== undefined) {
      // Keys of namespace ns are exactly those in [ns/, ns0): '0' follows '/' in ASCII.
      min = `[${opts.namespace}/`;
      max = `(${opts.namespace}0`;
    }
    if (opts.after !== undefined && (min === '-' || opts.after >= min.slice(1)))
      min = `(${opts.after}`;
    const limit = opts.limit ?? 0;
    const filter = opts.filter;
    // Without a filter, fetch exactly one page (+1 to know whether more remain); with one, fetch
    // the whole rest in the same snapshot and filter here.
    const count = limit > 0 && filter === undefined ? limit + 1 : -1;
    const t = performance.now();
    const [rev, total, keys, vals] = await this.r.svclabList(
      this.revKey(),
      k.objects,
      k.index,
      min,
      max,
      count,
    );
    this.observer?.('list', resource, (performance.now() - t) / 1000);
    const items: KubeObject[] = [];
    const itemKeys: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const v = vals[i];
      if (v === null || v === undefined) continue;
      const obj = JSON.parse(v) as KubeObject;
      if (filter !== undefined && !filter(obj)) continue;
      items.push(obj);
      itemKeys.push(keys[i] ?? '');
    }
    if (limit > 0 && items.length > limit) {
      const remaining = filter === undefined ? total - limit : items.length - limit;
      return { items: items.slice(0, limit), rev, nextAfter: itemKeys[limit - 1] ?? '', remaining };
    }
    return { items, rev };
  }

  private async write(
    op: 'create' | 'update' | 'delete',
    key: ObjectKey,
    { obj, opts }: { obj?: KubeObject; opts?: (UpdateOptions & CreateOptions) | undefined },
  ): Promise<KubeObject> {
    const k = this.keys(key.resource);
    const field = namespacedKey(key.namespace, key.name);
    const type: ChangeType = op === 'create' ? 'ADDED' : op === 'update' ? 'MODIFIED' : 'DELETED';
    const head = `{"type":"${type}","resource":${JSON.stringify(key.resource)},"namespace":${JSON.stringify(key.namespace)},"name":${JSON.stringify(key.name)}`;
    const time = (this.opts.now?.() ?? new Date()).toISOString();
    const tp = opts?.traceparent;
    const tail = `${tp === undefined ? '' : `,"traceparent":${JSON.stringify(tp)}`},"time":"${time}"}`;
    const src = obj === undefined ? '' : serialise(obj);
    const claims: readonly BitmapClaim[] = opts?.claims ?? [];
    const claimArgs: number[] = [];
    for (const c of claims) claimArgs.push(c.max, c.offset, c.candidate, c.dynamicStart, c.staticStart);
    const ns = opts?.namespace ?? '';
    const t = performance.now();
    const reply = await this.r.svclabWrite(
      7 + claims.length,
      this.revKey(),
      k.objects,
      k.index,
      k.events,
      k.meta,
      `${this.prefix}write:${randomUUID()}`,
      this.keys('namespaces').objects,
      ...claims.map((c) => c.key),
      op,
      field,
      src,
      opts?.expectedRev === undefined ? '' : String(opts.expectedRev),
      head,
      tail,
      this.maxEvents,
      WriteIdTTLSeconds,
      ns === '' ? '' : namespacedKey('', ns),
      claims.length,
      ...claimArgs,
    );
    this.observer?.(op, key.resource, (performance.now() - t) / 1000);
    switch (reply[0]) {
      case 'nsnotfound':
        throw newNotFound({ group: '', resource: 'namespaces' }, ns);
      case 'moved':
        throw new ClaimMovedError(reply[1], reply[2]);
      case 'full':
        throw new ClaimFullError(reply[1]);
      case 'exists':
        throw newAlreadyExists(gr(key.resource), key.name);
      case 'notfound':
        throw newNotFound(gr(key.resource), key.name);
      case 'conflict':
        throw newConflict(gr(key.resource), key.name, OptimisticLockErrorMsg);
      case 'ok':
        break;
    }
    const [, rev, prev, deleted] = reply;
    const stored = deleted ?? src.replace(RvPlaceholderJSON, `"resourceVersion":"${rev}"`);
    const json = `${head},"rev":${rev},"prev":${prev},"object":${stored}${tail}`;
    this.committed({
      type,
      resource: key.resource,
      namespace: key.namespace,
      name: key.name,
      rev,
      prev,
      ...(tp === undefined ? {} : { traceparent: tp }),
      time,
      json,
      objectJSON: stored,
    });
    // The text of a deleted object went through Lua string edits only: decoded. A create or update
    // returns the object it was given (the caller hands it over: the Storage contract), laid out as
    // serialise wrote it, so that `stored` is its JSON.stringify: no second decoded copy is made.
    if (deleted !== undefined || obj === undefined) return JSON.parse(stored) as KubeObject;
    return withStoredJSON(storedLayout(obj, String(rev)), stored);
  }

  private committed(e: CommittedEvent): void {
    try {
      this.opts.onCommit?.(e);
    } catch (err) {
      this.logger.error('publishing a committed event failed', {
        resource: e.resource,
        rev: e.rev,
        err,
      });
    }
    if (this.subscribeImpl === undefined && this.listeners.size > 0) {
      const ev = committedChangeEvent(e);
      for (const l of this.listeners) l(ev);
    }
  }

  create(key: ObjectKey, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject> {
    return this.write('create', key, { obj, opts });
  }

  update(key: ObjectKey, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject> {
    return this.write('update', key, { obj, opts });
  }

  delete(key: ObjectKey, opts?: UpdateOptions): Promise<KubeObject> {
    return this.write('delete', key, { opts });
  }

  /**
   * Readiness probe: resolves when Redis answers PING within `timeoutMs`, rejects otherwise (for
   * `/readyz`; does not wait in ioredis' offline queue longer than the timeout).
   */
  async ping(timeoutMs = 1000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(
              new Error(
                `redis did not answer PING within ${timeoutMs} ms (status ${this.redis.status})`,
              ),
            );
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async currentRev(): Promise<number> {
    return Number((await this.redis.get(this.revKey())) ?? '0');
  }

  async replay(resource: string, fromRev: number, limit: number): Promise<ReplayResult> {
    const k = this.keys(resource);
    const n = Math.max(1, Math.floor(limit));
    const reply = await this.r.svclabReplay(
      k.events,
      k.meta,
      this.revKey(),
      Math.floor(fromRev),
      n + 1,
    );
    if (reply[0] === 'expired') {
      throw newResourceExpired(`too old resource version: ${fromRev} (${reply[1]})`);
    }
    const [, , currentRev, ...events] = reply;
    return {
      events: events.slice(0, n).map((s) => decodeChangeEvent(s)),
      more: events.length > n,
      currentRev,
    };
  }

  subscribe(onEvent: (e: ChangeEvent) => void): () => void {
    if (this.subscribeImpl !== undefined) return this.subscribeImpl(onEvent);
    this.listeners.add(onEvent);
    return () => this.listeners.delete(onEvent);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    for (const c of this.closers.splice(0)) await c();
  }
}

/** The change event of a commit, its object decoded only when read. */
export function committedChangeEvent(e: CommittedEvent): ChangeEvent {
  const fields: ChangeEventFields = {
    type: e.type,
    resource: e.resource,
    namespace: e.namespace,
    name: e.name,
    rev: e.rev,
    prev: e.prev,
    ...(e.traceparent === undefined ? {} : { traceparent: e.traceparent }),
    time: e.time,
  };
  return lazyChangeEvent(fields, e.objectJSON);
}
