// What the registry needs from ClusterIP and NodePort allocators, and in-memory implementations.
// The Redis bitmap allocators (src/allocators/) satisfy the same interfaces; main.ts wires them.

/** Why an allocation failed; the message is upstream's (ipallocator / portallocator errors). */
export type AllocationErrorKind = 'full' | 'allocated' | 'notInRange';

export class AllocationError extends Error {
  override readonly name = 'AllocationError';
  constructor(
    readonly kind: AllocationErrorKind,
    message: string,
  ) {
    super(message);
  }
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

/** Upper-band-first random scan, as upstream's randomScanStrategyWithOffset. */
function pickFree(used: Set<number>, band: { max: number; offset: number }, random: () => number): number | undefined {
  const { max, offset } = band;
  const scan = (lo: number, hi: number): number | undefined => {
    const n = hi - lo;
    if (n <= 0) return undefined;
    const start = Math.floor(random() * n);
    for (let i = 0; i < n; i++) {
      const k = lo + ((start + i) % n);
      if (!used.has(k)) return k;
    }
    return undefined;
  };
  return scan(offset, max) ?? scan(0, offset);
}

/** In-memory bitmap IP allocator (IPv4); offsets are `ip - (network + 1)`. */
export class MemoryIPAllocator implements IPAllocator {
  private readonly used = new Set<number>();
  private readonly base: number;
  private readonly max: number;
  private readonly offset: number;

  constructor(
    readonly cidr: string,
    private readonly random: () => number = Math.random,
  ) {
    const { network, size } = parseCIDR(cidr);
    this.base = network + 1;
    this.max = size - 2;
    this.offset = size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 16)), 256);
  }

  allocate(ip: string): Promise<void> {
    const n = ipv4ToInt(ip);
    const k = n === undefined ? -1 : n - this.base;
    if (k < 0 || k >= this.max) {
      return Promise.reject(
        new AllocationError('notInRange', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`),
      );
    }
    if (this.used.has(k)) return Promise.reject(new AllocationError('allocated', 'provided IP is already allocated'));
    this.used.add(k);
    return Promise.resolve();
  }

  allocateNext(): Promise<string> {
    const k = pickFree(this.used, { max: this.max, offset: this.offset }, this.random);
    if (k === undefined) return Promise.reject(new AllocationError('full', 'range is full'));
    this.used.add(k);
    return Promise.resolve(intToIPv4(this.base + k));
  }

  release(ip: string): Promise<void> {
    const n = ipv4ToInt(ip);
    if (n !== undefined) this.used.delete(n - this.base);
    return Promise.resolve();
  }
}

/** In-memory NodePort allocator; offsets are `port - base`. */
export class MemoryPortAllocator implements PortAllocator {
  private readonly used = new Set<number>();
  private readonly base: number;
  private readonly size: number;
  private readonly offset: number;

  constructor(
    readonly range: string,
    private readonly random: () => number = Math.random,
  ) {
    const r = parsePortRange(range);
    this.base = r.base;
    this.size = r.size;
    this.offset = this.size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(this.size / 32)), 128);
  }

  allocate(port: number): Promise<void> {
    const k = port - this.base;
    if (!Number.isInteger(port) || k < 0 || k >= this.size) {
      return Promise.reject(
        new AllocationError('notInRange', `provided port is not in the valid range. The range of valid ports is ${this.range}`),
      );
    }
    if (this.used.has(k)) return Promise.reject(new AllocationError('allocated', 'provided port is already allocated'));
    this.used.add(k);
    return Promise.resolve();
  }

  allocateNext(): Promise<number> {
    const k = pickFree(this.used, { max: this.size, offset: this.offset }, this.random);
    if (k === undefined) return Promise.reject(new AllocationError('full', 'range is full'));
    this.used.add(k);
    return Promise.resolve(this.base + k);
  }

  release(port: number): Promise<void> {
    this.used.delete(port - this.base);
    return Promise.resolve();
  }
}

export function memoryAllocators(serviceCIDR: string, nodePortRange: string): ServiceAllocators {
  return { clusterIP: new MemoryIPAllocator(serviceCIDR), nodePort: new MemoryPortAllocator(nodePortRange) };
}
