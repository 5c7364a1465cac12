// Adapters from @svclab/client (Lister, ClientSet) to the small interfaces the controller and
// reconcilers are written against.
import type { KubeObject, Service } from '@svclab/api';
import type { ClientSet, Lister, SharedIndexInformer } from '@svclab/client';
import type { CacheLister } from './controller.js';
import type { EndpointSliceWriter, EndpointsWriter } from './endpoint-slice-writer.js';
import type { LeaseClient } from './leader-election.js';

export function cacheListerFrom<T extends KubeObject>(lister: Lister<T>): CacheLister<T> {
  return {
    list: (namespace) =>
      namespace === undefined ? lister.list() : lister.namespace(namespace).list(),
    get: (namespace, name) =>
      namespace === '' ? lister.find(name) : lister.namespace(namespace).find(name),
  };
}

/** Index of `namespace/key=value` per label: Service selectors read pods through it. */
export const NamespaceLabelIndex = 'svclab.io/namespace-label';

function labelIndexValues(obj: KubeObject): string[] {
  const ns = obj.metadata.namespace ?? '';
  return Object.entries(obj.metadata.labels ?? {}).map(([k, v]) => `${ns}/${k}=${v}`);
}

/**
 * A CacheLister whose `select` answers a Service selector from the smallest label bucket instead
 * of scanning the namespace. Registers the index on `informer`; call before it starts.
 */
export function labelIndexedListerFrom<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  lister: Lister<T>,
): CacheLister<T> {
  informer.addIndexers({ [NamespaceLabelIndex]: labelIndexValues });
  const indexer = informer.getIndexer();
  return {
    ...cacheListerFrom(lister),
    select: (namespace, selector) => {
      const keys = Object.keys(selector);
      // One label: its bucket is the answer, no need to size it first.
      if (keys.length === 1 && keys[0] !== undefined)
        return indexer.byIndex(
          NamespaceLabelIndex,
          `${namespace}/${keys[0]}=${selector[keys[0]] ?? ''}`,
        );
      let best: string | undefined;
      let bestSize = Infinity;
      for (const [k, v] of Object.entries(selector)) {
        const value = `${namespace}/${k}=${v}`;
        const size = indexer.indexKeys(NamespaceLabelIndex, value).length;
        if (size < bestSize) {
          best = value;
          bestSize = size;
        }
        if (size === 0) break;
      }
      return best === undefined
        ? lister.namespace(namespace).list()
        : indexer.byIndex(NamespaceLabelIndex, best);
    },
  };
}

/** Index of Services by one `namespace/key=value` pair of their selector (see below). */
export const NamespaceSelectorIndex = 'svclab.io/namespace-selector';

/** Bucket of Services whose selector is empty (`{}` selects every pod of the namespace). */
const selectsAll = (ns: string): string => `${ns}\u0000*`;

/**
 * A Service is indexed under ONE pair of its selector (the smallest key): a pod it selects
 * carries every pair, so that one too. Services without a selector select nothing: not indexed.
 */
function selectorIndexValues(svc: Service): string[] {
  const sel = svc.spec?.selector;
  if (sel === undefined) return [];
  const ns = svc.metadata.namespace ?? '';
  const first = Object.keys(sel).sort()[0];
  return first === undefined ? [selectsAll(ns)] : [`${ns}/${first}=${sel[first] ?? ''}`];
}

/**
 * A CacheLister whose `selecting` answers "which Services may select a pod with these labels"
 * from an index (one bucket per pod label) instead of every Service of the namespace. Registers
 * the index on `informer`; call before it starts.
 */
export function selectorIndexedListerFrom(
  informer: SharedIndexInformer<Service>,
  lister: Lister<Service>,
): CacheLister<Service> {
  informer.addIndexers({ [NamespaceSelectorIndex]: selectorIndexValues });
  const indexer = informer.getIndexer();
  return {
    ...cacheListerFrom(lister),
    selecting: (namespace, labels) => {
      const out = indexer.byIndex(NamespaceSelectorIndex, selectsAll(namespace));
      for (const [k, v] of Object.entries(labels))
        out.push(...indexer.byIndex(NamespaceSelectorIndex, `${namespace}/${k}=${v}`));
      return out;
    },
  };
}

/**
 * The writers read back only the stored metadata (the tracker's uid and generation): the rest of a
 * 15 KB slice or 8 KB Endpoints answer is not decoded.
 */
const metadataOnly = { result: 'metadata' } as const;

export function endpointSliceWriterFrom(client: ClientSet): EndpointSliceWriter {
  const rc = client.resource('endpointslices');
  return {
    create: (s) => rc.namespace(s.metadata.namespace ?? '').create(s, metadataOnly),
    update: (s) => rc.namespace(s.metadata.namespace ?? '').update(s, metadataOnly),
    delete: (namespace, name) => rc.namespace(namespace).delete(name),
  };
}

export function endpointsWriterFrom(client: ClientSet): EndpointsWriter {
  const rc = client.resource('endpoints');
  return {
    create: (e) => rc.namespace(e.metadata.namespace ?? '').create(e, metadataOnly),
    update: (e) => rc.namespace(e.metadata.namespace ?? '').update(e, metadataOnly),
    delete: (namespace, name) => rc.namespace(namespace).delete(name),
  };
}

export function leaseClientFrom(client: ClientSet, namespace: string): LeaseClient {
  const rc = client.resource('leases').namespace(namespace);
  return {
    get: (name) => rc.get(name),
    create: (l) => rc.create(l),
    update: (l) => rc.update(l),
  };
}
