// IP, CIDR and port validators (k8s.io/apimachinery/pkg/util/validation, k8s.io/utils/net).
import { inclusiveRangeError, maxLenError } from './name-validation.js';

export type IPFamilyName = 'IPv4' | 'IPv6';

/** A parsed address: 4 bytes for IPv4, 16 for IPv6 (an IPv4-mapped IPv6 address keeps 16). */
export interface ParsedIP {
  readonly family: IPFamilyName;
  readonly bytes: readonly number[];
  /** True when the text had an IPv4 octet with a leading zero (`010.0.0.1`). */
  readonly leadingZeros: boolean;
  /** `::ffff:a.b.c.d`. */
  readonly ipv4Mapped: boolean;
}

/** Hot path (every endpoint address): a char-code scan, no split or regex. */
function parseIPv4(s: string): { bytes: number[]; leadingZeros: boolean } | undefined {
  const bytes: number[] = [];
  let leadingZeros = false;
  let value = 0;
  let digits = 0;
  let first = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // a virtual '.' ends the last octet
    if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      value = value * 10 + (c - 48);
      digits++;
      if (digits > 8) return undefined;
    } else if (c === 46) {
      if (digits === 0 || value > 255 || bytes.length === 4) return undefined;
      if (digits > 1 && first === 48) leadingZeros = true;
      bytes.push(value);
      value = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return bytes.length === 4 ? { bytes, leadingZeros } : undefined;
}

function parseIPv6(s: string): { bytes: number[]; leadingZeros: boolean } | undefined {
  if (s.includes('%')) return undefined;
  let leadingZeros = false;
  let tail: number[] = [];
  let text = s;
  // An embedded IPv4 address in the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    leadingZeros = v4.leadingZeros;
    tail = v4.bytes;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const bytes: number[] = [];
  for (const g of all) bytes.push(g >> 8, g & 0xff);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return { bytes, leadingZeros };
}

/** `netutils.ParseIPSloppy`: accepts IPv4 octets with leading zeros (as decimal); no zones. */
export function parseIP(s: unknown): ParsedIP | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  if (!s.includes(':')) {
    const v4 = parseIPv4(s);
    return (
      v4 && { family: 'IPv4', bytes: v4.bytes, leadingZeros: v4.leadingZeros, ipv4Mapped: false }
    );
  }
  const v6 = parseIPv6(s);
  if (v6 === undefined) return undefined;
  const mapped =
    v6.bytes.slice(0, 10).every((b) => b === 0) && v6.bytes[10] === 0xff && v6.bytes[11] === 0xff;
  // Go treats an IPv4-mapped IPv6 address as IPv4 for family purposes.
  return {
    family: mapped ? 'IPv4' : 'IPv6',
    bytes: v6.bytes,
    leadingZeros: v6.leadingZeros,
    ipv4Mapped: mapped,
  };
}

export function ipFamilyOf(s: string): IPFamilyName | undefined {
  return parseIP(s)?.family;
}

export function isIPv6String(s: string): boolean {
  return parseIP(s)?.family === 'IPv6';
}

export const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/**
 * `IsValidIP` (IsValidIPForLegacyField with strict validation): the messages for a new value.
 * An invalid IP gives only the first message; a sloppy-but-parseable one gives the strict messages.
 */
export function isValidIP(value: string): string[] {
  const ip = parseIP(value);
  if (ip === undefined) return [invalidIPMessage];
  const errs: string[] = [];
  if (ip.leadingZeros) errs.push('must not have leading 0s');
  if (ip.ipv4Mapped) errs.push('must not be an IPv4-mapped IPv6 address');
  return errs;
}

/** `IsValidIPv4Address`: sloppy parse, and `To4() != nil` (so an IPv4-mapped IPv6 address passes). */
export function isValidIPv4Address(value: string): string[] {
  return parseIP(value)?.family === 'IPv4' ? [] : ['must be a valid IPv4 address'];
}

/** `IsValidIPv6Address`: sloppy parse, and `To4() == nil`. */
export function isValidIPv6Address(value: string): string[] {
  const ip = parseIP(value);
  return ip === undefined || ip.family !== 'IPv6' ? ['must be a valid IPv6 address'] : [];
}

function v4Of(ip: ParsedIP): readonly number[] | undefined {
  if (ip.bytes.length === 4) return ip.bytes;
  return ip.ipv4Mapped ? ip.bytes.slice(12) : undefined;
}

/**
 * `ValidateNonSpecialIP` messages for a parseable address. `allowLoopback` is svclab's one
 * deviation: every svclab address is loopback (127.0.0.0/8), so callers that validate pod or
 * external addresses pass true.
 */
export function nonSpecialIPErrors(
  value: string,
  allowLoopback = false,
  parsed?: ParsedIP,
): string[] {
  const ip = parsed ?? parseIP(value);
  if (ip === undefined) return ['must be a valid IP address'];
  const errs: string[] = [];
  const v4 = v4Of(ip);
  const b = ip.bytes;
  const unspecified = v4 ? v4.every((x) => x === 0) : b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = v4
    ? v4[0] === 169 && v4[1] === 254
    : b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80;
  const linkLocalMulticast = v4
    ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0
    : b[0] === 0xff && ((b[1] ?? 0) & 0x0f) === 0x02;
  if (unspecified) errs.push(`may not be unspecified (${value})`);
  if (loopback && !allowLoopback)
    errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (linkLocalUnicast) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (linkLocalMulticast)
    errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}

export interface ParsedCIDR {
  readonly ip: ParsedIP;
  readonly prefix: number;
}

/** `netutils.ParseCIDRSloppy`: `ip/prefix` with a decimal prefix in range for the family. */
export function parseCIDR(s: unknown): ParsedCIDR | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (ip === undefined || !/^[0-9]{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  const max = ip.family === 'IPv4' && !ip.ipv4Mapped ? 32 : 128;
  if (prefix > max) return undefined;
  return { ip, prefix };
}

/** `IsValidCIDR`. */
export function isValidCIDR(value: string): string[] {
  const c = parseCIDR(value);
  if (c === undefined) return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  return c.ip.leadingZeros ? ['must not have leading 0s in IP'] : [];
}

/** `IsValidPortNum`. */
export function isValidPortNum(port: unknown): string[] {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535
    ? []
    : [inclusiveRangeError(1, 65535)];
}

/** `IsInRange`-style check used for nodePort-like fields that may be 0. */
export function isValidPortNumOrZero(port: unknown): string[] {
  return port === 0 ? [] : isValidPortNum(port);
}

/** `IsValidPortName` (IANA_SVC_NAME): each failing rule is its own message. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-')))
    errs.push('must not begin or end with a hyphen');
  return errs;
}
