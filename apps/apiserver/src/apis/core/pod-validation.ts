// Pod validation (pkg/apis/core/validation/validation.go: ValidatePodCreate, ValidatePodSpec,
// validateContainers, validateContainerPorts, validateProbe, ValidatePodUpdate), the subset that
// matters to svclab's workloads.
import type { Pod } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath, type FieldPath } from '@svclab/apimachinery';
import {
  arr,
  canonicalJSON,
  isRecord,
  isSet,
  optNum,
  rec,
  str,
  type Json,
} from '../meta/accessors.js';
import { isValidPortName, isValidPortNum } from '../meta/ip-validation.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from '../meta/name-validation.js';
import {
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../meta/validation.js';
import { validateDNS1123Label, validatePortNumOrName } from './service-validation.js';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedRestartPolicies = ['Always', 'Never', 'OnFailure'];
const supportedDNSPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** `ValidateNonnegativeField`. */
export function validateNonnegativeField(value: unknown, path: FieldPath): FieldError[] {
  const n = optNum(value);
  return n !== undefined && n < 0
    ? [fieldErrors.invalid(path, n, 'must be greater than or equal to 0')]
    : [];
}

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const p = rec(raw);
    const idx = path.index(i);
    const name = str(p['name']);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0)
        for (const m of msgs) errs.push(fieldErrors.invalid(idx.child('name'), name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(idx.child('name'), name));
      else names.add(name);
    }
    const cp = p['containerPort'];
    if (!isSet(cp) || cp === 0) errs.push(fieldErrors.required(idx.child('containerPort')));
    else
      for (const m of isValidPortNum(cp))
        errs.push(
          fieldErrors.invalid(idx.child('containerPort'), typeof cp === 'number' ? cp : 0, m),
        );
    const hp = p['hostPort'];
    if (isSet(hp) && hp !== 0)
      for (const m of isValidPortNum(hp))
        errs.push(fieldErrors.invalid(idx.child('hostPort'), typeof hp === 'number' ? hp : 0, m));
    const protocol = str(p['protocol']);
    if (protocol === '') errs.push(fieldErrors.required(idx.child('protocol')));
    else if (!supportedPortProtocols.includes(protocol))
      errs.push(fieldErrors.notSupported(idx.child('protocol'), protocol, supportedPortProtocols));
  });
  return errs;
}

/** `validateProbe`: exactly one handler, non-negative timings; liveness/startup need successThreshold 1. */
function validateProbe(raw: unknown, path: FieldPath, requireSuccessOne: boolean): FieldError[] {
  if (!isSet(raw)) return [];
  const probe = rec(raw);
  const errs: FieldError[] = [];
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) =>
    isSet(probe[h]),
  );
  if (handlers.length === 0) errs.push(fieldErrors.required(path, 'must specify a handler type'));
  for (const h of handlers.slice(1))
    errs.push(fieldErrors.forbidden(path.child(h), 'may not specify more than 1 handler type'));
  if (isSet(probe['httpGet']))
    errs.push(
      ...validatePortNumOrName(rec(probe['httpGet'])['port'], path.child('httpGet', 'port')),
    );
  if (isSet(probe['tcpSocket']))
    errs.push(
      ...validatePortNumOrName(rec(probe['tcpSocket'])['port'], path.child('tcpSocket', 'port')),
    );
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    errs.push(...validateNonnegativeField(probe[f], path.child(f)));
  }
  const st = optNum(probe['successThreshold']);
  if (requireSuccessOne && st !== undefined && st !== 1)
    errs.push(fieldErrors.invalid(path.child('successThreshold'), st, 'must be 1'));
  return errs;
}

function validateContainers(
  containers: unknown,
  path: FieldPath,
  names: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  arr(containers).forEach((raw, i) => {
    const c: Json = rec(raw);
    const idx = path.index(i);
    const name = str(c['name']);
    if (name === '') errs.push(fieldErrors.required(idx.child('name')));
    else {
      errs.push(...validateDNS1123Label(name, idx.child('name')));
      if (names.has(name)) errs.push(fieldErrors.duplicate(idx.child('name'), name));
      else names.add(name);
    }
    const image = str(c['image']);
    if (image === '' || image.trim() !== image) {
      if (image === '') errs.push(fieldErrors.required(idx.child('image')));
      else
        errs.push(
          fieldErrors.invalid(
            idx.child('image'),
            image,
            'must not have leading or trailing whitespace',
          ),
        );
    }
    errs.push(...validateContainerPorts(c['ports'], idx.child('ports')));
    errs.push(...validateProbe(c['livenessProbe'], idx.child('livenessProbe'), true));
    errs.push(...validateProbe(c['readinessProbe'], idx.child('readinessProbe'), false));
    errs.push(...validateProbe(c['startupProbe'], idx.child('startupProbe'), true));
    const pull = str(c['imagePullPolicy']);
    if (pull === '') errs.push(fieldErrors.required(idx.child('imagePullPolicy')));
    else if (!supportedPullPolicies.includes(pull))
      errs.push(
        fieldErrors.notSupported(idx.child('imagePullPolicy'), pull, supportedPullPolicies),
      );
  });
  return errs;
}

/** `ValidatePodSpec` (subset): containers, restartPolicy, dnsPolicy, grace period, names. */
export function validatePodSpec(spec: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(spec)) return [fieldErrors.required(path.child('containers'))];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  errs.push(...validateContainers(spec['initContainers'], path.child('initContainers'), names));
  if (arr(spec['containers']).length === 0)
    errs.push(fieldErrors.required(path.child('containers')));
  else errs.push(...validateContainers(spec['containers'], path.child('containers'), names));
  const restart = str(spec['restartPolicy']);
  if (restart === '') errs.push(fieldErrors.required(path.child('restartPolicy')));
  else if (!supportedRestartPolicies.includes(restart))
    errs.push(
      fieldErrors.notSupported(path.child('restartPolicy'), restart, supportedRestartPolicies),
    );
  const dns = str(spec['dnsPolicy']);
  if (dns === '') errs.push(fieldErrors.required(path.child('dnsPolicy')));
  else if (!supportedDNSPolicies.includes(dns))
    errs.push(fieldErrors.notSupported(path.child('dnsPolicy'), dns, supportedDNSPolicies));
  errs.push(
    ...validateNonnegativeField(
      spec['terminationGracePeriodSeconds'],
      path.child('terminationGracePeriodSeconds'),
    ),
  );
  const ads = optNum(spec['activeDeadlineSeconds']);
  if (ads !== undefined && ads < 1)
    errs.push(
      fieldErrors.invalid(
        path.child('activeDeadlineSeconds'),
        ads,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  const nodeName = str(spec['nodeName']);
  if (nodeName !== '')
    for (const m of isDNS1123Subdomain(nodeName))
      errs.push(fieldErrors.invalid(path.child('nodeName'), nodeName, m));
  errs.push(...validateLabels(spec['nodeSelector'], path.child('nodeSelector')));
  const hostname = str(spec['hostname']);
  if (hostname !== '') errs.push(...validateDNS1123Label(hostname, path.child('hostname')));
  const subdomain = str(spec['subdomain']);
  if (subdomain !== '') errs.push(...validateDNS1123Label(subdomain, path.child('subdomain')));
  return errs;
}

/** `ValidatePodTemplateSpec`: template labels/annotations (paths `<template>.labels`) and the pod spec. */
export function validatePodTemplateSpec(template: unknown, path: FieldPath): FieldError[] {
  const t = rec(template);
  const meta = rec(t['metadata']);
  return [
    ...validateLabels(meta['labels'], path.child('labels')),
    ...validateAnnotations(meta['annotations'], path.child('annotations')),
    ...validatePodSpec(t['spec'], path.child('spec')),
  ];
}

export function validatePod(pod: Pod): FieldError[] {
  return [
    ...validateObjectMeta(
      pod.metadata,
      { namespaced: true, nameFn: nameIsDNSSubdomain },
      fieldPath('metadata'),
    ),
    ...validatePodSpec(pod.spec, fieldPath('spec')),
  ];
}

const podUpdateForbidden =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec with the mutable fields masked out, for the "may not change" comparison. */
function maskMutable(spec: unknown, old: unknown): string {
  const s = structuredClone(rec(spec));
  const o = rec(old);
  for (const key of ['containers', 'initContainers'] as const) {
    for (const c of arr(s[key])) if (isRecord(c)) delete c['image'];
  }
  delete s['activeDeadlineSeconds'];
  delete s['tolerations'];
  delete s['terminationGracePeriodSeconds'];
  // svclab: like the binding subresource, an update may set nodeName once.
  if (str(o['nodeName']) === '') delete s['nodeName'];
  return canonicalJSON(s);
}

/** `ValidatePodUpdate`: metadata rules, then the spec is immutable except images, deadline and tolerations. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata, fieldPath('metadata'));
  errs.push(...validatePodSpec(pod.spec, fieldPath('spec')));
  const oldSpec = rec(old.spec);
  const newSpec = rec(pod.spec);
  const oldMasked = structuredClone(oldSpec);
  if (str(oldSpec['nodeName']) === '') delete oldMasked['nodeName'];
  if (maskMutable(newSpec, oldSpec) !== maskMutable(oldMasked, oldSpec))
    errs.push(fieldErrors.forbidden(fieldPath('spec'), podUpdateForbidden));
  return errs;
}
