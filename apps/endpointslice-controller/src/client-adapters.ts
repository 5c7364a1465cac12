// Adapters from @svclab/client (Lister, ClientSet) to the small interfaces the controller and
// reconcilers are written against.
import type { KubeObject } from '@svclab/api';
import type { ClientSet, Lister } from '@svclab/client';
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

export function endpointSliceWriterFrom(client: ClientSet): EndpointSliceWriter {
  const rc = client.resource('endpointslices');
  return {
    create: (s) => rc.namespace(s.metadata.namespace ?? '').create(s),
    update: (s) => rc.namespace(s.metadata.namespace ?? '').update(s),
    delete: (namespace, name) => rc.namespace(namespace).delete(name),
  };
}

export function endpointsWriterFrom(client: ClientSet): EndpointsWriter {
  const rc = client.resource('endpoints');
  return {
    create: (e) => rc.namespace(e.metadata.namespace ?? '').create(e),
    update: (e) => rc.namespace(e.metadata.namespace ?? '').update(e),
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
