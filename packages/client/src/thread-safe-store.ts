// Indexer and ThreadSafeStore (client-go tools/cache/store.go, index.go, thread_safe_store.go).
// JavaScript is single-threaded, so "thread safe" only means: one consistent view per call.
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';

/** Computes the index values of an object (e.g. its namespace). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** Index name → index function. */
export type Indexers<T> = Readonly<Record<string, IndexFunc<T>>>;

/** Computes an object's cache key; always `metaNamespaceKey` for API objects. */
export type KeyFunc<T> = (obj: T) => string;

/** The built-in index of objects by namespace. */
export const NamespaceIndex = 'namespace';

/** Index function for `NamespaceIndex` (`MetaNamespaceIndexFunc`). */
export function metaNamespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata.namespace ?? ''];
}

/**
 * A key → object store. `Store` methods take objects and compute their key with the store's
 * KeyFunc. NOTE: returned objects are the cached ones and must NOT be modified.
 */
export interface Store<T> {
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  list(): T[];
  listKeys(): string[];
  get(obj: T): T | undefined;
  getByKey(key: string): T | undefined;
  /** Replaces the whole content; `resourceVersion` is the list's. */
  replace(list: readonly T[], resourceVersion: string): void;
}

/** A Store with secondary indexes. */
export interface Indexer<T> extends Store<T> {
  /** Objects sharing any index value with `obj` under `indexName`. */
  index(indexName: string, obj: T): T[];
  /** Keys of objects whose `indexName` values include `value`. */
  indexKeys(indexName: string, value: string): string[];
  /** Every value present in index `indexName`. */
  listIndexFuncValues(indexName: string): string[];
  /** Objects whose `indexName` values include `value`. */
  byIndex(indexName: string, value: string): T[];
  getIndexers(): Indexers<T>;
  /** Adds indexers; they are built over the current content. */
  addIndexers(newIndexers: Indexers<T>): void;
}

export class UnknownIndexError extends Error {
  override readonly name = 'UnknownIndexError';
  constructor(indexName: string) {
    super(`Index with name ${indexName} does not exist`);
  }
}

/** The in-memory Indexer every informer keeps. */
export class ThreadSafeStore<T> implements Indexer<T> {
  private items = new Map<string, T>();
  private indexers: Record<string, IndexFunc<T>>;
  /** index name → value → keys */
  private indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly keyFunc: KeyFunc<T>,
    indexers: Indexers<T> = {},
  ) {
    this.indexers = { ...indexers };
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
  }

  add(obj: T): void {
    this.addByKey(this.keyFunc(obj), obj);
  }

  update(obj: T): void {
    this.addByKey(this.keyFunc(obj), obj);
  }

  delete(obj: T): void {
    this.deleteByKey(this.keyFunc(obj));
  }

  addByKey(key: string, obj: T): void {
    const old = this.items.get(key);
    this.items.set(key, obj);
    this.updateIndices(key, old, obj);
  }

  deleteByKey(key: string): void {
    const old = this.items.get(key);
    if (old === undefined) return;
    this.items.delete(key);
    this.updateIndices(key, old, undefined);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get(obj: T): T | undefined {
    return this.items.get(this.keyFunc(obj));
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  replace(list: readonly T[]): void {
    this.items = new Map(list.map((o) => [this.keyFunc(o), o]));
    this.indices = new Map();
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
    for (const [k, o] of this.items) this.updateIndices(k, undefined, o);
  }

  index(indexName: string, obj: T): T[] {
    const fn = this.indexFunc(indexName);
    const keys = new Set<string>();
    for (const v of fn(obj)) for (const k of this.indexKeys(indexName, v)) keys.add(k);
    return this.objects(keys);
  }

  indexKeys(indexName: string, value: string): string[] {
    this.indexFunc(indexName);
    return [...(this.indices.get(indexName)?.get(value) ?? [])];
  }

  listIndexFuncValues(indexName: string): string[] {
    return [...(this.indices.get(indexName)?.keys() ?? [])];
  }

  byIndex(indexName: string, value: string): T[] {
    this.indexFunc(indexName);
    // The index's own key set, not a copy of it: objects() only reads it.
    return this.objects(this.indices.get(indexName)?.get(value) ?? []);
  }

  getIndexers(): Indexers<T> {
    return { ...this.indexers };
  }

  addIndexers(newIndexers: Indexers<T>): void {
    for (const name of Object.keys(newIndexers)) {
      if (name in this.indexers) throw new Error(`indexer conflict: ${name}`);
    }
    for (const [name, fn] of Object.entries(newIndexers)) {
      this.indexers[name] = fn;
      const idx = new Map<string, Set<string>>();
      this.indices.set(name, idx);
      for (const [k, o] of this.items) for (const v of fn(o)) addTo(idx, v, k);
    }
  }

  private indexFunc(indexName: string): IndexFunc<T> {
    const fn = this.indexers[indexName];
    if (fn === undefined) throw new UnknownIndexError(indexName);
    return fn;
  }

  private objects(keys: Iterable<string>): T[] {
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  private updateIndices(key: string, oldObj: T | undefined, newObj: T | undefined): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const idx = this.indices.get(name);
      if (idx === undefined) continue;
      const oldVals = oldObj === undefined ? [] : fn(oldObj);
      const newVals = newObj === undefined ? [] : fn(newObj);
      for (const v of oldVals) if (!newVals.includes(v)) removeFrom(idx, v, key);
      for (const v of newVals) addTo(idx, v, key);
    }
  }
}

function addTo(idx: Map<string, Set<string>>, value: string, key: string): void {
  let set = idx.get(value);
  if (set === undefined) {
    set = new Set();
    idx.set(value, set);
  }
  set.add(key);
}

function removeFrom(idx: Map<string, Set<string>>, value: string, key: string): void {
  const set = idx.get(value);
  if (set === undefined) return;
  set.delete(key);
  if (set.size === 0) idx.delete(value);
}

/** A new Indexer for API objects keyed by `metaNamespaceKey`, with `NamespaceIndex` built in. */
export function newIndexer<T extends KubeObject>(indexers: Indexers<T> = {}): ThreadSafeStore<T> {
  return new ThreadSafeStore<T>(metaNamespaceKey, {
    [NamespaceIndex]: metaNamespaceIndexFunc,
    ...indexers,
  });
}
