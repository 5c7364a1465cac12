// IP helpers in the spirit of k8s.io/utils/net: family detection, re-stringification
// (ParseIPSloppy + String) and the 16-byte form used to sort addresses.
import { isIPv4, isIPv6 } from 'node:net';

/** Parses v4 with leading zeros allowed (ParseIPSloppy) into 4 bytes, or undefined. */
function parseIPv4Sloppy(s: string): number[] | undefined {
  // One pass over the characters (no split/regex): this runs for every pod IP of every sync.
  const out: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // the end closes the last part like a '.'
    if (c === 46) {
      if (digits === 0 || n > 255 || out.length === 4) return undefined;
      out.push(n);
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      n = n * 10 + c - 48;
    } else {
      return undefined;
    }
  }
  return out.length === 4 ? out : undefined;
}

/** Parses an IPv6 literal (with optional embedded v4 tail) into 16 bytes, or undefined. */
function parseIPv6(s: string): number[] | undefined {
  if (!isIPv6(s)) return undefined;
  let head = s;
  let tail4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4Sloppy(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail4 = v4;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  const left = halves[0] ?? '';
  const right = halves[1];
  const groups = (x: string): number[] =>
    x === '' ? [] : x.split(':').map((g) => Number.parseInt(g, 16));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const words =
    right === undefined ? l : [...l, ...Array<number>(8 - l.length - r.length).fill(0), ...r];
  if (words.length !== 8) return undefined;
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail4.length === 4) bytes.splice(12, 4, ...tail4);
  return bytes;
}

const v4MappedPrefix = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** The 16-byte form of an IP (v4 as ::ffff:a.b.c.d), or undefined when it does not parse. */
export function ipTo16(ip: string): number[] | undefined {
  const v4 = parseIPv4Sloppy(ip);
  if (v4 !== undefined) return [...v4MappedPrefix, ...v4];
  return parseIPv6(ip);
}

function is4In6(b: readonly number[]): boolean {
  return v4MappedPrefix.every((x, i) => b[i] === x);
}

/** utilnet.IsIPv6String: true only for a valid IP that is not IPv4 (or v4-mapped). */
export function isIPv6String(ip: string): boolean {
  if (!ip.includes(':')) return false; // every IPv6 literal has a colon
  const b = ipTo16(ip);
  return b !== undefined && !is4In6(b);
}

/** ParseIPSloppy(ip).String(): canonical text, or undefined when `ip` is not an IP. */
export function canonicalIP(ip: string): string | undefined {
  if (!ip.includes(':')) return parseIPv4Sloppy(ip)?.join('.'); // v4 (or nothing)
  const b = ipTo16(ip);
  if (b === undefined) return undefined;
  if (is4In6(b)) return b.slice(12).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952: compress the longest run (>= 2) of zero words, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** bytes.Compare over the 16-byte forms; unparsable addresses sort first. */
export function compareIPs(a: string, b: string): number {
  const x = ipTo16(a) ?? [];
  const y = ipTo16(b) ?? [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export { isIPv4 };
