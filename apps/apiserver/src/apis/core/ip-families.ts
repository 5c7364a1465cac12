// Allocation-time IP family handling: `initIPFamilyFields` of
// pkg/registry/core/service/storage/alloc.go (reference §1.5, second half). The registry's
// allocator step calls it before allocating cluster IPs; it mutates the Service.
import type { IPFamily, IPFamilyPolicy, Service } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath } from '@svclab/apimachinery';
import { arr, isObject, isRecord, isSet, str } from '../meta/accessors.js';
import { ipFamilyOf } from '../meta/ip-validation.js';
import { validateServiceClusterIPsRelatedFields } from './service-validation.js';

function policyOf(svc: Service): IPFamilyPolicy {
  return svc.spec?.ipFamilyPolicy ?? 'SingleStack';
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function otherFamily(f: IPFamily): IPFamily {
  return f === 'IPv4' ? 'IPv6' : 'IPv4';
}

/**
 * Fills `ipFamilyPolicy` and `ipFamilies` for allocation and returns upstream's errors (reported
 * as 422 Invalid). `clusterFamilies` lists the families of --service-cluster-ip-range, primary first.
 * Nothing to do for ExternalName. Never throws.
 */
export function initIPFamilyFields(
  svc: Service,
  old: Service | undefined,
  clusterFamilies: readonly IPFamily[],
): FieldError[] {
  if (!isObject(svc.spec)) return [];
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return [];
  const primary: IPFamily = clusterFamilies[0] ?? 'IPv4';
  const configured = new Set<string>(clusterFamilies);

  // A PreferDualStack service is not upgraded/downgraded just because the cluster changed.
  if (
    old !== undefined &&
    old.spec?.ipFamilyPolicy === 'PreferDualStack' &&
    spec.ipFamilyPolicy === 'PreferDualStack' &&
    same(spec.clusterIPs, old.spec.clusterIPs) &&
    same(spec.ipFamilies, old.spec.ipFamilies) &&
    arr(spec.ipFamilies).length > 0
  ) {
    return [];
  }

  // On update, a missing policy keeps the old one.
  if (!isSet(spec.ipFamilyPolicy) && old !== undefined && isSet(old.spec?.ipFamilyPolicy))
    spec.ipFamilyPolicy = old.spec?.ipFamilyPolicy;

  const pre = validateServiceClusterIPsRelatedFields(svc, arr(old?.spec?.clusterIPs).map(str));
  if (pre.length > 0) return pre;

  const errs: FieldError[] = [];
  const policyPath = fieldPath('spec', 'ipFamilyPolicy');
  if (old !== undefined) {
    if (policyOf(svc) === 'SingleStack') {
      if (same(spec.clusterIPs, old.spec?.clusterIPs) && arr(spec.clusterIPs).length > 1)
        spec.clusterIPs = arr(spec.clusterIPs).slice(0, 1) as string[];
      if (same(spec.ipFamilies, old.spec?.ipFamilies) && arr(spec.ipFamilies).length > 1)
        spec.ipFamilies = arr(spec.ipFamilies).slice(0, 1) as IPFamily[];
    } else {
      const oldIPs = arr(old.spec?.clusterIPs);
      const newIPs = arr(spec.clusterIPs);
      if (newIPs.length > 0 && newIPs.length < oldIPs.length) {
        errs.push(
          fieldErrors.invalid(
            policyPath,
            spec.ipFamilyPolicy ?? null,
            "must be 'SingleStack' to release the secondary cluster IP",
          ),
        );
      }
      const oldF = arr(old.spec?.ipFamilies);
      const newF = arr(spec.ipFamilies);
      if (newF.length > 0 && newF.length < oldF.length) {
        errs.push(
          fieldErrors.invalid(
            policyPath,
            spec.ipFamilyPolicy ?? null,
            "must be 'SingleStack' to release the secondary IP family",
          ),
        );
      }
    }
  }

  if (policyOf(svc) === 'SingleStack') {
    const policyValue = spec.ipFamilyPolicy ?? null;
    if (arr(spec.clusterIPs).length === 2) {
      errs.push(
        fieldErrors.invalid(
          policyPath,
          policyValue,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
        ),
      );
    }
    if (arr(spec.ipFamilies).length === 2) {
      errs.push(
        fieldErrors.invalid(
          policyPath,
          policyValue,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
        ),
      );
    }
  }

  // Infer ipFamilies from clusterIPs.
  const clusterIPs = arr(spec.clusterIPs).map(str);
  const families = arr(spec.ipFamilies).map(str) as IPFamily[];
  for (const [i, ip] of clusterIPs.entries()) {
    if (ip === 'None') break;
    const fam = ipFamilyOf(ip);
    if (fam === undefined) continue;
    if (i >= families.length) {
      if (!configured.has(fam))
        errs.push(
          fieldErrors.invalid(
            fieldPath('spec', 'clusterIPs').index(i),
            clusterIPs,
            `${fam} is not configured on this cluster`,
          ),
        );
      else families.push(fam);
    }
  }
  if (families.length > 0) spec.ipFamilies = families;
  if (errs.length > 0) return errs;

  // Headless and selector-less: the most permissive shape.
  const selector = spec.selector;
  const selectorless = !isRecord(selector) || Object.keys(selector).length === 0;
  if (spec.type === 'ClusterIP' && spec.clusterIP === 'None' && selectorless) {
    if (!isSet(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = 'RequireDualStack';
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = [primary];
    const fams = spec.ipFamilies ?? [];
    if (spec.ipFamilyPolicy !== 'SingleStack' && fams.length === 1 && fams[0] !== undefined)
      spec.ipFamilies = [fams[0], otherFamily(fams[0])];
    return [];
  }

  if (!isSet(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = 'SingleStack';
  if (spec.ipFamilyPolicy === 'RequireDualStack' && configured.size < 2) {
    errs.push(
      fieldErrors.invalid(
        policyPath,
        spec.ipFamilyPolicy,
        'this cluster is not configured for dual-stack services',
      ),
    );
  }
  arr(spec.ipFamilies).forEach((f, i) => {
    if (!configured.has(str(f)))
      errs.push(
        fieldErrors.invalid(
          fieldPath('spec', 'ipFamilies').index(i),
          str(f),
          'not configured on this cluster',
        ),
      );
  });
  if (errs.length > 0) return errs;

  if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = [primary];
  const fams = spec.ipFamilies ?? [];
  if (
    spec.ipFamilyPolicy !== 'SingleStack' &&
    fams.length === 1 &&
    configured.size === 2 &&
    fams[0] !== undefined
  ) {
    spec.ipFamilies = [fams[0], otherFamily(fams[0])];
  }
  return [];
}
