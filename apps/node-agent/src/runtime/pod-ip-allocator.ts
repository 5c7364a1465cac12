// Pod IPs from the node's pod CIDR (IPv4, /16../30): .1 is the gateway as on a real node; hosts
// from .2 up, lowest free first; released when the pod goes.

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function toIP(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class PodIPAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Map<number, string>();

  constructor(readonly cidr: string) {
    const [ip = '', bits = ''] = cidr.split('/');
    const prefix = Number(bits);
    if (
      !/^\d+\.\d+\.\d+\.\d+$/.test(ip) ||
      !Number.isInteger(prefix) ||
      prefix < 16 ||
      prefix > 30
    ) {
      throw new Error(`pod CIDR must be an IPv4 /16 to /30, got "${cidr}"`);
    }
    this.size = 2 ** (32 - prefix);
    this.base = toInt(ip) - (toInt(ip) % this.size);
  }

  /** Marks `ip` used by `owner` (pods that already have an IP after an agent restart). */
  claim(ip: string, owner: string): boolean {
    const n = toInt(ip) - this.base;
    if (n < 2 || n >= this.size - 1) return false;
    const cur = this.used.get(n);
    if (cur !== undefined && cur !== owner) return false;
    this.used.set(n, owner);
    return true;
  }

  allocate(owner: string): string {
    for (const [n, o] of this.used) if (o === owner) return toIP(this.base + n);
    for (let n = 2; n < this.size - 1; n++) {
      if (!this.used.has(n)) {
        this.used.set(n, owner);
        return toIP(this.base + n);
      }
    }
    throw new Error(`pod CIDR ${this.cidr} is full`);
  }

  release(owner: string): void {
    for (const [n, o] of this.used) if (o === owner) this.used.delete(n);
  }
}
