// A fake clientset (client-go kubernetes/fake): the same ClientSet interface, backed by an
// ObjectTracker, recording every call as an Action; reactors inject errors or results.
import type { KubeObject, ResourceInfo, ResourceName } from '@svclab/api';
import { Resources } from '@svclab/api';
import { StatusError, newServiceUnavailable } from '@svclab/apimachinery';
import type { WatchEvent } from '../list-watch.js';
import {
  RESTClient,
  type ClientSet,
  type DeleteCallOptions,
  type ListOptions,
  type ObjectList,
  type Patch,
  type ResourceClient,
  type TypedClient,
  type WatchCallOptions,
} from '../rest-client.js';
import type { ResourceTypes } from '../resource-types.js';
import { ObjectTracker } from './object-tracker.js';

export type Verb =
  'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'delete-collection' | 'watch';

/** One recorded client call. `object` is a copy of what was sent (create/update) or the patch. */
export interface Action {
  readonly verb: Verb;
  readonly resource: ResourceName;
  /** '' when not namespaced or all namespaces. */
  readonly namespace: string;
  /** '' for collection calls. */
  readonly name: string;
  readonly subresource?: string;
  readonly object?: unknown;
  readonly patchType?: string;
}

/** Return undefined to let the next reactor (finally the tracker) handle the action. */
export type Reactor = (
  action: Action,
) => { readonly result?: unknown; readonly error?: Error } | undefined;

export class FakeClientSet implements ClientSet {
  readonly tracker: ObjectTracker;
  readonly rest: RESTClient;
  private recorded: Action[] = [];
  private reactors: { verb: Verb | '*'; resource: ResourceName | '*'; fn: Reactor }[] = [];

  /** `objects` are seeded without being recorded as actions. */
  constructor(
    objects: readonly { resource: ResourceName; object: KubeObject }[] = [],
    tracker = new ObjectTracker(),
  ) {
    this.tracker = tracker;
    for (const o of objects) this.tracker.seed(o.resource, o.object);
    this.rest = new RESTClient({
      server: 'http://127.0.0.1:1',
      fetch: () =>
        Promise.reject(
          new StatusError(newServiceUnavailable('the fake clientset has no REST transport').status),
        ),
    });
  }

  resource<R extends ResourceName>(resource: R): ResourceClient<ResourceTypes[R]> {
    return new FakeTypedClient<ResourceTypes[R]>(this, Resources[resource], undefined);
  }

  /** Every call so far, in order. */
  actions(): readonly Action[] {
    return [...this.recorded];
  }

  clearActions(): void {
    this.recorded = [];
  }

  /** Runs `fn` before all existing reactors for matching actions (`'*'` matches any). */
  prependReactor(verb: Verb | '*', resource: ResourceName | '*', fn: Reactor): void {
    this.reactors.unshift({ verb, resource, fn });
  }

  /** @internal Records `action`, runs reactors, else `fallback`. */
  invoke<T>(action: Action, fallback: () => T): T {
    this.recorded.push(action);
    for (const r of this.reactors) {
      if (
        (r.verb !== '*' && r.verb !== action.verb) ||
        (r.resource !== '*' && r.resource !== action.resource)
      )
        continue;
      const out = r.fn(action);
      if (out === undefined) continue;
      if (out.error !== undefined) throw out.error;
      return out.result as T;
    }
    return fallback();
  }
}

class FakeTypedClient<T extends KubeObject> implements ResourceClient<T> {
  private readonly resource: ResourceName;

  constructor(
    private readonly cs: FakeClientSet,
    readonly info: ResourceInfo,
    readonly ns: string | undefined,
  ) {
    this.resource = info.resource as ResourceName;
  }

  namespace(ns: string): TypedClient<T> {
    return new FakeTypedClient<T>(this.cs, this.info, ns);
  }

  private nsOf(obj?: KubeObject): string {
    if (!this.info.namespaced) return '';
    return this.ns ?? obj?.metadata.namespace ?? '';
  }

  /** Records and handles the action synchronously; failures become rejections. */
  private run<R>(action: Omit<Action, 'resource'>, fallback: () => R): Promise<R> {
    try {
      return Promise.resolve(this.cs.invoke({ ...action, resource: this.resource }, fallback));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  get(name: string): Promise<T> {
    return this.run(
      { verb: 'get', namespace: this.nsOf(), name },
      () => this.cs.tracker.get(this.resource, this.nsOf(), name) as T,
    );
  }

  list(opts?: ListOptions): Promise<ObjectList<T>> {
    return this.run({ verb: 'list', namespace: this.nsOf(), name: '' }, () => {
      const l = this.cs.tracker.list(
        this.resource,
        this.nsOf() === '' ? undefined : this.nsOf(),
        opts?.labelSelector,
      );
      return {
        apiVersion:
          this.info.group === '' ? this.info.version : `${this.info.group}/${this.info.version}`,
        kind: this.info.listKind,
        metadata: { resourceVersion: l.resourceVersion },
        items: l.items as T[],
      };
    });
  }

  create(obj: T): Promise<T> {
    const ns = this.nsOf(obj);
    return this.run(
      {
        verb: 'create',
        namespace: ns,
        name: obj.metadata.name ?? '',
        object: structuredClone(obj),
      },
      () => this.cs.tracker.create(this.resource, ns === '' ? undefined : ns, obj) as T,
    );
  }

  update(obj: T): Promise<T> {
    const ns = this.nsOf(obj);
    return this.run(
      {
        verb: 'update',
        namespace: ns,
        name: obj.metadata.name ?? '',
        object: structuredClone(obj),
      },
      () => this.cs.tracker.update(this.resource, obj, { namespace: ns }) as T,
    );
  }

  updateStatus(obj: T): Promise<T> {
    const ns = this.nsOf(obj);
    return this.run(
      {
        verb: 'update',
        namespace: ns,
        name: obj.metadata.name ?? '',
        subresource: 'status',
        object: structuredClone(obj),
      },
      () =>
        this.cs.tracker.update(this.resource, obj, { namespace: ns, subresource: 'status' }) as T,
    );
  }

  patch(name: string, patch: Patch): Promise<T> {
    return this.run(
      {
        verb: 'patch',
        namespace: this.nsOf(),
        name,
        object: structuredClone(patch.data),
        patchType: patch.type,
      },
      () => this.cs.tracker.patch(this.resource, { namespace: this.nsOf(), name }, patch) as T,
    );
  }

  delete(name: string): Promise<void> {
    return this.run({ verb: 'delete', namespace: this.nsOf(), name }, () => {
      this.cs.tracker.delete(this.resource, this.nsOf(), name);
    });
  }

  deleteCollection(_opts: DeleteCallOptions | undefined, listOpts?: ListOptions): Promise<void> {
    return this.run({ verb: 'delete-collection', namespace: this.nsOf(), name: '' }, () => {
      const l = this.cs.tracker.list(
        this.resource,
        this.nsOf() === '' ? undefined : this.nsOf(),
        listOpts?.labelSelector,
      );
      for (const o of l.items)
        this.cs.tracker.delete(this.resource, o.metadata.namespace, o.metadata.name ?? '');
    });
  }

  watch(opts?: WatchCallOptions): AsyncIterable<WatchEvent<T>> {
    this.cs.invoke(
      { verb: 'watch', resource: this.resource, namespace: this.nsOf(), name: '' },
      () => undefined,
    );
    const lw = this.cs.tracker.listerWatcher(
      this.resource,
      this.nsOf() === '' ? undefined : this.nsOf(),
    );
    return lw.watch({
      resourceVersion: opts?.resourceVersion ?? this.cs.tracker.resourceVersion(),
      signal: opts?.signal ?? new AbortController().signal,
    }) as AsyncIterable<WatchEvent<T>>;
  }
}

/** A fake clientset seeded with `objects` (client-go fake.NewSimpleClientset). */
export function newFakeClientSet(
  objects: readonly { resource: ResourceName; object: KubeObject }[] = [],
): FakeClientSet {
  return new FakeClientSet(objects);
}
