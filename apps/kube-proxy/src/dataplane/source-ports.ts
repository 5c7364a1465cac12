// Source ports for connections the userspace data plane makes from a chosen address (the node IP
// when masquerading, else the client's). bind(addr, 0) makes the kernel scan the port range for a
// free port, which costs ~0.3–1 ms of CPU per connection once thousands of sockets sit in
// TIME_WAIT (the kernel data plane never binds; Linux's IP_BIND_ADDRESS_NO_PORT is not reachable
// from Node). Naming the port is a constant-time bind; a port that turns out to be taken is
// retried with the next one.
import { readFileSync } from 'node:fs';

/** net.ipv4.ip_local_port_range, where listeners do not live by convention. */
export function localPortRange(): { readonly low: number; readonly high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low && high < 65536) return { low, high };
  } catch {
    // not Linux: the kernel's default range
  }
  return { low: 32768, high: 60999 };
}

/** Error codes of a bind/connect that failed because the chosen port is taken for that address or 4-tuple. */
export function isPortTaken(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL';
}

/** Hands out ports of a range round-robin from a random start. Single event loop; not shared between processes. */
export class SourcePorts {
  private next: number;

  constructor(
    private readonly range: { readonly low: number; readonly high: number } = localPortRange(),
    rand: () => number = Math.random,
  ) {
    this.next = range.low + Math.floor(rand() * (range.high - range.low + 1));
  }

  pick(): number {
    const p = this.next;
    this.next = p >= this.range.high ? this.range.low : p + 1;
    return p;
  }
}
