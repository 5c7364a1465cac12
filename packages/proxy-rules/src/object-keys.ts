// `ns/name` keys of informer objects, memoised per object: informer caches replace objects rather
// than mutate them, so one key string per object is reused across renders (its hash stays cached,
// which keeps the per-sync Map lookups over every Service cheap).
import type { EndpointSlice, Service } from '@svclab/api';
import { wellKnown } from '@svclab/api';

const serviceKeys = new WeakMap<Service, string>();
const sliceKeys = new WeakMap<EndpointSlice, string>();

/** `namespace/name` of a Service. */
export function serviceKeyOf(svc: Service): string {
  let k = serviceKeys.get(svc);
  if (k === undefined) {
    k = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    serviceKeys.set(svc, k);
  }
  return k;
}

/** `namespace/<kubernetes.io/service-name>` of a slice, or '' when the label is missing. */
export function sliceServiceKeyOf(slice: EndpointSlice): string {
  let k = sliceKeys.get(slice);
  if (k === undefined) {
    const name = slice.metadata.labels?.[wellKnown.LabelServiceName];
    k = name === undefined || name === '' ? '' : `${slice.metadata.namespace ?? ''}/${name}`;
    sliceKeys.set(slice, k);
  }
  return k;
}
