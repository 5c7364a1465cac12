// NodePort allocation from `--service-node-port-range`, as upstream's portallocator
// (pkg/registry/core/service/portallocator/allocator.go): offset = port - base, a static band at
// the bottom (KEP-3668) that dynamic allocation uses last. Also used for healthCheckNodePort.
import type { Redis } from 'ioredis';
import {
  MemoryBitmap,
  RedisBitmap,
  type AllocationBitmap,
  type BitmapShape,
  type RandomInt,
} from './bitmap.js';
import type { RedisAllocatorOptions } from './cluster-ip.js';
import { AlreadyAllocatedError, NotInRangeError, RangeFullError } from './errors.js';

/** DefaultServiceNodePortRange: 30000-32767. */
export const DefaultServiceNodePortRange = '30000-32767';

/**
 * Hands out NodePorts from one range; same sharing rules as ClusterIPAllocator.
 * Errors: AlreadyAllocatedError, NotInRangeError (allocate), RangeFullError (allocateNext).
 */
export interface NodePortAllocator {
  /** The range as upstream prints it (`30000-32767`). */
  readonly range: string;
  contains(port: number): boolean;
  allocate(port: number): Promise<void>;
  /** A free port: random in the dynamic band first, then the static band. */
  allocateNext(): Promise<number>;
  /** Frees `port`; a no-op outside the range or when not allocated. */
  release(port: number): Promise<void>;
  has(port: number): Promise<boolean>;
  used(): Promise<number>;
  free(): Promise<number>;
}

export interface PortRange {
  readonly base: number;
  readonly size: number;
}

/** Parses `30000-32767` (or a single port); throws a TypeError otherwise. */
export function parsePortRange(s: string): PortRange {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s.trim());
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (m === null || !(lo >= 1 && hi <= 65535 && lo <= hi))
    throw new TypeError(`invalid port range: ${s}`);
  return { base: lo, size: hi - lo + 1 };
}

/** calculateRangeOffset for ports (KEP-3668): min(max(16, size/32), 128), and 0 when size ≤ 16. */
export function calculatePortRangeOffset(size: number): number {
  const min = 16;
  const max = 128;
  if (size <= min) return 0;
  return Math.min(Math.max(min, Math.floor(size / 32)), max);
}

export function nodePortShape(range: string): BitmapShape & PortRange {
  const r = parsePortRange(range);
  return { ...r, max: r.size, offset: calculatePortRangeOffset(r.size) };
}

/** A NodePortAllocator over any AllocationBitmap. */
export class BitmapNodePortAllocator implements NodePortAllocator {
  readonly range: string;
  private readonly shape: BitmapShape & PortRange;

  constructor(
    range: string,
    private readonly bitmap: AllocationBitmap,
  ) {
    this.shape = nodePortShape(range);
    this.range = `${this.shape.base}-${this.shape.base + this.shape.size - 1}`;
  }

  private offsetOf(port: number): number | undefined {
    const off = port - this.shape.base;
    return Number.isInteger(port) && off >= 0 && off < this.shape.size ? off : undefined;
  }

  contains(port: number): boolean {
    return this.offsetOf(port) !== undefined;
  }

  async allocate(port: number): Promise<void> {
    const off = this.offsetOf(port);
    if (off === undefined) {
      throw new NotInRangeError(
        `provided port is not in the valid range. The range of valid ports is ${this.range}`,
        this.range,
      );
    }
    if (!(await this.bitmap.allocate(off))) throw new AlreadyAllocatedError('port');
  }

  async allocateNext(): Promise<number> {
    const off = await this.bitmap.allocateNext();
    if (off === undefined) throw new RangeFullError();
    return this.shape.base + off;
  }

  async release(port: number): Promise<void> {
    const off = this.offsetOf(port);
    if (off !== undefined) await this.bitmap.release(off);
  }

  async has(port: number): Promise<boolean> {
    const off = this.offsetOf(port);
    return off !== undefined && (await this.bitmap.has(off));
  }

  used(): Promise<number> {
    return this.bitmap.used();
  }

  async free(): Promise<number> {
    return this.shape.size - (await this.bitmap.used());
  }
}

/** In-process NodePortAllocator for component tests. */
export class MemoryNodePortAllocator extends BitmapNodePortAllocator {
  constructor(range: string = DefaultServiceNodePortRange, random?: RandomInt) {
    super(range, new MemoryBitmap(nodePortShape(range), random));
  }
}

/** NodePortAllocator on Redis key `<prefix>alloc:nodeport:<range>`, shared by all replicas. */
export class RedisNodePortAllocator extends BitmapNodePortAllocator {
  constructor(
    redis: Redis,
    range: string = DefaultServiceNodePortRange,
    opts: RedisAllocatorOptions = {},
  ) {
    const shape = nodePortShape(range);
    super(
      range,
      new RedisBitmap(
        redis,
        `${opts.keyPrefix ?? 'svclab:'}alloc:nodeport:${shape.base}-${shape.base + shape.size - 1}`,
        {
          ...shape,
          ...(opts.random === undefined ? {} : { random: opts.random }),
        },
      ),
    );
  }
}
