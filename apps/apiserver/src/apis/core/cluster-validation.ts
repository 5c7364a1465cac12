// Nodes, Namespaces and Events (pkg/apis/core/validation/validation.go: ValidateNode,
// ValidateNamespace, ValidateEventCreate) and their v1 defaults.
import type { Event, Namespace, Node } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath } from '@svclab/apimachinery';
import { arr, isObject, rec, str } from '../meta/accessors.js';
import { isValidCIDR } from '../meta/ip-validation.js';
import { isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain } from '../meta/name-validation.js';
import {
  validateImmutableField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../meta/validation.js';

const supportedTaintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateNodeSpec(node: Node): FieldError[] {
  const spec = rec(node.spec);
  const errs: FieldError[] = [];
  const podCIDRs = arr(spec['podCIDRs']).map(str);
  podCIDRs.forEach((c, i) => {
    for (const m of isValidCIDR(c))
      errs.push(fieldErrors.invalid(fieldPath('spec', 'podCIDRs').index(i), c, m));
  });
  if (podCIDRs.length > 2)
    errs.push(
      fieldErrors.invalid(
        fieldPath('spec', 'podCIDRs'),
        podCIDRs,
        'may specify no more than one CIDR for each IP family',
      ),
    );
  arr(spec['taints']).forEach((raw, i) => {
    const t = rec(raw);
    const p = fieldPath('spec', 'taints').index(i);
    const key = str(t['key']);
    for (const m of isQualifiedName(key)) errs.push(fieldErrors.invalid(p.child('key'), key, m));
    const effect = str(t['effect']);
    if (effect === '') errs.push(fieldErrors.required(p.child('effect')));
    else if (!supportedTaintEffects.includes(effect))
      errs.push(fieldErrors.notSupported(p.child('effect'), effect, supportedTaintEffects));
  });
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  return [
    ...validateObjectMeta(
      node.metadata,
      { namespaced: false, nameFn: nameIsDNSSubdomain },
      fieldPath('metadata'),
    ),
    ...validateNodeSpec(node),
  ];
}

/** `ValidateNodeUpdate`: podCIDRs may be set once, then never change. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata, fieldPath('metadata'));
  errs.push(...validateNodeSpec(node));
  const oldCIDRs = arr(old.spec?.podCIDRs);
  if (oldCIDRs.length > 0)
    errs.push(
      ...validateImmutableField(
        node.spec?.podCIDRs,
        old.spec?.podCIDRs,
        fieldPath('spec', 'podCIDRs'),
      ),
    );
  return errs;
}

/** `SetDefaults_Namespace`/`SetDefaults_NamespaceStatus`: phase Active, the name label. */
export function setNamespaceDefaults(ns: Namespace): void {
  if (!isObject(ns.status)) ns.status = {};
  ns.status.phase ??= 'Active';
  const name = ns.metadata.name;
  if (typeof name === 'string' && name !== '') {
    if (!isObject(ns.metadata.labels)) ns.metadata.labels = {};
    ns.metadata.labels['kubernetes.io/metadata.name'] = name;
  }
}

function validateNamespaceFinalizers(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of arr(rec(ns.spec)['finalizers']).map(str)) {
    const msgs = isQualifiedName(f);
    for (const m of msgs) errs.push(fieldErrors.invalid(fieldPath('spec', 'finalizers'), f, m));
    if (msgs.length === 0 && f !== 'kubernetes' && !f.includes('/')) {
      errs.push(
        fieldErrors.invalid(
          fieldPath('spec', 'finalizers'),
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errs;
}

export function validateNamespace(ns: Namespace): FieldError[] {
  return [
    ...validateObjectMeta(
      ns.metadata,
      { namespaced: false, nameFn: nameIsDNSLabel },
      fieldPath('metadata'),
    ),
    ...validateNamespaceFinalizers(ns),
  ];
}

export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ns.metadata, old.metadata, fieldPath('metadata')),
    ...validateNamespaceFinalizers(ns),
  ];
}

/** `ValidateEventCreate` (core/v1 subset): the involved object's namespace must match the event's. */
export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(
    ev.metadata,
    { namespaced: true, nameFn: nameIsDNSSubdomain },
    fieldPath('metadata'),
  );
  const involved = rec(ev.involvedObject);
  const involvedNs = str(involved['namespace']);
  const ns = str(ev.metadata.namespace);
  const path = fieldPath('involvedObject', 'namespace');
  if (involvedNs === '') {
    if (ns !== '' && ns !== 'default')
      errs.push(fieldErrors.invalid(path, involvedNs, 'does not match event.namespace'));
  } else if (involvedNs !== ns) {
    errs.push(fieldErrors.invalid(path, involvedNs, 'does not match event.namespace'));
  }
  return errs;
}

export function validateEventUpdate(ev: Event, old: Event): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ev.metadata, old.metadata, fieldPath('metadata')),
    ...validateEvent(ev).filter((e) => !e.field.startsWith('metadata.')),
  ];
}
