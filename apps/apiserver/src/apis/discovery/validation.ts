// discovery.k8s.io EndpointSlice defaulting and validation (pkg/apis/discovery/validation/validation.go,
// pkg/apis/discovery/v1/defaults.go).
import type { EndpointSlice } from '@svclab/api';
import { type FieldError, fieldErrors, fieldPath, type FieldPath } from '@svclab/apimachinery';
import { arr, isRecord, isSet, optStr, rec, str } from '../meta/accessors.js';
import {
  isValidIPv4Address,
  isValidIPv6Address,
  nonSpecialIPErrors,
  parseIP,
} from '../meta/ip-validation.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from '../meta/name-validation.js';
import {
  validateImmutableField,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../meta/validation.js';
import { validateDNS1123Label, validateQualifiedName } from '../core/service-validation.js';

/** Per-object limits (discovery validation constants). */
export const maxEndpoints = 1000;
export const maxAddresses = 100;
export const maxPorts = 100;
export const maxTopologyLabels = 16;
export const maxZoneHints = 8;

const supportedAddressTypes = ['FQDN', 'IPv4', 'IPv6'];
const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

/** `SetDefaults_EndpointPort`: name "" and protocol TCP. */
export function setEndpointSliceDefaults(slice: EndpointSlice): void {
  for (const p of arr(slice.ports)) {
    if (!isRecord(p)) continue;
    if (p['name'] === undefined || p['name'] === null) p['name'] = '';
    if (p['protocol'] === undefined || p['protocol'] === null || p['protocol'] === '')
      p['protocol'] = 'TCP';
  }
}

function tooMany(path: FieldPath, actual: number, max: number): FieldError {
  return fieldErrors.tooMany(path, actual, `must have at most ${max} items`);
}

/** `IsFullyQualifiedDomainName`. */
function fqdnErrors(value: string, path: FieldPath): FieldError[] {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const errs = isDNS1123Subdomain(name).map((m) => fieldErrors.invalid(path, name, m));
  if (errs.length > 0) return errs;
  const labels = name.split('.');
  if (labels.length < 2)
    return [
      fieldErrors.invalid(
        path,
        name,
        'should be a domain with at least two segments separated by dots',
      ),
    ];
  for (const l of labels) {
    const m = isDNS1123Label(l)[0];
    if (m !== undefined) errs.push(fieldErrors.invalid(path, l, m));
  }
  return errs;
}

/** Addresses that need no messages: valid for the type and not special (the common case, checked once). */
function cleanIP(address: string, addressType: string): boolean {
  const ip = parseIP(address);
  return (
    ip !== undefined &&
    ip.family === addressType &&
    (addressType === 'IPv6' || ip.bytes.length === 4) &&
    nonSpecialIPErrors(address, true, ip).length === 0
  );
}

function validateEndpoints(endpoints: unknown, addressType: string, path: FieldPath): FieldError[] {
  const list = arr(endpoints);
  if (list.length > maxEndpoints) return [tooMany(path, list.length, maxEndpoints)];
  const errs: FieldError[] = [];
  // Slices repeat a handful of node names; each is checked once per call.
  const goodNodeNames = new Set<string>();
  // NOTE: hot loop (up to 1000 endpoints per write): plain loops, no per-item closures, and paths
  // are built only when an error needs one.
  for (let i = 0; i < list.length; i++) {
    const ep = rec(list[i]);
    const addresses = arr(ep['addresses']);
    if (addresses.length === 0)
      errs.push(
        fieldErrors.required(path.index(i).child('addresses'), 'must contain at least 1 address'),
      );
    else if (addresses.length > maxAddresses)
      errs.push(tooMany(path.index(i).child('addresses'), addresses.length, maxAddresses));
    for (let j = 0; j < addresses.length; j++) {
      const address = str(addresses[j]);
      if (addressType === 'IPv4' || addressType === 'IPv6') {
        if (cleanIP(address, addressType)) continue;
        const p = path.index(i).child('addresses').index(j);
        const msgs =
          addressType === 'IPv4' ? isValidIPv4Address(address) : isValidIPv6Address(address);
        for (const m of msgs) errs.push(fieldErrors.invalid(p, address, m));
        // ValidateEndpointIP. svclab: pod addresses are loopback, so the loopback rule is relaxed.
        for (const m of nonSpecialIPErrors(address, true))
          errs.push(fieldErrors.invalid(p, address, m));
      } else if (addressType === 'FQDN') {
        errs.push(...fqdnErrors(address, path.index(i).child('addresses').index(j)));
      }
    }
    const nodeName = optStr(ep['nodeName']);
    if (nodeName !== undefined && !goodNodeNames.has(nodeName)) {
      const msgs = isDNS1123Subdomain(nodeName);
      for (const m of msgs)
        errs.push(fieldErrors.invalid(path.index(i).child('nodeName'), nodeName, m));
      if (msgs.length === 0) goodNodeNames.add(nodeName);
    }
    const topology = ep['deprecatedTopology'];
    if (isSet(topology))
      errs.push(...validateTopology(topology, path.index(i).child('deprecatedTopology')));
    const hostname = optStr(ep['hostname']);
    if (hostname !== undefined)
      errs.push(...validateDNS1123Label(hostname, path.index(i).child('hostname')));
    if (isSet(ep['hints'])) errs.push(...validateHints(ep['hints'], path.index(i).child('hints')));
  }
  return errs;
}

function validateTopology(topology: unknown, topoPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const keys = Object.keys(rec(topology));
  if (keys.length > maxTopologyLabels) errs.push(tooMany(topoPath, keys.length, maxTopologyLabels));
  errs.push(...validateLabels(topology, topoPath));
  if (keys.includes('topology.kubernetes.io/zone')) {
    errs.push(
      fieldErrors.internal(
        topoPath.key('topology.kubernetes.io/zone'),
        'reserved key was not removed in conversion',
      ),
    );
  }
  return errs;
}

/** `validateHints`: ≤ 8 zone hints, unique, each a label value. */
function validateHints(hints: unknown, path: FieldPath): FieldError[] {
  const fzPath = path.child('forZones');
  const zones = arr(rec(hints)['forZones']);
  if (zones.length > maxZoneHints) return [tooMany(fzPath, zones.length, maxZoneHints)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const name = str(rec(z)['name']);
    const zonePath = fzPath.index(i).child('name');
    if (seen.has(name)) errs.push(fieldErrors.duplicate(zonePath, name));
    else seen.add(name);
    for (const m of isValidLabelValue(name)) errs.push(fieldErrors.invalid(zonePath, name, m));
  });
  return errs;
}

function validatePorts(ports: unknown, path: FieldPath): FieldError[] {
  const list = arr(ports);
  if (list.length > maxPorts) return [tooMany(path, list.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const p = rec(raw);
    const idx = path.index(i);
    const name = str(p['name']);
    if (name !== '') errs.push(...validateDNS1123Label(name, idx.child('name')));
    if (names.has(name)) errs.push(fieldErrors.duplicate(idx.child('name'), name));
    else names.add(name);
    const protocol = p['protocol'];
    if (!isSet(protocol)) errs.push(fieldErrors.required(idx.child('protocol')));
    else if (!supportedPortProtocols.includes(str(protocol)))
      errs.push(
        fieldErrors.notSupported(idx.child('protocol'), str(protocol), supportedPortProtocols),
      );
    const appProtocol = optStr(p['appProtocol']);
    if (appProtocol !== undefined)
      errs.push(...validateQualifiedName(appProtocol, idx.child('appProtocol')));
  });
  return errs;
}

function validateAddressType(addressType: unknown): FieldError[] {
  const t = str(addressType);
  if (t === '') return [fieldErrors.required(fieldPath('addressType'))];
  return supportedAddressTypes.includes(t)
    ? []
    : [fieldErrors.notSupported(fieldPath('addressType'), t, supportedAddressTypes)];
}

/** `ValidateEndpointSliceCreate`. */
export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const addressType = str((slice as { addressType?: unknown }).addressType);
  return [
    ...validateObjectMeta(
      slice.metadata,
      { namespaced: true, nameFn: nameIsDNSSubdomain },
      fieldPath('metadata'),
    ),
    ...validateAddressType(addressType),
    ...validateEndpoints(slice.endpoints, addressType, fieldPath('endpoints')),
    ...validatePorts(slice.ports, fieldPath('ports')),
  ];
}

/** `ValidateEndpointSliceUpdate`: addressType is immutable. */
export function validateEndpointSliceUpdate(
  slice: EndpointSlice,
  old: EndpointSlice,
): FieldError[] {
  const addressType = str((slice as { addressType?: unknown }).addressType);
  return [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata, fieldPath('metadata')),
    ...validateAddressType(addressType),
    ...validateEndpoints(slice.endpoints, addressType, fieldPath('endpoints')),
    ...validatePorts(slice.ports, fieldPath('ports')),
    ...validateImmutableField(slice.addressType, old.addressType, fieldPath('addressType')),
  ];
}
