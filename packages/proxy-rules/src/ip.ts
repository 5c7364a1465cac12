// IPv4 address and CIDR helpers: parse, normalise and match, as net.ParseIP / net.ParseCIDR do.

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit number; undefined when invalid. */
export function parseIPv4(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 48);
      if (part > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + part;
}

export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Cidr {
  /** Network address (host bits cleared), unsigned. */
  readonly base: number;
  readonly bits: number;
  /** Normalised text, as Go's (*net.IPNet).String() prints it: `10.0.0.0/8`. */
  readonly text: string;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses `a.b.c.d/n` (surrounding whitespace allowed, as MapCIDRsByIPFamily trims); IPv4 only. */
export function parseCIDR(raw: string): Cidr | undefined {
  const s = raw.trim();
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > 32) return undefined;
  const base = (ip & maskOf(bits)) >>> 0;
  return { base, bits, text: `${formatIPv4(base)}/${bits}` };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.bits)) >>> 0 === cidr.base;
}

/**
 * Whether `ip` matches an iptables address spec (`1.2.3.4` or `10.0.0.0/8`).
 * Unparseable specs or addresses never match.
 */
export function addressMatches(spec: string, ip: string): boolean {
  const n = parseIPv4(ip);
  if (n === undefined) return false;
  if (spec.includes('/')) {
    const c = parseCIDR(spec);
    return c !== undefined && cidrContains(c, n);
  }
  return parseIPv4(spec) === n;
}

/** `ip:port` as net.JoinHostPort prints an IPv4 endpoint. */
export function joinHostPort(ip: string, port: number): string {
  return `${ip}:${port}`;
}
