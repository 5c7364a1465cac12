// apps/v1 validation (pkg/apis/apps/validation/validation.go): Deployment, ReplicaSet, StatefulSet.
import type { Deployment, ReplicaSet, StatefulSet } from '@svclab/api';
import {
  type FieldError,
  fieldErrors,
  fieldPath,
  type FieldPath,
  selectorFromLabelSelector,
} from '@svclab/apimachinery';
import { arr, canonicalJSON, isRecord, isSet, optNum, rec, str } from '../meta/accessors.js';
import { nameIsDNSSubdomain } from '../meta/name-validation.js';
import {
  validateImmutableField,
  validateLabelName,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../meta/validation.js';
import { validateNonnegativeField, validatePodTemplateSpec } from '../core/pod-validation.js';

type Workload = Deployment | ReplicaSet | StatefulSet;

/** `ValidateLabelSelector`. */
export function validateLabelSelector(sel: unknown, path: FieldPath): FieldError[] {
  const s = rec(sel);
  const errs = validateLabels(s['matchLabels'], path.child('matchLabels'));
  arr(s['matchExpressions']).forEach((raw, i) => {
    const e = rec(raw);
    const p = path.child('matchExpressions').index(i);
    const op = str(e['operator']);
    const values = arr(e['values']);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push(
          fieldErrors.required(
            p.child('values'),
            "must be specified when `operator` is 'In' or 'NotIn'",
          ),
        );
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(
          fieldErrors.forbidden(
            p.child('values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else {
      errs.push(fieldErrors.invalid(p.child('operator'), op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(e['key']), p.child('key')));
  });
  return errs;
}

/** Selector present, valid, non-empty and matching the template labels; then the template itself. */
function validateSelectorAndTemplate(
  spec: Record<string, unknown>,
  specPath: FieldPath,
  kind: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec['selector'];
  const selPath = specPath.child('selector');
  if (!isRecord(sel)) {
    errs.push(fieldErrors.required(selPath));
  } else {
    errs.push(...validateLabelSelector(sel, selPath));
    if (Object.keys(rec(sel['matchLabels'])).length + arr(sel['matchExpressions']).length === 0) {
      errs.push(fieldErrors.invalid(selPath, sel, `empty selector is invalid for ${kind}`));
    }
  }
  const template = spec['template'];
  const tPath = specPath.child('template');
  if (!isRecord(template)) {
    errs.push(fieldErrors.required(tPath));
    return errs;
  }
  if (isRecord(sel) && errs.length === 0) {
    try {
      const selector = selectorFromLabelSelector(sel);
      const labels = rec(rec(template['metadata'])['labels']) as Record<string, string>;
      if (!selector.empty() && !selector.matches(labels)) {
        errs.push(
          fieldErrors.invalid(
            tPath.child('metadata', 'labels'),
            labels,
            '`selector` does not match template `labels`',
          ),
        );
      }
    } catch {
      errs.push(fieldErrors.invalid(selPath, sel, 'invalid label selector'));
    }
  }
  errs.push(...validatePodTemplateSpec(template, tPath));
  const restart = str(rec(template['spec'])['restartPolicy']);
  if (restart !== '' && restart !== 'Always')
    errs.push(fieldErrors.notSupported(tPath.child('spec', 'restartPolicy'), restart, ['Always']));
  if (isSet(rec(template['spec'])['activeDeadlineSeconds']))
    errs.push(
      fieldErrors.forbidden(
        tPath.child('spec', 'activeDeadlineSeconds'),
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  return errs;
}

function validateIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  if (typeof v === 'number') return validateNonnegativeField(v, path);
  const s = str(v);
  const m = /^([0-9]+)%$/.exec(s);
  if (m === null)
    return [
      fieldErrors.invalid(
        path,
        s,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  if (Number(m[1]) > 100) return [fieldErrors.invalid(path, s, 'must not be greater than 100%')];
  return [];
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

function validateDeploymentStrategy(strategy: unknown, path: FieldPath): FieldError[] {
  const s = rec(strategy);
  const type = str(s['type']);
  const errs: FieldError[] = [];
  if (type === 'Recreate') {
    if (isSet(s['rollingUpdate']))
      errs.push(
        fieldErrors.forbidden(
          path.child('rollingUpdate'),
          "may not be specified when strategy `type` is 'Recreate'",
        ),
      );
  } else if (type === 'RollingUpdate') {
    const ru = rec(s['rollingUpdate']);
    errs.push(
      ...validateIntOrPercent(ru['maxUnavailable'], path.child('rollingUpdate', 'maxUnavailable')),
    );
    errs.push(...validateIntOrPercent(ru['maxSurge'], path.child('rollingUpdate', 'maxSurge')));
    if (isZero(ru['maxUnavailable']) && isZero(ru['maxSurge'])) {
      errs.push(
        fieldErrors.invalid(
          path.child('rollingUpdate', 'maxUnavailable'),
          ru['maxUnavailable'] as number,
          'may not be 0 when `maxSurge` is 0',
        ),
      );
    }
  } else if (type === '') {
    errs.push(fieldErrors.required(path.child('type')));
  } else {
    errs.push(fieldErrors.notSupported(path.child('type'), type, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

function specOf(w: Workload): Record<string, unknown> {
  return rec(w.spec);
}

export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(
    d.metadata,
    { namespaced: true, nameFn: nameIsDNSSubdomain },
    fieldPath('metadata'),
  );
  const spec = specOf(d);
  const p = fieldPath('spec');
  errs.push(...validateNonnegativeField(spec['replicas'], p.child('replicas')));
  errs.push(...validateSelectorAndTemplate(spec, p, 'deployment'));
  errs.push(...validateDeploymentStrategy(spec['strategy'], p.child('strategy')));
  errs.push(...validateNonnegativeField(spec['minReadySeconds'], p.child('minReadySeconds')));
  errs.push(
    ...validateNonnegativeField(spec['revisionHistoryLimit'], p.child('revisionHistoryLimit')),
  );
  const pds = optNum(spec['progressDeadlineSeconds']);
  if (pds !== undefined) {
    errs.push(...validateNonnegativeField(pds, p.child('progressDeadlineSeconds')));
    if (pds <= (optNum(spec['minReadySeconds']) ?? 0))
      errs.push(
        fieldErrors.invalid(
          p.child('progressDeadlineSeconds'),
          pds,
          'must be greater than minReadySeconds',
        ),
      );
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(
    rs.metadata,
    { namespaced: true, nameFn: nameIsDNSSubdomain },
    fieldPath('metadata'),
  );
  const spec = specOf(rs);
  const p = fieldPath('spec');
  errs.push(...validateNonnegativeField(spec['replicas'], p.child('replicas')));
  errs.push(...validateNonnegativeField(spec['minReadySeconds'], p.child('minReadySeconds')));
  errs.push(...validateSelectorAndTemplate(spec, p, 'replicaset'));
  return errs;
}

export function validateStatefulSet(ss: StatefulSet): FieldError[] {
  const errs = validateObjectMeta(
    ss.metadata,
    { namespaced: true, nameFn: nameIsDNSSubdomain },
    fieldPath('metadata'),
  );
  const spec = specOf(ss);
  const p = fieldPath('spec');
  const pmp = str(spec['podManagementPolicy']);
  if (pmp === '') errs.push(fieldErrors.required(p.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
    errs.push(
      fieldErrors.invalid(
        p.child('podManagementPolicy'),
        pmp,
        "must be 'OrderedReady' or 'Parallel'",
      ),
    );
  const us = rec(spec['updateStrategy']);
  const ut = str(us['type']);
  if (ut === '') errs.push(fieldErrors.required(p.child('updateStrategy')));
  else if (ut === 'OnDelete' && isSet(us['rollingUpdate'])) {
    errs.push(
      fieldErrors.invalid(
        p.child('updateStrategy', 'rollingUpdate'),
        us['rollingUpdate'] as object,
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  } else if (ut !== 'OnDelete' && ut !== 'RollingUpdate') {
    errs.push(
      fieldErrors.invalid(p.child('updateStrategy'), ut, "must be 'RollingUpdate' or 'OnDelete'"),
    );
  }
  errs.push(
    ...validateNonnegativeField(
      rec(us['rollingUpdate'])['partition'],
      p.child('updateStrategy', 'rollingUpdate', 'partition'),
    ),
  );
  errs.push(...validateNonnegativeField(spec['replicas'], p.child('replicas')));
  errs.push(...validateNonnegativeField(spec['minReadySeconds'], p.child('minReadySeconds')));
  errs.push(...validateSelectorAndTemplate(spec, p, 'statefulset'));
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata, fieldPath('metadata'));
  errs.push(
    ...validateImmutableField(d.spec?.selector, old.spec?.selector, fieldPath('spec', 'selector')),
  );
  errs.push(...validateDeployment(d).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata, fieldPath('metadata'));
  errs.push(
    ...validateImmutableField(rs.spec?.selector, old.spec?.selector, fieldPath('spec', 'selector')),
  );
  errs.push(...validateReplicaSet(rs).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

/** `ValidateStatefulSetUpdate`: only replicas, template, updateStrategy, minReadySeconds (and ordinals) may change. */
export function validateStatefulSetUpdate(ss: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = validateObjectMetaUpdate(ss.metadata, old.metadata, fieldPath('metadata'));
  const mask = (w: StatefulSet): string => {
    const s = rec(w.spec);
    const mutable = new Set([
      'replicas',
      'template',
      'updateStrategy',
      'minReadySeconds',
      'ordinals',
      'persistentVolumeClaimRetentionPolicy',
    ]);
    return canonicalJSON(Object.fromEntries(Object.entries(s).filter(([k]) => !mutable.has(k))));
  };
  if (mask(ss) !== mask(old)) {
    errs.push(
      fieldErrors.forbidden(
        fieldPath('spec'),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  errs.push(...validateStatefulSet(ss).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}
