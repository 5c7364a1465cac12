// Defaulting, validation and update preparation per resource (pure; reference §1).
// CONTRACT (owned by the validation work; callers: registry strategies):
//   setDefaults(resource, obj)            mutates obj in place (callers pass a clone), v1 defaulting
//   validateCreate(resource, obj)         field errors in upstream's emission order
//   validateUpdate(resource, obj, old)    update rules + full validation
//   prepareForUpdate(resource, obj, old)  strategy clearing (e.g. Service dropTypeDependentFields)
// None of these throws on malformed input: a crash inside a validator is reported as an
// InternalError field error on the object root instead.
import type { KubeObject, ResourceName, Service } from '@svclab/api';
import { type FieldError, fieldErrors } from '@svclab/apimachinery';
import {
  setDeploymentDefaults,
  setReplicaSetDefaults,
  setStatefulSetDefaults,
} from './apps-v1/defaults.js';
import {
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './apps-v1/validation.js';
import { validateLease, validateLeaseUpdate } from './coordination/validation.js';
import {
  setNamespaceDefaults,
  validateEvent,
  validateEventUpdate,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
} from './core/cluster-validation.js';
import {
  setEndpointsDefaults,
  validateEndpoints,
  validateEndpointsUpdate,
} from './core/endpoints-validation.js';
import { setPodDefaults } from './core/pod-defaults.js';
import { validatePod, validatePodUpdate } from './core/pod-validation.js';
import { setServiceDefaults } from './core/service-defaults.js';
import { prepareServiceForUpdate, validateServiceUpdate } from './core/service-update.js';
import { validateService } from './core/service-validation.js';
import {
  setEndpointSliceDefaults,
  validateEndpointSlice,
  validateEndpointSliceUpdate,
} from './discovery/validation.js';
import { isObject } from './meta/accessors.js';
import { fillSystemFieldsForUpdate } from './meta/validation.js';

export { initIPFamilyFields } from './core/ip-families.js';
export { externallyAccessible, isHeadless, needsHealthCheck } from './core/service-helpers.js';
export { validateServiceClusterIPsRelatedFields } from './core/service-validation.js';
export {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from './meta/name-validation.js';
export {
  isValidCIDR,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  parseCIDR,
  parseIP,
} from './meta/ip-validation.js';

type Defaulter = (obj: never) => void;
type Validator = (obj: never) => FieldError[];
type UpdateValidator = (obj: never, old: never) => FieldError[];

const defaulters: Partial<Record<ResourceName, Defaulter>> = {
  services: setServiceDefaults,
  pods: setPodDefaults,
  endpoints: setEndpointsDefaults,
  endpointslices: setEndpointSliceDefaults,
  namespaces: setNamespaceDefaults,
  deployments: setDeploymentDefaults,
  replicasets: setReplicaSetDefaults,
  statefulsets: setStatefulSetDefaults,
};

const createValidators: Record<ResourceName, Validator> = {
  services: validateService,
  pods: validatePod,
  endpoints: validateEndpoints,
  endpointslices: validateEndpointSlice,
  namespaces: validateNamespace,
  nodes: validateNode,
  events: validateEvent,
  leases: validateLease,
  deployments: validateDeployment,
  replicasets: validateReplicaSet,
  statefulsets: validateStatefulSet,
};

const updateValidators: Record<ResourceName, UpdateValidator> = {
  services: validateServiceUpdate,
  pods: validatePodUpdate,
  endpoints: validateEndpointsUpdate,
  endpointslices: validateEndpointSliceUpdate,
  namespaces: validateNamespaceUpdate,
  nodes: validateNodeUpdate,
  events: validateEventUpdate,
  leases: validateLeaseUpdate,
  deployments: validateDeploymentUpdate,
  replicasets: validateReplicaSetUpdate,
  statefulsets: validateStatefulSetUpdate,
};

function guarded(run: () => FieldError[]): FieldError[] {
  try {
    return run();
  } catch (err) {
    return [
      fieldErrors.internal(
        '<root>',
        `validation failed on malformed input: ${err instanceof Error ? err.message : String(err)}`,
      ),
    ];
  }
}

/** v1 defaulting; mutates `obj`. Unknown resources and malformed objects are left as they are. */
export function setDefaults(resource: ResourceName, obj: KubeObject): void {
  const fn = defaulters[resource];
  if (fn === undefined || !isObject(obj)) return;
  try {
    (fn as (o: KubeObject) => void)(obj);
  } catch {
    // Malformed input: validation reports it.
  }
}

/** Create validation; errors in upstream's emission order. */
export function validateCreate(resource: ResourceName, obj: KubeObject): FieldError[] {
  const fn = createValidators[resource] as ((o: KubeObject) => FieldError[]) | undefined;
  if (fn === undefined) return [];
  return guarded(() => fn(isObject(obj) ? obj : { metadata: {} }));
}

/** Update validation: the kind's update rules, then its full validation. */
export function validateUpdate(
  resource: ResourceName,
  obj: KubeObject,
  old: KubeObject,
): FieldError[] {
  const fn = updateValidators[resource] as
    ((o: KubeObject, p: KubeObject) => FieldError[]) | undefined;
  if (fn === undefined) return [];
  return guarded(() =>
    fn(isObject(obj) ? obj : { metadata: {} }, isObject(old) ? old : { metadata: {} }),
  );
}

/**
 * Strategy preparation before update validation: omitted uid/creationTimestamp are kept from
 * `old` (rest.BeforeUpdate), and Services get patchAllocatedValues + NormalizeClusterIPs +
 * dropTypeDependentFields. Status is the registry's business.
 */
export function prepareForUpdate(resource: ResourceName, obj: KubeObject, old: KubeObject): void {
  if (!isObject(obj) || !isObject(old)) return;
  try {
    fillSystemFieldsForUpdate(obj.metadata, old.metadata);
    if (resource === 'services') prepareServiceForUpdate(obj as Service, old as Service);
  } catch {
    // Malformed input: validation reports it.
  }
}
