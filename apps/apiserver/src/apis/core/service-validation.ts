// ValidateService (pkg/apis/core/validation/validation.go): checks 1–19 of reference §1.3 in
// upstream's emission order, validateServicePort (§1.4), the clusterIPs/ipFamilies related
// fields (§1.5) and the traffic policies (§1.6). Pure; never throws on malformed input.
import { wellKnown } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath, type FieldPath } from '@svclab/apimachinery';
import { arr, isRecord, isSet, num, optStr, rec, str, type Json } from '../meta/accessors.js';
import {
  isValidIP,
  isIPv6String,
  nonSpecialIPErrors,
  parseCIDR,
  parseIP,
  isValidPortName,
  isValidPortNum,
} from '../meta/ip-validation.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNS1035Label,
} from '../meta/name-validation.js';
import { validateLabels, validateObjectMeta } from '../meta/validation.js';
import { externallyAccessible, isHeadlessStrict, needsHealthCheck } from './service-helpers.js';

/** `ports.KubeletPort`: may not be exposed by a LoadBalancer. */
export const KubeletPort = 10250;
/** `core.MaxClientIPServiceAffinitySeconds`. */
export const MaxClientIPServiceAffinitySeconds = 86400;

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedSessionAffinity = ['ClientIP', 'None'];
const supportedServiceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const supportedIPFamilies = ['IPv4', 'IPv6'];
const supportedIPFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const supportedTrafficPolicies = ['Cluster', 'Local'];
const supportedTrafficDistribution = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];

type Svc = { metadata?: unknown; spec?: unknown };

function specOf(svc: Svc): Json {
  return rec(svc.spec);
}

/** `ValidateQualifiedName`. */
export function validateQualifiedName(value: string, path: FieldPath): FieldError[] {
  return isQualifiedName(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** `ValidateDNS1123Label`. */
export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** `ValidateDNS1123Subdomain`. */
export function validateDNS1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** `ValidatePortNumOrName`: an int targetPort 1..65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number')
    return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === 'string')
    return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  if (port === undefined || port === null)
    return isValidPortNum(0).map((m) => fieldErrors.invalid(path, 0, m));
  return [fieldErrors.internal(path, `unknown type: ${typeof port}`)];
}

/** `validateServicePort` for `spec.ports[i]`; `allNames` collects names for the duplicate check. */
export interface ServicePortContext {
  /** More than one port: every port needs a name. */
  readonly requireName: boolean;
  readonly allNames: Set<string>;
}

export function validateServicePort(
  sp: unknown,
  ctx: ServicePortContext,
  path: FieldPath,
): FieldError[] {
  const { requireName, allNames } = ctx;
  const p = rec(sp);
  const errs: FieldError[] = [];
  const name = str(p['name']);
  if (requireName && name === '') {
    errs.push(fieldErrors.required(path.child('name')));
  } else if (name !== '') {
    errs.push(...validateDNS1123Label(name, path.child('name')));
    if (allNames.has(name)) errs.push(fieldErrors.duplicate(path.child('name'), name));
    else allNames.add(name);
  }
  const port = p['port'];
  for (const m of isValidPortNum(port))
    errs.push(fieldErrors.invalid(path.child('port'), typeof port === 'number' ? port : 0, m));
  const protocol = str(p['protocol']);
  if (protocol === '') errs.push(fieldErrors.required(path.child('protocol')));
  else if (!supportedPortProtocols.includes(protocol))
    errs.push(fieldErrors.notSupported(path.child('protocol'), protocol, supportedPortProtocols));
  errs.push(...validatePortNumOrName(p['targetPort'], path.child('targetPort')));
  const appProtocol = optStr(p['appProtocol']);
  if (appProtocol !== undefined)
    errs.push(...validateQualifiedName(appProtocol, path.child('appProtocol')));
  return errs;
}

function validateClientIPAffinityConfig(cfg: unknown, path: FieldPath): FieldError[] {
  if (!isRecord(cfg)) return [fieldErrors.required(path, 'when session affinity type is ClientIP')];
  const clientIP = cfg['clientIP'];
  if (!isRecord(clientIP))
    return [fieldErrors.required(path.child('clientIP'), 'when session affinity type is ClientIP')];
  const t = clientIP['timeoutSeconds'];
  if (!isSet(t))
    return [
      fieldErrors.required(
        path.child('clientIP', 'timeoutSeconds'),
        'when session affinity type is ClientIP',
      ),
    ];
  const v = num(t);
  if (!(v > 0 && v <= MaxClientIPServiceAffinitySeconds)) {
    return [
      fieldErrors.invalid(
        path.child('clientIP', 'timeoutSeconds'),
        v,
        `must be greater than 0 and less than ${MaxClientIPServiceAffinitySeconds}`,
      ),
    ];
  }
  return [];
}

/** `IsValidIP` for a clusterIPs/externalIPs element: new values get the strict rules. */
function ipErrors(value: string, path: FieldPath, oldValues: readonly string[]): FieldError[] {
  const msgs = isValidIP(value);
  const lenient = oldValues.includes(value) && parseIP(value) !== undefined;
  return lenient ? [] : msgs.map((m) => fieldErrors.invalid(path, value, m));
}

/**
 * `ValidateServiceClusterIPsRelatedFields` (§1.5). The registry also runs it before allocation.
 * `oldClusterIPs` are the values already stored (tolerated by the strict IP rules).
 */
export function validateServiceClusterIPsRelatedFields(
  svc: Svc,
  oldClusterIPs: readonly string[] = [],
): FieldError[] {
  const spec = specOf(svc);
  if (spec['type'] === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const specPath = fieldPath('spec');
  const clusterIPsField = specPath.child('clusterIPs');
  const ipFamiliesField = specPath.child('ipFamilies');
  const clusterIP = str(spec['clusterIP']);
  const clusterIPsRaw = arr(spec['clusterIPs']);
  const clusterIPs = clusterIPsRaw.map(str);
  const families = arr(spec['ipFamilies']).map(str);
  let hasInvalidIPs = false;

  if (clusterIP !== '') {
    if (clusterIPs.length === 0) errs.push(fieldErrors.required(clusterIPsField));
    else if (clusterIPs[0] !== clusterIP)
      errs.push(
        fieldErrors.invalid(clusterIPsField, clusterIPsRaw, 'first value must match `clusterIP`'),
      );
  } else if (clusterIPs.length !== 0) {
    errs.push(
      fieldErrors.invalid(
        clusterIPsField,
        clusterIPsRaw,
        'must be empty when `clusterIP` is not specified',
      ),
    );
  }

  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!supportedIPFamilies.includes(f))
      errs.push(fieldErrors.notSupported(ipFamiliesField.index(i), f, supportedIPFamilies));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(ipFamiliesField.index(i), f));
    seen.add(f);
  });

  if (isSet(spec['ipFamilyPolicy'])) {
    const policy = str(spec['ipFamilyPolicy']);
    if (!supportedIPFamilyPolicies.includes(policy)) {
      errs.push(
        fieldErrors.notSupported(
          specPath.child('ipFamilyPolicy'),
          spec['ipFamilyPolicy'] as string,
          supportedIPFamilyPolicies,
        ),
      );
    }
  }

  for (const [i, ip] of clusterIPs.entries()) {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        hasInvalidIPs = true;
        errs.push(
          fieldErrors.invalid(
            clusterIPsField,
            clusterIPsRaw,
            "'None' must be the first and only value",
          ),
        );
      }
      continue;
    }
    const e = ipErrors(ip, clusterIPsField.index(i), oldClusterIPs);
    if (e.length > 0) hasInvalidIPs = true;
    errs.push(...e);
  }

  if (clusterIPs.length > 2)
    errs.push(fieldErrors.invalid(clusterIPsField, clusterIPsRaw, 'may only hold up to 2 values'));
  if (hasInvalidIPs) return errs;

  if (clusterIPs.length > 1) {
    const fams = clusterIPs.map((ip) => parseIP(ip)?.family);
    const dualStack = clusterIPs.length === 2 && fams[0] !== fams[1];
    if (!dualStack)
      errs.push(
        fieldErrors.invalid(
          clusterIPsField,
          clusterIPsRaw,
          'may specify no more than one IP for each IP family',
        ),
      );
  }

  if (!isHeadlessStrict(svc) && clusterIPs.length > 0 && families.length > 0) {
    clusterIPs.forEach((ip, i) => {
      if (i > families.length - 1) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push(
          fieldErrors.invalid(
            clusterIPsField.index(i),
            ip,
            `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
      if (families[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push(
          fieldErrors.invalid(
            clusterIPsField.index(i),
            ip,
            `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}

/** Go's `fmt.Sprintf("%v", []string)`. */
function goSliceString(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

function sourceRangesValid(ranges: readonly string[]): boolean {
  return ranges.every((r) => parseCIDR(r.trim()) !== undefined);
}

function validateSourceRanges(svc: Svc): FieldError[] {
  const spec = specOf(svc);
  const ranges = arr(spec['loadBalancerSourceRanges']).map(str);
  const annotations = rec(rec(svc.metadata)['annotations']);
  const annotationSet = Object.hasOwn(annotations, wellKnown.AnnotationLoadBalancerSourceRanges);
  if (ranges.length === 0 && !annotationSet) return [];
  const errs: FieldError[] = [];
  let path: FieldPath;
  let value: string;
  let valid: boolean;
  if (ranges.length > 0) {
    path = fieldPath('spec', 'LoadBalancerSourceRanges');
    value = goSliceString(ranges);
    valid = sourceRangesValid(ranges);
  } else {
    path = fieldPath('metadata', 'annotations').key(wellKnown.AnnotationLoadBalancerSourceRanges);
    value = str(annotations[wellKnown.AnnotationLoadBalancerSourceRanges]);
    const trimmed = value.trim();
    valid = trimmed === '' || sourceRangesValid(trimmed.split(','));
  }
  if (spec['type'] !== 'LoadBalancer')
    errs.push(fieldErrors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
  if (!valid)
    errs.push(
      fieldErrors.invalid(
        path,
        value,
        'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
      ),
    );
  return errs;
}

/** `validateLoadBalancerClassField` (the create part; the update part is in service-update.ts). */
function validateLoadBalancerClass(svc: Svc): FieldError[] {
  const spec = specOf(svc);
  if (!isSet(spec['loadBalancerClass'])) return [];
  const path = fieldPath('spec', 'loadBalancerClass');
  const errs: FieldError[] = [];
  if (spec['type'] !== 'LoadBalancer')
    errs.push(fieldErrors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
  errs.push(...validateQualifiedName(str(spec['loadBalancerClass']), path));
  return errs;
}

/** `validateServiceExternalTrafficPolicy` (+ healthCheckNodePort). */
export function validateServiceExternalTrafficPolicy(svc: Svc): FieldError[] {
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  const specPath = fieldPath('spec');
  const etp = str(spec['externalTrafficPolicy']);
  if (!externallyAccessible(svc)) {
    if (etp !== '')
      errs.push(
        fieldErrors.invalid(
          specPath.child('externalTrafficPolicy'),
          etp,
          'may only be set for externally-accessible services',
        ),
      );
  } else if (etp === '') {
    errs.push(fieldErrors.required(specPath.child('externalTrafficPolicy')));
  } else if (!supportedTrafficPolicies.includes(etp)) {
    errs.push(
      fieldErrors.notSupported(
        specPath.child('externalTrafficPolicy'),
        etp,
        supportedTrafficPolicies,
      ),
    );
  }
  const hc = num(spec['healthCheckNodePort']);
  if (!needsHealthCheck(svc)) {
    if (hc !== 0) {
      errs.push(
        fieldErrors.invalid(
          specPath.child('healthCheckNodePort'),
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (hc === 0) {
    errs.push(fieldErrors.required(specPath.child('healthCheckNodePort')));
  } else {
    for (const m of isValidPortNum(hc))
      errs.push(fieldErrors.invalid(specPath.child('healthCheckNodePort'), hc, m));
  }
  return errs;
}

/** `validateServiceInternalTrafficFieldsValue`. */
export function validateServiceInternalTrafficFieldsValue(svc: Svc): FieldError[] {
  const spec = specOf(svc);
  const path = fieldPath('spec', 'internalTrafficPolicy');
  const itp = spec['internalTrafficPolicy'];
  const type = spec['type'];
  if (!isSet(itp)) {
    return type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP'
      ? [fieldErrors.required(path)]
      : [];
  }
  const v = str(itp);
  return supportedTrafficPolicies.includes(v)
    ? []
    : [fieldErrors.notSupported(path, v, supportedTrafficPolicies)];
}

function validateServiceTrafficDistribution(svc: Svc): FieldError[] {
  const td = specOf(svc)['trafficDistribution'];
  if (!isSet(td)) return [];
  const v = str(td);
  return supportedTrafficDistribution.includes(v)
    ? []
    : [
        fieldErrors.notSupported(
          fieldPath('spec', 'trafficDistribution'),
          v,
          supportedTrafficDistribution,
        ),
      ];
}

/** The internal `core.ServicePort{Protocol, Port}` key, rendered as upstream's JSON BadValue. */
function servicePortKey(protocol: string, port: number): object {
  return {
    Name: '',
    Protocol: protocol,
    AppProtocol: null,
    Port: port,
    TargetPort: 0,
    NodePort: 0,
  };
}

/**
 * `ValidateService`: every check of reference §1.3 in emission order. `oldClusterIPs` tolerates
 * already-stored IPs under the strict IP rules (update).
 */
export function validateService(svc: Svc, oldClusterIPs: readonly string[] = []): FieldError[] {
  const metaPath = fieldPath('metadata');
  const errs = validateObjectMeta(
    svc.metadata,
    { namespaced: true, nameFn: nameIsDNS1035Label },
    metaPath,
  );
  const annotations = rec(rec(svc.metadata)['annotations']);

  // 2: topology annotations must agree.
  const mode = annotations[wellKnown.AnnotationTopologyMode];
  const hints = annotations[wellKnown.AnnotationTopologyAwareHints];
  if (mode !== undefined && hints !== undefined && mode !== hints) {
    errs.push(
      fieldErrors.invalid(
        metaPath.child('annotations').key(wellKnown.AnnotationTopologyMode),
        str(mode),
        `must match annotations[${wellKnown.AnnotationTopologyAwareHints}] when both are specified`,
      ),
    );
  }

  const spec = specOf(svc);
  const specPath = fieldPath('spec');
  const type = str(spec['type']);
  const ports = arr(spec['ports']);
  const headless = isHeadlessStrict(svc);
  const clusterIPs = arr(spec['clusterIPs']);

  // 3
  if (ports.length === 0 && !headless && type !== 'ExternalName')
    errs.push(fieldErrors.required(specPath.child('ports')));

  // 4
  switch (type) {
    case 'LoadBalancer':
      ports.forEach((p, i) => {
        if (rec(p)['port'] === KubeletPort) {
          errs.push(
            fieldErrors.invalid(
              specPath.child('ports').index(i),
              KubeletPort,
              `may not expose port ${KubeletPort} externally since it is used by kubelet`,
            ),
          );
        }
      });
      if (headless)
        errs.push(
          fieldErrors.invalid(
            specPath.child('clusterIPs').index(0),
            'None',
            "may not be set to 'None' for LoadBalancer services",
          ),
        );
      break;
    case 'NodePort':
      if (headless)
        errs.push(
          fieldErrors.invalid(
            specPath.child('clusterIPs').index(0),
            'None',
            "may not be set to 'None' for NodePort services",
          ),
        );
      break;
    case 'ExternalName': {
      if (clusterIPs.length > 0)
        errs.push(
          fieldErrors.forbidden(
            specPath.child('clusterIPs'),
            'may not be set for ExternalName services',
          ),
        );
      if (arr(spec['ipFamilies']).length > 0)
        errs.push(
          fieldErrors.forbidden(
            specPath.child('ipFamilies'),
            'may not be set for ExternalName services',
          ),
        );
      if (isSet(spec['ipFamilyPolicy']))
        errs.push(
          fieldErrors.forbidden(
            specPath.child('ipFamilyPolicy'),
            'may not be set for ExternalName services',
          ),
        );
      const externalName = str(spec['externalName']);
      const cname = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
      if (cname.length > 0)
        errs.push(...validateDNS1123Subdomain(cname, specPath.child('externalName')));
      else errs.push(fieldErrors.required(specPath.child('externalName')));
      break;
    }
    default:
      break;
  }

  // 5
  const allNames = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(
      ...validateServicePort(
        p,
        { requireName: ports.length > 1, allNames },
        specPath.child('ports').index(i),
      ),
    ),
  );

  // 6
  if (isSet(spec['selector']))
    errs.push(...validateLabels(spec['selector'], specPath.child('selector')));

  // 7, 8
  const affinity = str(spec['sessionAffinity']);
  if (affinity === '') errs.push(fieldErrors.required(specPath.child('sessionAffinity')));
  else if (!supportedSessionAffinity.includes(affinity))
    errs.push(
      fieldErrors.notSupported(
        specPath.child('sessionAffinity'),
        affinity,
        supportedSessionAffinity,
      ),
    );
  if (affinity === 'ClientIP') {
    errs.push(
      ...validateClientIPAffinityConfig(
        spec['sessionAffinityConfig'],
        specPath.child('sessionAffinityConfig'),
      ),
    );
  } else if (affinity === 'None' && isSet(spec['sessionAffinityConfig'])) {
    errs.push(
      fieldErrors.forbidden(
        specPath.child('sessionAffinityConfig'),
        'must not be set when session affinity is None',
      ),
    );
  }

  // 9
  errs.push(...validateServiceClusterIPsRelatedFields(svc, oldClusterIPs));

  // 10
  arr(spec['externalIPs']).forEach((raw, i) => {
    const ip = str(raw);
    const path = specPath.child('externalIPs').index(i);
    const ipErrs = isValidIP(ip).map((m) => fieldErrors.invalid(path, ip, m));
    if (ipErrs.length > 0) errs.push(...ipErrs);
    else errs.push(...nonSpecialIPErrors(ip, true).map((m) => fieldErrors.invalid(path, ip, m)));
  });

  // 11
  if (type === '') errs.push(fieldErrors.required(specPath.child('type')));
  else if (!supportedServiceTypes.includes(type))
    errs.push(fieldErrors.notSupported(specPath.child('type'), type, supportedServiceTypes));

  // 12
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(rec(p)['nodePort']) !== 0) {
        errs.push(
          fieldErrors.forbidden(
            specPath.child('ports').index(i).child('nodePort'),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
      }
    });
  }

  // 13
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(rec(p)['nodePort']);
    if (np === 0) return;
    const key = `${str(rec(p)['protocol'])}/${np}`;
    if (nodePorts.has(key))
      errs.push(fieldErrors.duplicate(specPath.child('ports').index(i).child('nodePort'), np));
    nodePorts.add(key);
  });

  // 14
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    const protocol = str(rec(p)['protocol']);
    const port = num(rec(p)['port']);
    const key = `${protocol}/${port}`;
    if (seenPorts.has(key))
      errs.push(
        fieldErrors.duplicate(specPath.child('ports').index(i), servicePortKey(protocol, port)),
      );
    seenPorts.add(key);
  });

  // 15
  errs.push(...validateSourceRanges(svc));

  // 16
  if (isSet(spec['allocateLoadBalancerNodePorts']) && type !== 'LoadBalancer') {
    errs.push(
      fieldErrors.forbidden(
        specPath.child('allocateLoadBalancerNodePorts'),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  if (type === 'LoadBalancer' && !isSet(spec['allocateLoadBalancerNodePorts'])) {
    errs.push(fieldErrors.required(fieldPath('allocateLoadBalancerNodePorts')));
  }

  // 17, 18, 19
  errs.push(...validateLoadBalancerClass(svc));
  errs.push(...validateServiceExternalTrafficPolicy(svc));
  errs.push(...validateServiceInternalTrafficFieldsValue(svc));
  errs.push(...validateServiceTrafficDistribution(svc));
  return errs;
}
