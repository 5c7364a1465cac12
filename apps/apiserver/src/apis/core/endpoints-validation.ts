// Endpoints validation (pkg/apis/core/validation/validation.go: ValidateEndpoints,
// validateEndpointSubsets, validateEndpointAddress, validateEndpointPort) and v1 defaulting.
import type { Endpoints } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath, type FieldPath } from '@svclab/apimachinery';
import { arr, isRecord, isSet, optStr, rec, str } from '../meta/accessors.js';
import { isValidIP, isValidPortNum, nonSpecialIPErrors, parseIP } from '../meta/ip-validation.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from '../meta/name-validation.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../meta/validation.js';
import { validateDNS1123Label, validateQualifiedName } from './service-validation.js';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

/** `SetDefaults_EndpointPort`: protocol TCP. */
export function setEndpointsDefaults(ep: Endpoints): void {
  for (const ss of arr(ep.subsets)) {
    for (const p of arr(rec(ss)['ports']))
      if (isRecord(p) && (p['protocol'] === undefined || p['protocol'] === ''))
        p['protocol'] = 'TCP';
  }
}

function validateEndpointAddress(raw: unknown, path: FieldPath): FieldError[] {
  const a = rec(raw);
  const ip = str(a['ip']);
  const hostname = str(a['hostname']);
  const nodeName = optStr(a['nodeName']);
  // NOTE: hot path (up to 1000 addresses per write): a clean address with no hostname and a valid
  // node name needs no paths and no messages.
  const parsed = parseIP(ip);
  const cleanIP =
    parsed !== undefined &&
    !parsed.leadingZeros &&
    !parsed.ipv4Mapped &&
    nonSpecialIPErrors(ip, true, parsed).length === 0;
  if (
    cleanIP &&
    hostname === '' &&
    (nodeName === undefined || isDNS1123Subdomain(nodeName).length === 0)
  )
    return [];
  const errs = isValidIP(ip).map((m) => fieldErrors.invalid(path.child('ip'), ip, m));
  if (hostname !== '') errs.push(...validateDNS1123Label(hostname, path.child('hostname')));
  if (nodeName !== undefined)
    for (const m of isDNS1123Subdomain(nodeName))
      errs.push(fieldErrors.invalid(path.child('nodeName'), nodeName, m));
  // svclab: pod addresses are loopback (127.244.N.x), so the loopback rule is relaxed.
  errs.push(
    ...nonSpecialIPErrors(ip, true).map((m) => fieldErrors.invalid(path.child('ip'), ip, m)),
  );
  return errs;
}

function validateEndpointPort(raw: unknown, requireName: boolean, path: FieldPath): FieldError[] {
  const p = rec(raw);
  const errs: FieldError[] = [];
  const name = str(p['name']);
  if (requireName && name === '') errs.push(fieldErrors.required(path.child('name')));
  else if (name !== '') errs.push(...validateDNS1123Label(name, path.child('name')));
  const port = p['port'];
  for (const m of isValidPortNum(port))
    errs.push(fieldErrors.invalid(path.child('port'), typeof port === 'number' ? port : 0, m));
  const protocol = str(p['protocol']);
  if (protocol === '') errs.push(fieldErrors.required(path.child('protocol')));
  else if (!supportedPortProtocols.includes(protocol))
    errs.push(fieldErrors.notSupported(path.child('protocol'), protocol, supportedPortProtocols));
  const appProtocol = optStr(p['appProtocol']);
  if (appProtocol !== undefined)
    errs.push(...validateQualifiedName(appProtocol, path.child('appProtocol')));
  return errs;
}

/** `validateEndpointSubsets`. */
export function validateEndpointSubsets(subsets: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(subsets).forEach((raw, i) => {
    const ss = rec(raw);
    const idx = path.index(i);
    const addresses = arr(ss['addresses']);
    const notReady = arr(ss['notReadyAddresses']);
    if (addresses.length === 0 && notReady.length === 0)
      errs.push(fieldErrors.required(idx, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, idx.child('addresses').index(j))),
    );
    notReady.forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, idx.child('notReadyAddresses').index(j))),
    );
    const ports = arr(ss['ports']);
    ports.forEach((p, j) =>
      errs.push(...validateEndpointPort(p, ports.length > 1, idx.child('ports').index(j))),
    );
  });
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(
    ep.metadata,
    { namespaced: true, nameFn: nameIsDNSSubdomain },
    fieldPath('metadata'),
  );
  if (isSet(ep.subsets) && !Array.isArray(ep.subsets))
    errs.push(fieldErrors.invalid(fieldPath('subsets'), ep.subsets, 'must be a list'));
  errs.push(...validateEndpointSubsets(ep.subsets, fieldPath('subsets')));
  return errs;
}

export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ep.metadata, old.metadata, fieldPath('metadata')),
    ...validateEndpointSubsets(ep.subsets, fieldPath('subsets')),
  ];
}
