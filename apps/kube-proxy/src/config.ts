// config.go: informer events → the proxier's handlers (ServiceHandler, EndpointSliceHandler,
// NodeHandler), and the *Synced callbacks once each informer delivered its initial list.
import type { EndpointSlice, Node, Service } from '@svclab/api';
import type { DeletedFinalStateUnknown, SharedInformer } from '@svclab/client';
import { isDeletedFinalStateUnknown, waitForCacheSync } from '@svclab/client';
import type { Proxier } from './proxier.js';

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T | undefined {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

export interface ProxyInformers {
  readonly services: SharedInformer<Service>;
  readonly endpointSlices: SharedInformer<EndpointSlice>;
  readonly nodes: SharedInformer<Node>;
}

/**
 * Registers the handlers (before the informers start) and, in the background, calls
 * `onServicesSynced` / `onEndpointSlicesSynced` when each has synced. Handlers do no I/O.
 */
export function wireProxier(proxier: Proxier, inf: ProxyInformers, opts: { readonly nodeName: string; readonly signal: AbortSignal }): void {
  const { nodeName, signal } = opts;
  inf.services.addEventHandler({
    onAdd: (s) => { proxier.onServiceUpdate(undefined, s); },
    onUpdate: (o, n) => { proxier.onServiceUpdate(o, n); },
    onDelete: (s) => { proxier.onServiceUpdate(unwrap(s), undefined); },
  });
  inf.endpointSlices.addEventHandler({
    onAdd: (s) => { proxier.onEndpointSliceUpdate(undefined, s); },
    onUpdate: (o, n) => { proxier.onEndpointSliceUpdate(o, n); },
    onDelete: (s) => { proxier.onEndpointSliceUpdate(unwrap(s), undefined); },
  });
  const mine = (n: Node): boolean => n.metadata.name === nodeName;
  inf.nodes.addEventHandler({
    onAdd: (n) => { if (mine(n)) proxier.onNodeUpdate(n); },
    onUpdate: (_o, n) => { if (mine(n)) proxier.onNodeUpdate(n); },
    onDelete: (n) => {
      const node = unwrap(n);
      if (node !== undefined && mine(node)) proxier.onNodeUpdate(undefined);
    },
  });
  void waitForCacheSync(signal, [() => inf.services.hasSynced()], 20).then((ok) => { if (ok) proxier.onServicesSynced(); });
  void waitForCacheSync(signal, [() => inf.endpointSlices.hasSynced()], 20).then((ok) => { if (ok) proxier.onEndpointSlicesSynced(); });
}
