// The allocation bitmap under both allocators, as upstream's `AllocationBitmap` with
// `randomScanStrategyWithOffset` (pkg/registry/core/service/allocator/bitmap.go): offsets
// [offset, max) are the dynamic band, [0, offset) the static band that dynamic allocation only uses
// once the dynamic band is full.
import type { Redis } from 'ioredis';
import type { BitmapClaim } from '../storage/interface.js';
import { bitmapLuaFunctions } from './bitmap-lua.js';

/** Random integer in [0, n); injectable for tests. */
export type RandomInt = (n: number) => number;

export const defaultRandomInt: RandomInt = (n) => Math.floor(Math.random() * n);

/**
 * A set of allocated offsets in [0, max). Every method is atomic with respect to every other
 * holder of the same bitmap (for RedisBitmap: every process on the same Redis key).
 */
export interface AllocationBitmap {
  /** Marks `offset` allocated; false when it already was. */
  allocate(offset: number): Promise<boolean>;
  /**
   * Allocates a free offset: a random start in the dynamic band scanning forward with wrap-around,
   * then the static band the same way. undefined when full.
   */
  allocateNext(): Promise<number | undefined>;
  release(offset: number): Promise<void>;
  has(offset: number): Promise<boolean>;
  /** Number of allocated offsets. */
  used(): Promise<number>;
}

export interface BitmapShape {
  /** Number of allocatable offsets. */
  readonly max: number;
  /** Size of the static band [0, offset); 0 means no split. */
  readonly offset: number;
}

/** In-process bitmap for component tests and single-process runs. */
export class MemoryBitmap implements AllocationBitmap {
  private readonly bits: Uint8Array;
  private count = 0;

  constructor(
    private readonly shape: BitmapShape,
    private readonly random: RandomInt = defaultRandomInt,
  ) {
    this.bits = new Uint8Array(Math.ceil(shape.max / 8));
  }

  private get(i: number): boolean {
    return ((this.bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0;
  }

  private set(i: number, v: boolean): void {
    const b = this.bits[i >> 3] ?? 0;
    this.bits[i >> 3] = v ? b | (0x80 >> (i & 7)) : b & ~(0x80 >> (i & 7));
  }

  allocate(offset: number): Promise<boolean> {
    if (this.get(offset)) return Promise.resolve(false);
    this.set(offset, true);
    this.count++;
    return Promise.resolve(true);
  }

  private scan(lo: number, hi: number): number | undefined {
    const n = hi - lo;
    if (n <= 0) return undefined;
    const start = this.random(n);
    for (let i = 0; i < n; i++) {
      const at = lo + ((start + i) % n);
      if (!this.get(at)) return at;
    }
    return undefined;
  }

  allocateNext(): Promise<number | undefined> {
    if (this.count >= this.shape.max) return Promise.resolve(undefined);
    const at = this.scan(this.shape.offset, this.shape.max) ?? this.scan(0, this.shape.offset);
    if (at !== undefined) {
      this.set(at, true);
      this.count++;
    }
    return Promise.resolve(at);
  }

  release(offset: number): Promise<void> {
    if (this.get(offset)) {
      this.set(offset, false);
      this.count--;
    }
    return Promise.resolve();
  }

  has(offset: number): Promise<boolean> {
    return Promise.resolve(this.get(offset));
  }

  used(): Promise<number> {
    return Promise.resolve(this.count);
  }
}

/**
 * allocateNext in one atomic step. BITPOS … BIT needs Redis ≥ 7.0.
 * KEYS: 1 bitmap. ARGV: 1 max, 2 static band size, 3 random start in the dynamic band (0-based
 * within it), 4 random start in the static band. Returns the offset or -1 when full.
 */
const allocateNextScript = `${bitmapLuaFunctions}
local key = KEYS[1]
local max = tonumber(ARGV[1])
local off = tonumber(ARGV[2])
padBitmap(key, max)
local p = firstFree(key, off, max, off + tonumber(ARGV[3]))
if p < 0 then p = firstFree(key, 0, off, tonumber(ARGV[4])) end
if p < 0 then return -1 end
redis.call('SETBIT', key, p, 1)
return p
`;

interface ScriptedRedis {
  svclabAllocNext(
    key: string,
    max: number,
    offset: number,
    r1: number,
    r2: number,
  ): Promise<number>;
}

/**
 * The bitmap as a Redis string (bit i = offset i), shared by every apiserver replica using `key`.
 * Each call is one command or one Lua script, so two replicas never hand out the same offset.
 */
export class RedisBitmap implements AllocationBitmap {
  private readonly r: ScriptedRedis;

  private readonly random: RandomInt;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly shape: BitmapShape & { readonly random?: RandomInt },
  ) {
    this.random = shape.random ?? defaultRandomInt;
    if (!('svclabAllocNext' in redis))
      redis.defineCommand('svclabAllocNext', { numberOfKeys: 1, lua: allocateNextScript });
    this.r = redis as unknown as ScriptedRedis;
  }

  async allocate(offset: number): Promise<boolean> {
    return (await this.redis.setbit(this.key, offset, 1)) === 0;
  }

  async allocateNext(): Promise<number | undefined> {
    const { max, offset } = this.shape;
    const p = await this.r.svclabAllocNext(
      this.key,
      max,
      offset,
      this.random(max - offset),
      offset > 0 ? this.random(offset) : 0,
    );
    return p < 0 ? undefined : p;
  }

  /**
   * allocateNext without I/O: the random starts as a claim for the storage to take with a create
   * (CreateOptions.claims, same scan order); its candidate is the dynamic band's random start.
   */
  claimNext(): BitmapClaim {
    const { max, offset } = this.shape;
    const dynamicStart = this.random(max - offset);
    const staticStart = offset > 0 ? this.random(offset) : 0;
    return { key: this.key, max, offset, candidate: offset + dynamicStart, dynamicStart, staticStart };
  }

  async release(offset: number): Promise<void> {
    await this.redis.setbit(this.key, offset, 0);
  }

  async has(offset: number): Promise<boolean> {
    return (await this.redis.getbit(this.key, offset)) === 1;
  }

  async used(): Promise<number> {
    return this.redis.bitcount(this.key);
  }
}
