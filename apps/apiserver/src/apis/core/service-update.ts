// Service updates: the strategy's PrepareForUpdate steps (patchAllocatedValues,
// NormalizeClusterIPs, dropTypeDependentFields — pkg/registry/core/service/strategy.go) and
// ValidateServiceUpdate (reference §1.7).
import type { IPFamily, Service, ServicePort } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath } from '@svclab/apimachinery';
import { arr, isObject, isRecord, isSet, num, rec, str } from '../meta/accessors.js';
import { validateObjectMetaUpdate } from '../meta/validation.js';
import {
  externallyAccessible,
  isHeadlessStrict,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
} from './service-helpers.js';
import { validateService } from './service-validation.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sameClusterIPs(a: Service, b: Service): boolean {
  return same(arr(a.spec?.clusterIPs), arr(b.spec?.clusterIPs));
}

function portsOf(svc: Service): ServicePort[] {
  return arr(svc.spec?.ports).filter(isRecord) as unknown as ServicePort[];
}

function nodePortSet(svc: Service): Set<number> {
  return new Set(
    portsOf(svc)
      .map((p) => num(p.nodePort))
      .filter((n) => n !== 0),
  );
}

/** `patchAllocatedValues`: a resubmitted manifest without allocated values keeps them. */
export function patchAllocatedValues(svc: Service, old: Service): void {
  if (!isObject(svc.spec) || !isObject(old.spec)) return;
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (str(spec.clusterIP) === '' && str(oldSpec.clusterIP) !== '')
      spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(oldSpec.clusterIPs).length > 0)
      spec.clusterIPs = [...arr(oldSpec.clusterIPs)] as string[];
    // svclab: the allocator's family fields follow the IPs they describe (initIPFamilyFields keeps them on update).
    if (sameClusterIPs(svc, old)) {
      if (arr(spec.ipFamilies).length === 0 && arr(oldSpec.ipFamilies).length > 0)
        spec.ipFamilies = [...arr(oldSpec.ipFamilies)] as IPFamily[];
      if (!isSet(spec.ipFamilyPolicy) && isSet(oldSpec.ipFamilyPolicy))
        spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    }
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const newUsed = nodePortSet(svc);
    const used = new Set([...nodePortSet(old)].filter((p) => newUsed.has(p)));
    const byName = new Map<string, number>();
    for (const p of portsOf(old)) byName.set(str(p.name), num(p.nodePort));
    for (const p of portsOf(svc)) {
      if (num(p.nodePort) === 0) {
        const oldVal = byName.get(str(p.name)) ?? 0;
        if (oldVal !== 0 && !used.has(oldVal)) p.nodePort = oldVal;
      }
    }
  }
  if (
    needsHealthCheck(old) &&
    needsHealthCheck(svc) &&
    num(spec.healthCheckNodePort) === 0 &&
    num(oldSpec.healthCheckNodePort) !== 0
  ) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** `NormalizeClusterIPs` for an update: keep clusterIP and clusterIPs consistent with what the user changed. */
export function normalizeClusterIPs(svc: Service, old: Service): void {
  if (!isObject(svc.spec)) return;
  const spec = svc.spec;
  const oldIP = str(old.spec?.clusterIP);
  const newIP = str(spec.clusterIP);
  const ips = arr(spec.clusterIPs);
  if (old.spec === undefined) {
    if (newIP !== '' && ips.length === 0) spec.clusterIPs = [newIP];
    return;
  }
  // Singular cleared, plural untouched: the user means "clear both".
  if (oldIP !== '' && newIP === '' && sameClusterIPs(svc, old)) {
    delete spec.clusterIPs;
    return;
  }
  // Singular changed, plural untouched: the plural follows.
  if (oldIP !== '' && newIP !== '' && oldIP !== newIP && sameClusterIPs(svc, old)) {
    spec.clusterIPs = [newIP];
    return;
  }
  // Plural changed, singular untouched: the singular follows.
  if (
    oldIP === newIP &&
    !sameClusterIPs(svc, old) &&
    ips.length > 0 &&
    typeof ips[0] === 'string'
  ) {
    spec.clusterIP = ips[0];
  }
}

/** `dropTypeDependentFields`: on a type change, clear fields the user left unchanged (§1.7). */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  if (!isObject(svc.spec)) return;
  const spec = svc.spec;
  const oldSpec = rec(old.spec);
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (sameClusterIPs(svc, old)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec['ipFamilies'])) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec['ipFamilyPolicy'])) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    const oldPorts = nodePortSet(old);
    if ([...nodePortSet(svc)].every((p) => oldPorts.has(p)))
      for (const p of portsOf(svc)) delete p.nodePort;
  }
  if (
    needsHealthCheck(old) &&
    !needsHealthCheck(svc) &&
    num(spec.healthCheckNodePort) === num(oldSpec['healthCheckNodePort'])
  ) {
    delete spec.healthCheckNodePort;
  }
  if (oldSpec['type'] === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (
      isSet(spec.allocateLoadBalancerNodePorts) &&
      isSet(oldSpec['allocateLoadBalancerNodePorts']) &&
      spec.allocateLoadBalancerNodePorts === oldSpec['allocateLoadBalancerNodePorts']
    ) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (same(spec.loadBalancerClass, oldSpec['loadBalancerClass'])) delete spec.loadBalancerClass;
  }
  if (
    externallyAccessible(old) &&
    !externallyAccessible(svc) &&
    same(spec.externalTrafficPolicy, oldSpec['externalTrafficPolicy'])
  ) {
    delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer' && isObject(svc.status)) svc.status.loadBalancer = {};
}

/** The Service part of `PrepareForUpdate` (status is handled by the registry). */
export function prepareServiceForUpdate(svc: Service, old: Service): void {
  patchAllocatedValues(svc, old);
  normalizeClusterIPs(svc, old);
  dropTypeDependentFields(svc, old);
}

function validateUpgradeDowngradeClusterIPs(old: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  if (isHeadlessStrict(old) && isHeadlessStrict(svc)) return errs;
  const oldIPs = arr(old.spec?.clusterIPs);
  const newIPs = arr(svc.spec?.clusterIPs);
  const path = fieldPath('spec', 'clusterIPs');
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i])
        errs.push(fieldErrors.invalid(path.index(i), newIPs, 'may not change once set'));
    });
  } else if (oldIPs.length > newIPs.length) {
    if (newIPs.length === 0)
      errs.push(fieldErrors.invalid(path.index(0), newIPs, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && newIPs.length > 0 && newIPs[0] !== oldIPs[0])
      errs.push(fieldErrors.invalid(path.index(0), newIPs, 'may not change once set'));
    if (newIPs.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        fieldErrors.invalid(
          path.index(0),
          newIPs,
          "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
    errs.push(fieldErrors.invalid(path.index(0), newIPs, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(old: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  const oldHeadless = isHeadlessStrict(old);
  if (oldHeadless !== isHeadlessStrict(svc) || oldHeadless) return errs;
  const oldF = arr(old.spec?.ipFamilies);
  const newF = arr(svc.spec?.ipFamilies);
  const newIPs = arr(svc.spec?.clusterIPs);
  const path = fieldPath('spec', 'ipFamilies');
  if (oldF.length === newF.length) {
    oldF.forEach((f, i) => {
      if (f !== newF[i])
        errs.push(fieldErrors.invalid(path.index(0), newF, 'may not change once set'));
    });
  } else if (oldF.length > newF.length) {
    if (newF.length === 0)
      errs.push(fieldErrors.invalid(path.index(0), newF, 'primary ipFamily can not be unset'));
    if (newF.length > 0 && newF[0] !== oldF[0])
      errs.push(fieldErrors.invalid(path.index(0), newIPs, 'may not change once set'));
    if (newF.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        fieldErrors.invalid(
          fieldPath('spec', 'clusterIPs').index(0),
          newIPs,
          "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily",
        ),
      );
    }
  } else if (oldF.length > 0 && newF.length > 0 && newF[0] !== oldF[0]) {
    errs.push(fieldErrors.invalid(path.index(0), newIPs, 'may not change once set'));
  }
  return errs;
}

/** `ValidateServiceUpdate`: metadata update rules, IP/family upgrade-downgrade rules, then ValidateService. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata, fieldPath('metadata'));
  errs.push(...validateUpgradeDowngradeClusterIPs(old, svc));
  errs.push(...validateUpgradeDowngradeIPFamilies(old, svc));
  if (
    old.spec?.type === 'LoadBalancer' &&
    svc.spec?.type === 'LoadBalancer' &&
    !same(svc.spec.loadBalancerClass, old.spec.loadBalancerClass)
  ) {
    errs.push(
      fieldErrors.invalid(
        fieldPath('spec', 'loadBalancerClass'),
        svc.spec.loadBalancerClass ?? null,
        'may not change once set',
      ),
    );
  }
  if (
    needsHealthCheck(old) &&
    needsHealthCheck(svc) &&
    num(svc.spec?.healthCheckNodePort) !== num(old.spec?.healthCheckNodePort)
  ) {
    errs.push(
      fieldErrors.forbidden(fieldPath('spec', 'healthCheckNodePort'), 'field is immutable'),
    );
  }
  const oldIPs = [...arr(old.spec?.clusterIPs), ...arr(old.spec?.externalIPs)].map(str);
  errs.push(...validateService(svc, oldIPs));
  return errs;
}
