// Name grammar of the kubernetes plugin (CoreDNS plugin/kubernetes/parse.go parseRequest) and the
// helpers around it: zone matching and reverse-name extraction (plugin/pkg/dnsutil).
import { isIP } from 'node:net';

export const Svc = 'svc';
export const Pod = 'pod';

/** Thrown-free result of parseRequest; `invalid` is CoreDNS errInvalidRequest (a name error). */
export interface RecordRequest {
  /** "svc", "pod" or "" (empty request: apex, svc.<zone>, pod.<zone>). */
  readonly podOrSvc: string;
  readonly namespace: string;
  readonly service: string;
  readonly endpoint: string;
  readonly port: string;
  readonly protocol: string;
  readonly invalid: boolean;
}

const EMPTY: RecordRequest = {
  podOrSvc: '',
  namespace: '',
  service: '',
  endpoint: '',
  port: '',
  protocol: '',
  invalid: false,
};

const stripUnderscore = (s: string): string => (s.startsWith('_') ? s.slice(1) : s);

/** Splits `name` (lower case, no trailing dot) minus `zone` into the request parts. */
export function parseRequest(name: string, zone: string): RecordRequest {
  const base = trimZone(name, zone);
  if (base === '' || base === Svc || base === Pod) return EMPTY;
  const segs = base.split('.');
  let last = segs.length - 1;
  const podOrSvc = segs[last] ?? '';
  if (podOrSvc !== Pod && podOrSvc !== Svc) return { ...EMPTY, podOrSvc, invalid: true };
  last--;
  const namespace = segs[last] ?? '';
  last--;
  const service = last >= 0 ? (segs[last] ?? '') : '';
  last--;
  if (last < 0) return { ...EMPTY, podOrSvc, namespace, service };
  if (last === 0) return { ...EMPTY, podOrSvc, namespace, service, endpoint: segs[0] ?? '' };
  if (last === 1) {
    return {
      ...EMPTY,
      podOrSvc,
      namespace,
      service,
      port: stripUnderscore(segs[0] ?? ''),
      protocol: stripUnderscore(segs[1] ?? ''),
    };
  }
  return { ...EMPTY, podOrSvc, namespace, service, invalid: true };
}

/** `name` without `.zone` ("" when name is the zone). Both lower case, no trailing dot. */
export function trimZone(name: string, zone: string): string {
  if (name === zone) return '';
  if (zone === '') return name;
  return name.slice(0, name.length - zone.length - 1);
}

/** True when `name` equals `zone` or is below it (both lower case, no trailing dot; "" is the root). */
export function isSubDomain(zone: string, name: string): boolean {
  return zone === '' || name === zone || name.endsWith(`.${zone}`);
}

/** The longest of `zones` that `name` is in, or undefined (plugin.Zones.Matches). */
export function matchZone(zones: readonly string[], name: string): string | undefined {
  let best: string | undefined;
  for (const z of zones)
    if (isSubDomain(z, name) && (best === undefined || z.length > best.length)) best = z;
  return best;
}

export function isReverseZone(zone: string): boolean {
  return zone.endsWith('in-addr.arpa') || zone.endsWith('ip6.arpa');
}

/** IPv6 in canonical (RFC 5952) form, as Go's net.IP.String() prints it. */
export function canonicalIP(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

/** dnsutil.ExtractAddressFromReverse: "4.3.2.1.in-addr.arpa" → "1.2.3.4"; "" if not a full reverse name. */
export function extractAddressFromReverse(name: string): string {
  if (name.endsWith('.in-addr.arpa')) {
    const labels = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
    const ip = labels.join('.');
    return isIP(ip) === 4 ? ip : '';
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.').reverse();
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return '';
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(''));
    return canonicalIP(groups.join(':'));
  }
  return '';
}

/** Pod label → IP: exactly three '-' and no "--" is IPv4, else '-' → ':' (findPods). "" if not an IP. */
export function podLabelToIP(label: string): string {
  const dashes = label.split('-').length - 1;
  const ip =
    dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIP(ip) === 0 ? '' : ip;
}

/** The reverse name of an IP, for tests and PTR helpers. */
export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const full = expandIPv6(ip);
  return `${full.replaceAll(':', '').split('').reverse().join('.')}.ip6.arpa`;
}

function expandIPv6(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const fill = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => g.padStart(4, '0')).join(':');
}
