// Listers (client-go listers/...): read-only, typed views of an informer's Indexer.
import type { KubeObject } from '@svclab/api';
import {
  everything,
  namespacedKey,
  newNotFound,
  type GroupResource,
  type Selector,
} from '@svclab/apimachinery';
import { NamespaceIndex, type Indexer } from './thread-safe-store.js';

/** Objects of one namespace. NOTE: returned objects are cached and frozen; treat as read-only. */
export interface NamespaceLister<T> {
  /** Objects in the namespace whose labels match `selector` (default: all). */
  list(selector?: Selector): T[];
  /** The object, or throws a NotFound StatusError (`services "web" not found`). */
  get(name: string): T;
  /** The object or undefined. */
  find(name: string): T | undefined;
}

/** All objects of one resource. NOTE: returned objects are cached and frozen; treat as read-only. */
export interface Lister<T> {
  list(selector?: Selector): T[];
  /** For cluster-scoped resources: the object by name, or a NotFound StatusError. */
  get(name: string): T;
  find(name: string): T | undefined;
  namespace(namespace: string): NamespaceLister<T>;
}

function matching<T extends KubeObject>(objs: T[], selector: Selector): T[] {
  return selector.empty() ? objs : objs.filter((o) => selector.matches(o.metadata.labels));
}

export function newLister<T extends KubeObject>(indexer: Indexer<T>, gr: GroupResource): Lister<T> {
  const getByKey = (key: string, name: string): T => {
    const o = indexer.getByKey(key);
    if (o === undefined) throw newNotFound(gr, name);
    return o;
  };
  return {
    list: (selector = everything()) => matching(indexer.list(), selector),
    get: (name) => getByKey(name, name),
    find: (name) => indexer.getByKey(name),
    namespace: (ns) => ({
      list: (selector = everything()) => matching(indexer.byIndex(NamespaceIndex, ns), selector),
      get: (name) => getByKey(namespacedKey(ns, name), name),
      find: (name) => indexer.getByKey(namespacedKey(ns, name)),
    }),
  };
}
