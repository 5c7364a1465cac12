// The LoadBalancer address pool (MetalLB's IPAddressPool, one per cluster): hands out ingress IPs
// from `--lb-pool`, honours `spec.loadBalancerIP`, and is rebuilt from Service status on restart.
import { cidrContains, formatIpv4, parseCidr, parseIpv4, type Ipv4Cidr } from './ipv4.js';

/** Why an allocation failed; surfaced in events/logs. */
export class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
}

export function isPoolExhausted(err: unknown): err is PoolExhaustedError {
  return err instanceof Error && err.name === 'PoolExhaustedError';
}

/**
 * Owner-tracking allocator. `owner` is the Service key (`namespace/name`). An owner holds at most
 * one address. Not thread-safe by design: the controller's worker calls it one key at a time.
 */
export class LoadBalancerIPPool {
  private readonly cidr: Ipv4Cidr;
  private readonly byIp = new Map<string, string>();
  private readonly byOwner = new Map<string, string>();
  /** Next candidate offset, so released addresses are not reused at once (like MetalLB). */
  private next = 0;

  constructor(private readonly range: string) {
    const c = parseCidr(range);
    if (c === undefined) throw new Error(`invalid --lb-pool "${range}": want an IPv4 CIDR`);
    this.cidr = c;
  }

  /** The pool as configured (`--lb-pool`), for messages. */
  describe(): string {
    return this.range;
  }

  /** True when `ip` is an address this pool can hand out (network and broadcast excluded for /30 and wider). */
  contains(ip: string): boolean {
    const v = parseIpv4(ip);
    if (v === undefined || !cidrContains(this.cidr, v)) return false;
    if (this.cidr.size >= 4 && (v === this.cidr.base || v === this.cidr.base + this.cidr.size - 1)) return false;
    return true;
  }

  /** The address `owner` holds, if any. */
  addressOf(owner: string): string | undefined {
    return this.byOwner.get(owner);
  }

  ownerOf(ip: string): string | undefined {
    return this.byIp.get(ip);
  }

  /**
   * Gives `owner` an address: the one it holds if it matches `wanted` (or no address is wanted),
   * else `wanted` when in the pool and free, else the next free one. Returns undefined when
   * `wanted` is outside the pool or taken (upstream leaves such a Service pending).
   */
  allocate(owner: string, wanted?: string): string | undefined {
    const held = this.byOwner.get(owner);
    if (held !== undefined && (wanted === undefined || wanted === '' || wanted === held)) return held;
    if (wanted !== undefined && wanted !== '') {
      if (!this.contains(wanted)) return undefined;
      const taken = this.byIp.get(wanted);
      if (taken !== undefined && taken !== owner) return undefined;
      this.release(owner);
      this.assign(owner, wanted);
      return wanted;
    }
    for (let i = 0; i < this.cidr.size; i++) {
      const off = (this.next + i) % this.cidr.size;
      const ip = formatIpv4(this.cidr.base + off);
      if (!this.contains(ip) || this.byIp.has(ip)) continue;
      this.next = (off + 1) % this.cidr.size;
      this.assign(owner, ip);
      return ip;
    }
    throw new PoolExhaustedError(`no free address in the LoadBalancer pool for service "${owner}"`);
  }

  /** Records an address found in a Service's status (restart). False when another owner has it or it is outside the pool. */
  reserve(owner: string, ip: string): boolean {
    if (!this.contains(ip)) return false;
    const taken = this.byIp.get(ip);
    if (taken !== undefined) return taken === owner;
    this.release(owner);
    this.assign(owner, ip);
    return true;
  }

  /** Frees whatever `owner` holds; returns it. */
  release(owner: string): string | undefined {
    const ip = this.byOwner.get(owner);
    if (ip === undefined) return undefined;
    this.byOwner.delete(owner);
    this.byIp.delete(ip);
    return ip;
  }

  get allocated(): number {
    return this.byIp.size;
  }

  private assign(owner: string, ip: string): void {
    this.byOwner.set(owner, ip);
    this.byIp.set(ip, owner);
  }
}
