// Owner lookups shared by the workload controllers.
import type { KubeObject, OwnerReference } from '@svclab/api';
import { isDeletedFinalStateUnknown, type DeletedFinalStateUnknown } from '@svclab/client';

/** The controller ownerRef of `obj` when it is of `kind`. */
export function controllerOf(obj: KubeObject, kind: string): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((o) => o.controller === true && o.kind === kind);
}

/** `ns/name` of the owning `kind`, or undefined. */
export function ownerKey(obj: KubeObject, kind: string): string | undefined {
  const o = controllerOf(obj, kind);
  return o === undefined ? undefined : `${obj.metadata.namespace ?? ''}/${o.name}`;
}

/** The object a delete handler got (its last known state). */
export function finalState<T extends KubeObject>(
  obj: T | DeletedFinalStateUnknown<T>,
): T | undefined {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}
