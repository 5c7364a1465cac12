// The userspace data plane's connection tracking table (nf_conntrack): the 5-tuple of a
// connection → the backend chosen for its first packet, with upstream's timeouts and a hard size
// limit (--conntrack-max) beyond which new connections are dropped, as the kernel does.
import type { Clock } from '@svclab/apimachinery';
import { realClock } from '@svclab/apimachinery';

export type ConntrackProtocol = 'TCP' | 'UDP';

/** A connection as the client sees it (the original direction). */
export interface ConntrackTuple {
  readonly protocol: ConntrackProtocol;
  readonly srcIP: string;
  readonly srcPort: number;
  readonly dstIP: string;
  readonly dstPort: number;
}

export interface ConntrackEntry {
  readonly tuple: ConntrackTuple;
  /** The translated destination (the pod), or the original one when no rule applied. */
  readonly backendIP: string;
  readonly backendPort: number;
  /** Source address the backend sees (node IP when masqueraded, else the client address). */
  readonly sourceIP: string;
  /** ms (clock time) after which the entry is gone unless refreshed. */
  expires: number;
  /** UDP: replies were seen (the kernel's ASSURED), so the longer stream timeout applies. */
  assured: boolean;
}

/** Timeouts, seconds. Defaults: kube-proxy's --conntrack-tcp-timeout-established (24h) and the kernel's UDP ones. */
export interface ConntrackTimeouts {
  readonly tcpEstablished: number;
  readonly udp: number;
  readonly udpStream: number;
}

export const DefaultConntrackTimeouts: ConntrackTimeouts = { tcpEstablished: 86_400, udp: 30, udpStream: 120 };

export interface ConntrackOptions {
  /** `--conntrack-max`: entries; 0 = unlimited. */
  readonly max: number;
  readonly timeouts?: Partial<ConntrackTimeouts>;
  readonly clock?: Clock;
  /** Called once per connection refused because the table is full ("table full, dropping packet"). */
  readonly onExhausted?: () => void;
}

export function tupleKey(t: ConntrackTuple): string {
  return `${t.protocol} ${t.srcIP}:${t.srcPort} ${t.dstIP}:${t.dstPort}`;
}

/**
 * One table per data plane (per node). Single event loop; no locking. TCP entries are removed by
 * the data plane when the connection closes (TIME_WAIT is not modelled); UDP entries expire.
 */
export class ConntrackTable {
  private readonly entries = new Map<string, ConntrackEntry>();
  private readonly perBackend = new Map<string, number>();
  private readonly clock: Clock;
  private readonly timeouts: ConntrackTimeouts;

  constructor(private readonly opts: ConntrackOptions) {
    this.clock = opts.clock ?? realClock;
    this.timeouts = { ...DefaultConntrackTimeouts, ...opts.timeouts };
  }

  get size(): number {
    return this.entries.size;
  }

  get max(): number {
    return this.opts.max;
  }

  /**
   * Adds an entry for a new connection. Returns undefined when the table is full even after
   * expiring stale entries: the caller must drop the connection.
   */
  insert(tuple: ConntrackTuple, backend: { ip: string; port: number; sourceIP: string }): ConntrackEntry | undefined {
    const key = tupleKey(tuple);
    const old = this.entries.get(key);
    if (old !== undefined) this.remove(key, old);
    if (this.opts.max > 0 && this.entries.size >= this.opts.max) {
      this.expire();
      if (this.entries.size >= this.opts.max) {
        this.opts.onExhausted?.();
        return undefined;
      }
    }
    const e: ConntrackEntry = {
      tuple,
      backendIP: backend.ip,
      backendPort: backend.port,
      sourceIP: backend.sourceIP,
      expires: this.clock.now() + this.timeoutOf(tuple.protocol, false) * 1000,
      assured: false,
    };
    this.entries.set(key, e);
    const bk = `${backend.ip}:${backend.port}`;
    this.perBackend.set(bk, (this.perBackend.get(bk) ?? 0) + 1);
    return e;
  }

  /** The live entry of `tuple`, or undefined (expired entries are removed on lookup). */
  lookup(tuple: ConntrackTuple): ConntrackEntry | undefined {
    const key = tupleKey(tuple);
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= this.clock.now()) {
      this.remove(key, e);
      return undefined;
    }
    return e;
  }

  /** A packet of the connection was seen; `reply` marks it assured. Restarts the timeout. */
  touch(e: ConntrackEntry, reply = false): void {
    if (reply) e.assured = true;
    e.expires = this.clock.now() + this.timeoutOf(e.tuple.protocol, e.assured) * 1000;
  }

  delete(tuple: ConntrackTuple): void {
    const key = tupleKey(tuple);
    const e = this.entries.get(key);
    if (e !== undefined) this.remove(key, e);
  }

  /** Removes expired entries; returns them (the data plane closes their sockets). */
  expire(): ConntrackEntry[] {
    const now = this.clock.now();
    const gone: ConntrackEntry[] = [];
    for (const [k, e] of this.entries) {
      if (e.expires <= now) {
        this.remove(k, e);
        gone.push(e);
      }
    }
    return gone;
  }

  /** Live connections to one backend (IPVS ActiveConn). */
  connectionsTo(ip: string, port: number): number {
    return this.perBackend.get(`${ip}:${port}`) ?? 0;
  }

  /** Entries, for `conntrack -L`-style listings. */
  list(): ConntrackEntry[] {
    return [...this.entries.values()];
  }

  private timeoutOf(p: ConntrackProtocol, assured: boolean): number {
    if (p === 'TCP') return this.timeouts.tcpEstablished;
    return assured ? this.timeouts.udpStream : this.timeouts.udp;
  }

  private remove(key: string, e: ConntrackEntry): void {
    this.entries.delete(key);
    const bk = `${e.backendIP}:${e.backendPort}`;
    const n = (this.perBackend.get(bk) ?? 1) - 1;
    if (n <= 0) this.perBackend.delete(bk);
    else this.perBackend.set(bk, n);
  }
}
