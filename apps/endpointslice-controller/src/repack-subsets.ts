// endpoints.RepackSubsets and SortSubsets (pkg/api/v1/endpoints/util.go): group addresses by
// identical port sets, keep "not ready" when an address is not ready for any port, and sort
// addresses (IP bytes, then targetRef UID), ports and subsets (by hash) into a canonical form.
import type { EndpointAddress, EndpointPort, EndpointSubset } from '@svclab/api';
import { deepHash } from './deep-hash.js';
import { compareIPs, ipTo16 } from './ip.js';

/** Port sentinel for subsets without ports (headless Services without ports). */
const noPort: EndpointPort = { port: -1 };

/** Identity of a port for grouping: every EndpointPort field (absent ≡ undefined). */
const portKey = (p: EndpointPort): string =>
  JSON.stringify([p.name, p.port, p.protocol, p.appProtocol]);

/** The copy structuredClone would make of an EndpointAddress (input may be cached and frozen). */
const copyAddress = (a: EndpointAddress): EndpointAddress =>
  a.targetRef === undefined ? { ...a } : { ...a, targetRef: { ...a.targetRef } };

const addrKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

/** addrsByIPAndUID ordering. */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const byIP = compareIPs(a.ip, b.ip);
  if (byIP !== 0) return byIP;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** Sorts a copy as compareAddresses does, parsing each IP once (not once per comparison). */
function sortAddresses(addrs: readonly EndpointAddress[]): EndpointAddress[] {
  if (addrs.length < 2) return [...addrs];
  const keyed = addrs.map((a) => ({ a, ip: ipTo16(a.ip) ?? [], uid: a.targetRef?.uid ?? '' }));
  keyed.sort((x, y) => {
    for (let i = 0; i < Math.max(x.ip.length, y.ip.length); i++) {
      const d = (x.ip[i] ?? -1) - (y.ip[i] ?? -1);
      if (d !== 0) return d;
    }
    return cmp(x.uid, y.uid);
  });
  return keyed.map((k) => k.a);
}

/** SortSubsets: a new array of new subsets; the input is not touched. */
export function sortSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const out = subsets.map((ss) => {
    const s: EndpointSubset = {};
    if (ss.addresses !== undefined) s.addresses = sortAddresses(ss.addresses);
    if (ss.notReadyAddresses !== undefined)
      s.notReadyAddresses = sortAddresses(ss.notReadyAddresses);
    if (ss.ports !== undefined)
      s.ports = [...ss.ports].sort((x, y) => cmp(deepHash(x), deepHash(y)));
    return s;
  });
  return out.sort((x, y) => cmp(deepHash(x), deepHash(y)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RepackSubsets: the canonical N-to-M packing of addresses and ports. */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  // port (canonical JSON) → { port, address key → ready }
  const byPort = new Map<string, { port: EndpointPort; ready: Map<string, boolean> }>();

  const mapAddress = (addr: EndpointAddress, port: EndpointPort, ready: boolean): void => {
    const k = addrKey(addr);
    if (!allAddrs.has(k)) allAddrs.set(k, copyAddress(addr));
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (entry === undefined) {
      entry = { port, ready: new Map() };
      byPort.set(pk, entry);
    }
    // Not ready always trumps ready.
    const was = entry.ready.get(k);
    if (was === undefined || was) entry.ready.set(k, ready);
  };

  for (const ss of subsets) {
    const ports = ss.ports !== undefined && ss.ports.length > 0 ? ss.ports : [noPort];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) mapAddress(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) mapAddress(a, port, false);
    }
  }

  // Group ports by their (address, ready) set.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    // One port (the usual Service): one group, no key needed to find it.
    const key =
      byPort.size === 1 ? '' : JSON.stringify([...ready.entries()].sort(([a], [b]) => cmp(a, b)));
    let g = groups.get(key);
    if (g === undefined) {
      g = { ready, ports: [] };
      groups.set(key, g);
    }
    if (port.port > 0) g.ports.push(port);
  }

  const final: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const readyAddrs: EndpointAddress[] = [];
    const notReadyAddrs: EndpointAddress[] = [];
    for (const [k, ready] of g.ready) {
      const a = allAddrs.get(k);
      if (a === undefined) continue;
      (ready ? readyAddrs : notReadyAddrs).push(a);
    }
    const s: EndpointSubset = {};
    if (readyAddrs.length > 0) s.addresses = readyAddrs;
    if (notReadyAddrs.length > 0) s.notReadyAddresses = notReadyAddrs;
    if (g.ports.length > 0) s.ports = g.ports;
    final.push(s);
  }
  return sortSubsets(final);
}
