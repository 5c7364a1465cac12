// Storage decorator: one CLIENT span per storage call, child of the active (request) span.
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { ChangeEvent } from '@svclab/bus';
import type { KubeObject } from '@svclab/api';
import type { CreateOptions, ListOptions, ListResult, ObjectKey, ReplayResult, Storage, UpdateOptions } from '../storage/interface.js';

type SubscribeWithExpiry = (
  onEvent: (e: ChangeEvent) => void,
  onExpired: (resource: string, err: unknown) => void,
) => () => void;

export class TracedStorage implements Storage {
  /** Forwarded when the inner storage has it (RedisStorage handle): watchers learn of compaction. */
  readonly subscribeWithExpiry?: SubscribeWithExpiry;
  readonly bitmapClaims?: boolean;

  constructor(
    private readonly inner: Storage,
    private readonly tracer: Tracer,
  ) {
    const w = (inner as { subscribeWithExpiry?: SubscribeWithExpiry }).subscribeWithExpiry;
    if (w !== undefined) this.subscribeWithExpiry = w.bind(inner);
    if (inner.bitmapClaims === true) this.bitmapClaims = true;
  }

  private span<T>(op: string, resource: string, fn: () => Promise<T>): Promise<T> {
    return this.tracer.startActiveSpan(
      `storage.${op} ${resource}`,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.operation.name': op, 'db.collection.name': resource } },
      async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  get(key: ObjectKey): Promise<KubeObject | undefined> {
    return this.span('get', key.resource, () => this.inner.get(key));
  }
  list(resource: string, opts?: ListOptions): Promise<ListResult> {
    return this.span('list', resource, () => this.inner.list(resource, opts));
  }
  create(key: ObjectKey, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject> {
    return this.span('create', key.resource, () => this.inner.create(key, obj, opts));
  }
  update(key: ObjectKey, obj: KubeObject, opts?: UpdateOptions): Promise<KubeObject> {
    return this.span('update', key.resource, () => this.inner.update(key, obj, opts));
  }
  delete(key: ObjectKey, opts?: UpdateOptions): Promise<KubeObject> {
    return this.span('delete', key.resource, () => this.inner.delete(key, opts));
  }
  currentRev(): Promise<number> {
    return this.inner.currentRev();
  }
  replay(resource: string, fromRev: number, limit: number): Promise<ReplayResult> {
    return this.span('replay', resource, () => this.inner.replay(resource, fromRev, limit));
  }
  subscribe(onEvent: (e: ChangeEvent) => void): () => void {
    return this.inner.subscribe(onEvent);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
