// In-memory writers that behave like the apiserver for what the reconcilers need (generateName,
// uid, generation bumps, NotFound/Conflict) and record every action. For tests.
import type { EndpointSlice, Endpoints, KubeObject } from '@svclab/api';
import type { GroupResource } from '@svclab/apimachinery';
import { newAlreadyExists, newConflict, newNotFound } from '@svclab/apimachinery';
import type { EndpointSliceWriter, EndpointsWriter } from './endpoint-slice-writer.js';
import { canonicalJSON } from './deep-hash.js';

export interface RecordedAction {
  readonly verb: 'create' | 'update' | 'delete';
  readonly namespace: string;
  readonly name: string;
}

/** Deep-freezes an object graph (what informers hand out must never be mutated). */
export function deepFreeze<T>(obj: T): T {
  if (obj !== null && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

class FakeStore<T extends KubeObject> {
  readonly objects = new Map<string, T>();
  readonly actions: RecordedAction[] = [];
  /** Set to make the next write of this verb fail with the given error. */
  failNext: Partial<Record<RecordedAction['verb'], Error>> = {};
  #seq = 0;
  #rv = 0;

  constructor(private readonly gr: GroupResource) {}

  list(): T[] {
    return [...this.objects.values()].map((o) => deepFreeze(structuredClone(o)));
  }

  #key(ns: string, name: string): string {
    return `${ns}/${name}`;
  }

  #fail(verb: RecordedAction['verb']): void {
    const err = this.failNext[verb];
    if (err !== undefined) {
      this.failNext = { ...this.failNext, [verb]: undefined };
      throw err;
    }
  }

  create(obj: T): T {
    this.#fail('create');
    const o = structuredClone(obj);
    const ns = o.metadata.namespace ?? '';
    if ((o.metadata.name ?? '') === '')
      o.metadata.name = `${o.metadata.generateName ?? ''}${(++this.#seq).toString(36).padStart(5, 'x')}`;
    const name = o.metadata.name ?? '';
    if (this.objects.has(this.#key(ns, name))) throw newAlreadyExists(this.gr, name);
    o.metadata.uid = `uid-${name}`;
    o.metadata.generation = 1;
    o.metadata.resourceVersion = String(++this.#rv);
    this.objects.set(this.#key(ns, name), o);
    this.actions.push({ verb: 'create', namespace: ns, name });
    return structuredClone(o);
  }

  update(obj: T): T {
    this.#fail('update');
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const cur = this.objects.get(this.#key(ns, name));
    if (cur === undefined) throw newNotFound(this.gr, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== cur.metadata.resourceVersion) {
      throw newConflict(this.gr, name, 'the object has been modified');
    }
    const o = structuredClone(obj);
    o.metadata.uid = cur.metadata.uid ?? '';
    const strip = (x: T): string => canonicalJSON({ ...x, metadata: undefined });
    o.metadata.generation = (cur.metadata.generation ?? 1) + (strip(o) === strip(cur) ? 0 : 1);
    o.metadata.resourceVersion = String(++this.#rv);
    this.objects.set(this.#key(ns, name), o);
    this.actions.push({ verb: 'update', namespace: ns, name });
    return structuredClone(o);
  }

  delete(ns: string, name: string): void {
    this.#fail('delete');
    if (!this.objects.delete(this.#key(ns, name))) throw newNotFound(this.gr, name);
    this.actions.push({ verb: 'delete', namespace: ns, name });
  }
}

export class FakeEndpointSliceWriter implements EndpointSliceWriter {
  readonly store = new FakeStore<EndpointSlice>({
    group: 'discovery.k8s.io',
    resource: 'endpointslices',
  });
  /** Called after every successful write (e.g. to deliver it to a fake informer, like a watch). */
  afterWrite: () => void = () => undefined;
  #after<T>(x: T): T {
    this.afterWrite();
    return x;
  }
  get actions(): RecordedAction[] {
    return this.store.actions;
  }
  /** Stored slices, frozen copies (as an informer would hand them out). */
  slices(): EndpointSlice[] {
    return this.store.list();
  }
  create(slice: EndpointSlice): Promise<EndpointSlice> {
    return Promise.resolve().then(() => this.#after(this.store.create(slice)));
  }
  update(slice: EndpointSlice): Promise<EndpointSlice> {
    return Promise.resolve().then(() => this.#after(this.store.update(slice)));
  }
  delete(namespace: string, name: string): Promise<void> {
    return Promise.resolve().then(() => {
      this.store.delete(namespace, name);
      this.afterWrite();
    });
  }
}

export class FakeEndpointsWriter implements EndpointsWriter {
  readonly store = new FakeStore<Endpoints>({ group: '', resource: 'endpoints' });
  /** Called after every successful write. */
  afterWrite: () => void = () => undefined;
  #after<T>(x: T): T {
    this.afterWrite();
    return x;
  }
  get actions(): RecordedAction[] {
    return this.store.actions;
  }
  get(namespace: string, name: string): Endpoints | undefined {
    const o = this.store.objects.get(`${namespace}/${name}`);
    return o === undefined ? undefined : deepFreeze(structuredClone(o));
  }
  create(ep: Endpoints): Promise<Endpoints> {
    return Promise.resolve().then(() => this.#after(this.store.create(ep)));
  }
  update(ep: Endpoints): Promise<Endpoints> {
    return Promise.resolve().then(() => this.#after(this.store.update(ep)));
  }
  delete(namespace: string, name: string): Promise<void> {
    return Promise.resolve().then(() => {
      this.store.delete(namespace, name);
      this.afterWrite();
    });
  }
}
