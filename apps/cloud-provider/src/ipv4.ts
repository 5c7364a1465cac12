// IPv4 helpers for the pool and source ranges: dotted quads ↔ 32-bit unsigned numbers, CIDRs.

/** An IPv4 CIDR as numbers: `base` is the network address, `size` the number of addresses. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly prefix: number;
  readonly size: number;
}

/** The 32-bit value of a dotted quad, or undefined when `s` is not one. */
export function parseIpv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** `a.b.c.d/n` → its network; a bare address is a /32. Undefined when malformed or IPv6. */
export function parseCidr(s: string): Ipv4Cidr | undefined {
  const [addr, bits, extra] = s.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIpv4(addr);
  const prefix = bits === undefined ? 32 : /^\d{1,2}$/.test(bits) ? Number(bits) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix, size };
}

export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}

/** Strips an IPv4-mapped IPv6 prefix (`::ffff:127.0.0.1`), as node reports dual-stack sockets. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
