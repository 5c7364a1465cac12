// client-go's reference.GetReference: the ObjectReference an Event's involvedObject (or any
// reference) gives for an object, from its kind (informer objects may lack TypeMeta) and metadata.
import type { ObjectMeta, ObjectReference } from '@svclab/api';

export function getReference(
  obj: { readonly metadata: ObjectMeta },
  kind: string,
  apiVersion = 'v1',
): ObjectReference {
  const m = obj.metadata;
  return {
    kind,
    apiVersion,
    ...(m.namespace === undefined || m.namespace === '' ? {} : { namespace: m.namespace }),
    name: m.name ?? '',
    ...(m.uid === undefined ? {} : { uid: m.uid }),
    ...(m.resourceVersion === undefined ? {} : { resourceVersion: m.resourceVersion }),
  };
}
