// ClusterIP allocation from `--service-cluster-ip-range`, as upstream's bitmap ipallocator
// (pkg/registry/core/service/ipallocator/bitmap.go): never the network or broadcast address,
// offset k ↔ network+1+k, a static band at the bottom (KEP-3070) that dynamic allocation uses last.
import type { Redis } from 'ioredis';
import type { BitmapClaim } from '../storage/interface.js';
import {
  MemoryBitmap,
  RedisBitmap,
  type AllocationBitmap,
  type BitmapShape,
  type RandomInt,
} from './bitmap.js';
import { AlreadyAllocatedError, NotInRangeError, RangeFullError } from './errors.js';

/** svclab's local default; upstream kubeadm uses 10.96.0.0/12 (compose mode). */
export const DefaultServiceClusterIPRange = '127.96.0.0/12';

/**
 * Hands out ClusterIPs from one range. Implementations are safe to share between concurrent
 * requests; the Redis one also between apiserver replicas on one Redis.
 * Errors: AlreadyAllocatedError, NotInRangeError (allocate), RangeFullError (allocateNext).
 */
export interface ClusterIPAllocator {
  /** The range as configured, e.g. `127.96.0.0/12`. */
  readonly cidr: string;
  /** First usable address, reserved for the `kubernetes` Service (`127.96.0.1`). */
  firstIP(): string;
  /** The n-th usable address, 1-based like upstream's GetIndexedIP (10 → the DNS Service's). */
  indexedIP(n: number): string;
  /** Whether `ip` is an allocatable address of this range. */
  contains(ip: string): boolean;
  /** Allocates the requested `ip`. */
  allocate(ip: string): Promise<void>;
  /** Allocates a free address: random in the dynamic band first, then the static band. */
  allocateNext(): Promise<string>;
  /**
   * Set when the bitmap is shared Redis state: allocateNext deferred to the create that stores the
   * IP (CreateOptions.claims); `ipAt` names the IP of a claimed offset.
   */
  readonly claimNext?: () => ClusterIPClaim;
  /** Frees `ip`; a no-op for addresses outside the range or not allocated. */
  release(ip: string): Promise<void>;
  has(ip: string): Promise<boolean>;
  /** Number of allocated addresses. */
  used(): Promise<number>;
  /** Number of free addresses. */
  free(): Promise<number>;
}

/** A deferred allocateNext: the bitmap claim and the IP of any offset it may land on. */
export interface ClusterIPClaim {
  readonly claim: BitmapClaim;
  readonly ipAt: (offset: number) => string;
}

export interface ParsedCIDR {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
  /** Total addresses in the CIDR (2^(32-prefix)). */
  readonly size: number;
}

function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses an IPv4 CIDR; throws a TypeError for anything else (IPv6 ranges are not supported yet). */
export function parseCIDR(cidr: string): ParsedCIDR {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  const ip = m?.[1] === undefined ? undefined : parseIPv4(m[1]);
  const prefix = Number(m?.[2]);
  if (ip === undefined || !(prefix >= 0 && prefix <= 32))
    throw new TypeError(`invalid CIDR address: ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { network: ip - (ip % size), prefix, size };
}

/** calculateRangeOffset (KEP-3070): min(max(16, size/16), 256), and 0 when size ≤ 16. */
export function calculateRangeOffset(rangeSize: number): number {
  const min = 16;
  const max = 256;
  if (rangeSize <= min) return 0;
  return Math.min(Math.max(min, Math.floor(rangeSize / 16)), max);
}

/** Bitmap shape of an IPv4 range: every address but network and broadcast. */
export function clusterIPShape(cidr: string): BitmapShape & ParsedCIDR {
  const p = parseCIDR(cidr);
  if (p.size < 8)
    throw new TypeError('the service cluster IP range must be at least 8 IP addresses');
  return { ...p, max: p.size - 2, offset: calculateRangeOffset(p.size) };
}

/** A ClusterIPAllocator over any AllocationBitmap. */
export class BitmapClusterIPAllocator implements ClusterIPAllocator {
  private readonly shape: BitmapShape & ParsedCIDR;
  private readonly base: number;
  readonly claimNext?: () => ClusterIPClaim;

  constructor(
    readonly cidr: string,
    private readonly bitmap: AllocationBitmap,
  ) {
    this.shape = clusterIPShape(cidr);
    this.base = this.shape.network + 1;
    if (bitmap instanceof RedisBitmap) {
      this.claimNext = () => ({ claim: bitmap.claimNext(), ipAt: (off) => formatIPv4(this.base + off) });
    }
  }

  private offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const off = n - this.base;
    return off >= 0 && off < this.shape.max ? off : undefined;
  }

  firstIP(): string {
    return this.indexedIP(1);
  }

  indexedIP(n: number): string {
    if (!Number.isInteger(n) || n < 1 || n > this.shape.max)
      throw new RangeError(`no IP #${n} in ${this.cidr}`);
    return formatIPv4(this.shape.network + n);
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  async allocate(ip: string): Promise<void> {
    const off = this.offsetOf(ip);
    if (off === undefined) {
      throw new NotInRangeError(
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`,
        this.cidr,
      );
    }
    if (!(await this.bitmap.allocate(off))) throw new AlreadyAllocatedError('IP');
  }

  async allocateNext(): Promise<string> {
    const off = await this.bitmap.allocateNext();
    if (off === undefined) throw new RangeFullError();
    return formatIPv4(this.base + off);
  }

  async release(ip: string): Promise<void> {
    const off = this.offsetOf(ip);
    if (off !== undefined) await this.bitmap.release(off);
  }

  async has(ip: string): Promise<boolean> {
    const off = this.offsetOf(ip);
    return off !== undefined && (await this.bitmap.has(off));
  }

  used(): Promise<number> {
    return this.bitmap.used();
  }

  async free(): Promise<number> {
    return this.shape.max - (await this.bitmap.used());
  }
}

/** In-process ClusterIPAllocator for component tests. */
export class MemoryClusterIPAllocator extends BitmapClusterIPAllocator {
  constructor(cidr: string = DefaultServiceClusterIPRange, random?: RandomInt) {
    super(cidr, new MemoryBitmap(clusterIPShape(cidr), random));
  }
}

export interface RedisAllocatorOptions {
  /** Key prefix (default `svclab:`), as RedisStorage's. */
  readonly keyPrefix?: string;
  readonly random?: RandomInt;
}

/** ClusterIPAllocator on Redis key `<prefix>alloc:clusterip:<cidr>`, shared by all replicas. */
export class RedisClusterIPAllocator extends BitmapClusterIPAllocator {
  constructor(
    redis: Redis,
    cidr: string = DefaultServiceClusterIPRange,
    opts: RedisAllocatorOptions = {},
  ) {
    super(
      cidr,
      new RedisBitmap(redis, `${opts.keyPrefix ?? 'svclab:'}alloc:clusterip:${cidr}`, {
        ...clusterIPShape(cidr),
        ...(opts.random === undefined ? {} : { random: opts.random }),
      }),
    );
  }
}
