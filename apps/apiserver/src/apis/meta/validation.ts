// ObjectMeta, labels, annotations, owner references and finalizers
// (k8s.io/apimachinery/pkg/api/validation/objectmeta.go, pkg/apis/meta/v1/validation).
import { type FieldError, type FieldPath, fieldErrors } from '@svclab/apimachinery';
import { arr, isRecord, isSet, optNum, rec, str } from './accessors.js';
import {
  byteLen,
  isDNS1123Label,
  isQualifiedName,
  isValidLabelValue,
  type NameValidator,
} from './name-validation.js';

/** Total size of all annotation keys and values (bytes). */
export const TotalAnnotationSizeLimitB = 256 * 1024;
export const FieldImmutableErrorMsg = 'field is immutable';

/** `ValidateNamespaceName` = NameIsDNSLabel. */
export function validateNamespaceName(name: string): string[] {
  return isDNS1123Label(name);
}

function sortedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).sort();
}

/** `ValidateLabelName`: qualified name. */
export function validateLabelName(key: string, path: FieldPath): FieldError[] {
  return isQualifiedName(key).map((m) => fieldErrors.invalid(path, key, m));
}

/** `ValidateLabels`: every key a qualified name, every value a label value (path is the map, not the key). */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  if (!isSet(labels)) return [];
  if (!isRecord(labels))
    return [
      fieldErrors.invalid(path, labels as object, 'must be a map of string keys to string values'),
    ];
  const errs: FieldError[] = [];
  for (const k of sortedKeys(labels)) {
    errs.push(...validateLabelName(k, path));
    const v = labels[k];
    if (typeof v !== 'string') {
      errs.push(fieldErrors.invalid(path, v as object, 'must be a string'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path, v, m));
  }
  return errs;
}

/** `ValidateAnnotations`: keys are case-insensitive qualified names; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  if (!isSet(annotations)) return [];
  if (!isRecord(annotations))
    return [
      fieldErrors.invalid(
        path,
        annotations as object,
        'must be a map of string keys to string values',
      ),
    ];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of sortedKeys(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, m));
    const v = annotations[k];
    if (typeof v !== 'string')
      errs.push(fieldErrors.invalid(path.key(k), v as object, 'must be a string'));
    size += byteLen(k) + (typeof v === 'string' ? byteLen(v) : 0);
  }
  if (size > TotalAnnotationSizeLimitB)
    errs.push(fieldErrors.tooLong(path, `must have at most ${TotalAnnotationSizeLimitB} bytes`));
  return errs;
}

function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  // schema.ParseGroupVersion: more than one '/' is unparseable; FromAPIVersionAndKind then yields an empty version.
  const rest = apiVersion.slice(i + 1);
  return rest.includes('/')
    ? { group: '', version: '' }
    : { group: apiVersion.slice(0, i), version: rest };
}

/** `ValidateOwnerReferences`: basic field checks and at most one controller reference. */
export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const r of arr(refs)) {
    const ref = rec(r);
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    const name = str(ref['name']);
    const uid = str(ref['uid']);
    if (splitAPIVersion(apiVersion).version === '')
      errs.push(
        fieldErrors.invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'),
      );
    if (kind === '') errs.push(fieldErrors.invalid(path.child('kind'), kind, 'must not be empty'));
    if (name === '') errs.push(fieldErrors.invalid(path.child('name'), name, 'must not be empty'));
    if (uid === '') errs.push(fieldErrors.invalid(path.child('uid'), uid, 'must not be empty'));
    if (ref['controller'] === true) {
      const cur = `${kind}/${name}`;
      if (firstController !== '') {
        errs.push(
          fieldErrors.invalid(
            path,
            refs as object,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** `ValidateFinalizers` (core's ValidateFinalizerName): qualified names, fully qualified unless standard. */
export function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of arr(finalizers)) {
    const name = str(f);
    const msgs = isQualifiedName(name);
    for (const m of msgs) errs.push(fieldErrors.invalid(path, name, m));
    if (msgs.length === 0 && !standardFinalizers.has(name) && !name.includes('/')) {
      errs.push(
        fieldErrors.invalid(
          path,
          name,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errs;
}

/**
 * `ValidateObjectMeta`: name (or generateName) through `nameFn`, namespace rules, generation,
 * labels, annotations, ownerReferences, finalizers — in upstream's order.
 */
export interface ObjectMetaRules {
  /** Namespaced kinds require metadata.namespace; cluster-scoped kinds forbid it. */
  readonly namespaced: boolean;
  readonly nameFn: NameValidator;
}

export function validateObjectMeta(
  meta: unknown,
  rules: ObjectMetaRules,
  path: FieldPath,
): FieldError[] {
  const { namespaced: requiresNamespace, nameFn } = rules;
  if (!isRecord(meta))
    return [fieldErrors.required(path.child('name'), 'name or generateName is required')];
  const errs: FieldError[] = [];
  const generateName = str(meta['generateName']);
  const name = str(meta['name']);
  const namespace = str(meta['namespace']);
  if (generateName !== '')
    for (const m of nameFn(generateName, true))
      errs.push(fieldErrors.invalid(path.child('generateName'), generateName, m));
  if (name === '')
    errs.push(fieldErrors.required(path.child('name'), 'name or generateName is required'));
  else
    for (const m of nameFn(name, false))
      errs.push(fieldErrors.invalid(path.child('name'), name, m));
  if (requiresNamespace) {
    if (namespace === '') errs.push(fieldErrors.required(path.child('namespace')));
    else
      for (const m of validateNamespaceName(namespace))
        errs.push(fieldErrors.invalid(path.child('namespace'), namespace, m));
  } else if (namespace !== '') {
    errs.push(fieldErrors.forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  const generation = optNum(meta['generation']);
  if (generation !== undefined && generation < 0)
    errs.push(
      fieldErrors.invalid(
        path.child('generation'),
        generation,
        'must be greater than or equal to 0',
      ),
    );
  errs.push(...validateLabels(meta['labels'], path.child('labels')));
  errs.push(...validateAnnotations(meta['annotations'], path.child('annotations')));
  errs.push(...validateOwnerReferences(meta['ownerReferences'], path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta['finalizers'], path.child('finalizers')));
  return errs;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** `ValidateImmutableField`: `Invalid value: <new>: field is immutable`. */
export function validateImmutableField(
  newVal: unknown,
  oldVal: unknown,
  path: FieldPath,
): FieldError[] {
  return sameValue(newVal, oldVal)
    ? []
    : [fieldErrors.invalid(path, newVal ?? null, FieldImmutableErrorMsg)];
}

/**
 * `ValidateObjectMetaUpdate`. The resourceVersion precondition is left to the store (it fills the
 * version for unconditional updates and answers 409 on a mismatch).
 */
export function validateObjectMetaUpdate(
  meta: unknown,
  oldMeta: unknown,
  path: FieldPath,
): FieldError[] {
  const m = rec(meta);
  const o = rec(oldMeta);
  const errs: FieldError[] = [];
  if (isSet(o['deletionTimestamp'])) {
    const old = new Set(arr(o['finalizers']).map(str));
    for (const f of arr(m['finalizers']).map(str)) {
      if (!old.has(f))
        errs.push(
          fieldErrors.forbidden(
            path.child('finalizers'),
            `no new finalizers can be added if the object is being deleted, found new finalizers ["${f}"]`,
          ),
        );
    }
  }
  const gen = optNum(m['generation']) ?? 0;
  const oldGen = optNum(o['generation']) ?? 0;
  if (gen < oldGen)
    errs.push(fieldErrors.invalid(path.child('generation'), gen, 'must not be decremented'));
  errs.push(...validateImmutableField(m['name'], o['name'], path.child('name')));
  errs.push(...validateImmutableField(m['namespace'], o['namespace'], path.child('namespace')));
  // rest.BeforeUpdate copies an omitted uid/creationTimestamp from the old object (see fillSystemFieldsForUpdate).
  if (isSet(m['uid'])) errs.push(...validateImmutableField(m['uid'], o['uid'], path.child('uid')));
  if (isSet(m['creationTimestamp']))
    errs.push(
      ...validateImmutableField(
        m['creationTimestamp'],
        o['creationTimestamp'],
        path.child('creationTimestamp'),
      ),
    );
  errs.push(...validateLabels(m['labels'], path.child('labels')));
  errs.push(...validateAnnotations(m['annotations'], path.child('annotations')));
  errs.push(...validateOwnerReferences(m['ownerReferences'], path.child('ownerReferences')));
  errs.push(...validateFinalizers(m['finalizers'], path.child('finalizers')));
  return errs;
}

/** Part of `rest.BeforeUpdate`: an update that omits uid/creationTimestamp keeps the old values. */
export function fillSystemFieldsForUpdate(meta: unknown, oldMeta: unknown): void {
  if (!isRecord(meta)) return;
  const o = rec(oldMeta);
  for (const k of ['uid', 'creationTimestamp'] as const) {
    if (!isSet(meta[k]) || meta[k] === '') {
      if (isSet(o[k])) meta[k] = o[k];
    }
  }
}
