// Defaulting, validation and update preparation per resource (pure; reference §1).
// CONTRACT (owned by the validation work; callers: registry strategies):
//   setDefaults(resource, obj)            mutates obj in place (callers pass a clone), v1 defaulting
//   validateCreate(resource, obj)         field errors in upstream's emission order
//   validateUpdate(resource, obj, old)    update rules + full validation
//   prepareForUpdate(resource, obj, old)  strategy clearing (e.g. Service dropTypeDependentFields)
import type { KubeObject, ResourceName } from '@svclab/api';
import type { FieldError } from '@svclab/apimachinery';

export function setDefaults(_resource: ResourceName, _obj: KubeObject): void {
  // filled by the validation work
}

export function validateCreate(_resource: ResourceName, _obj: KubeObject): FieldError[] {
  return [];
}

export function validateUpdate(_resource: ResourceName, _obj: KubeObject, _old: KubeObject): FieldError[] {
  return [];
}

export function prepareForUpdate(_resource: ResourceName, _obj: KubeObject, _old: KubeObject): void {
  // filled by the validation work
}
