// The informer side of the controller for in-process CPU benches: a real @svclab/client Indexer
// (with whatever indexes the controller adds), handlers called as the shared informer calls them.
import type { KubeObject } from '@svclab/api';
import { deepFreeze, newIndexer, newLister, type Indexers } from '@svclab/client';
import {
  cacheListerFrom,
  labelIndexedListerFrom,
  selectorIndexedListerFrom,
} from '../src/client-adapters.js';
import type { ResourceEventHandler } from '../src/controller.js';

export class IndexedInformer<T extends KubeObject> {
  readonly indexer = newIndexer<T>();
  readonly handlers: ResourceEventHandler<T>[] = [];
  addEventHandler(h: ResourceEventHandler<T>): void {
    this.handlers.push(h);
  }
  hasSynced(): boolean {
    return true;
  }
  addIndexers(i: Indexers<T>): void {
    this.indexer.addIndexers(i);
  }
  getIndexer() {
    return this.indexer;
  }
  /** What the shared informer does with a watch event's object: freeze, index, notify. */
  set(obj: T): void {
    const o = deepFreeze(obj);
    const old = this.indexer.get(o);
    this.indexer.update(o);
    for (const h of this.handlers) {
      if (old === undefined) h.onAdd?.(o, false);
      else h.onUpdate?.(old, o);
    }
  }
  /** The informer and a plain lister over it, as the controller's options take them. */
  pair(resource: string) {
    return {
      informer: this,
      lister: cacheListerFrom(newLister(this.indexer, { group: '', resource })),
    };
  }

  /** The informer and a lister indexed by labels (pods, slices), as main.ts wires them. */
  labelIndexed(resource: string, group = '') {
    return {
      informer: this,
      lister: labelIndexedListerFrom(this as never, newLister(this.indexer, { group, resource })),
    };
  }

  /** The informer and a lister of Services indexed by selector, as main.ts wires it. */
  selectorIndexed(resource: string) {
    return {
      informer: this,
      lister: selectorIndexedListerFrom(
        this as never,
        newLister(this.indexer, { group: '', resource }),
      ),
    };
  }
}
