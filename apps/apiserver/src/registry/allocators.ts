// What the registry needs from ClusterIP and NodePort allocators. The bitmap allocators of
// src/allocators/ (Memory and Redis) satisfy these interfaces; main.ts wires the Redis ones.
import { MemoryClusterIPAllocator, MemoryNodePortAllocator, type ClusterIPClaim } from '../allocators/index.js';

/** Why an allocation failed; the message is upstream's (ipallocator / portallocator errors). */
export type AllocationErrorKind = 'full' | 'allocated' | 'notInRange';

/** An allocation failure (allocators/errors.ts AllocationError); the message is upstream's. */
export interface AllocationError extends Error {
  readonly name: 'AllocationError';
  readonly kind: AllocationErrorKind;
}

export function isAllocationError(err: unknown): err is AllocationError {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AllocationError';
}

/**
 * Allocates service IPs out of one CIDR. `allocate` claims a requested IP, `allocateNext` a free
 * one; both throw AllocationError. `release` of a free or foreign IP is a no-op.
 */
export interface IPAllocator {
  /** The range, e.g. `10.96.0.0/12`. */
  readonly cidr: string;
  allocate(ip: string): Promise<void>;
  allocateNext(): Promise<string>;
  /**
   * allocateNext deferred into the create that stores the IP (storage with bitmapClaims); only
   * allocators whose bitmap lives in that storage's Redis have it.
   */
  readonly claimNext?: () => ClusterIPClaim;
  release(ip: string): Promise<void>;
}

/** Allocates NodePorts out of one range (`30000-32767`). Same contract as IPAllocator. */
export interface PortAllocator {
  readonly range: string;
  allocate(port: number): Promise<void>;
  allocateNext(): Promise<number>;
  release(port: number): Promise<void>;
}

export interface ServiceAllocators {
  readonly clusterIP: IPAllocator;
  readonly nodePort: PortAllocator;
}

export function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function intToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface ParsedCIDR {
  /** Network address as an integer. */
  readonly network: number;
  /** Number of addresses in the range (2^(32-bits)). */
  readonly size: number;
}

export function parseCIDR(cidr: string): ParsedCIDR {
  const [ip = '', bitsStr = ''] = cidr.split('/');
  const addr = ipv4ToInt(ip);
  const bits = Number(bitsStr);
  if (addr === undefined || !Number.isInteger(bits) || bits < 0 || bits > 30 || bitsStr === '') {
    throw new RangeError(`invalid IPv4 CIDR "${cidr}"`);
  }
  const size = 2 ** (32 - bits);
  return { network: Math.floor(addr / size) * size, size };
}

/** The first usable IP of a range (`GetIndexedIP(range, 1)`): the `kubernetes` Service's IP. */
export function firstServiceIP(cidr: string): string {
  return intToIPv4(parseCIDR(cidr).network + 1);
}

export function parsePortRange(range: string): { base: number; size: number } {
  const m = /^(\d+)-(\d+)$/.exec(range.trim());
  const base = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || base < 1 || last > 65535 || last < base) throw new RangeError(`invalid port range "${range}"`);
  return { base, size: last - base + 1 };
}

/** In-process allocators (component tests, REDIS_URL unset): the allocators/ bitmap implementations. */
export function memoryAllocators(serviceCIDR: string, nodePortRange: string): ServiceAllocators {
  return { clusterIP: new MemoryClusterIPAllocator(serviceCIDR), nodePort: new MemoryNodePortAllocator(nodePortRange) };
}
