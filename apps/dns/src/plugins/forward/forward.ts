// forward plugin (CoreDNS plugin/forward): sends names no earlier plugin answered to the upstreams,
// over UDP with a TCP retry when the reply is truncated. Not an open resolver: only clients inside
// `allow` get recursion, others get REFUSED.
import { createSocket } from 'node:dgram';
import { BlockList, connect, isIP } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import type { Logger } from '@svclab/telemetry';
import {
  Rcode,
  RcodeName,
  reply,
  type DnsReply,
  type DnsRequest,
  type Handler,
} from '../../plugin.js';
import type { DnsMetrics } from '../../metrics.js';

/** Default clients allowed to recurse: loopback plus svclab's pod and node CIDRs. */
export const DEFAULT_ALLOW = [
  '127.0.0.0/8',
  '::1/128',
  '127.244.0.0/16',
  '127.0.1.0/24',
  '10.244.0.0/16',
] as const;

export interface ForwardOptions {
  /** `host:port` (IPv6 as `[::1]:53`). */
  readonly upstreams: readonly string[];
  /** CIDRs whose clients may recurse. */
  readonly allow: readonly string[];
  /** Per-upstream read timeout, milliseconds (CoreDNS readTimeout 2s). */
  readonly timeoutMs: number;
  /** CoreDNS `policy`: `random` (the default) shuffles the upstreams per query; `sequential` keeps their order. */
  readonly policy?: 'random' | 'sequential';
  /** Injected for tests; default Math.random. */
  readonly random?: () => number;
  readonly metrics?: DnsMetrics;
  readonly logger?: Logger;
}

export class ForwardSetupError extends Error {
  override readonly name = 'ForwardSetupError';
}

export function parseHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m?.[1]) {
    if (isIP(s) === 6) return { host: s, port: defaultPort };
    throw new ForwardSetupError(`invalid address "${s}"`);
  }
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ForwardSetupError(`invalid port in "${s}"`);
  return { host: m[1], port };
}

export function allowList(cidrs: readonly string[]): BlockList {
  const bl = new BlockList();
  for (const c of cidrs) {
    const [net = '', bits] = c.split('/');
    const family = isIP(net);
    if (family === 0) throw new ForwardSetupError(`invalid CIDR "${c}"`);
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    bl.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return bl;
}

/** Whether `address` (maybe an IPv4-mapped IPv6 address) is in `list`. */
export function isAllowed(list: BlockList, address: string): boolean {
  const a =
    address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(a);
  if (family === 0) return false;
  return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

function withId(raw: Buffer, id: number): Buffer {
  const b = Buffer.from(raw);
  b.writeUInt16BE(id, 0);
  return b;
}

/** An upstream server address. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** One UDP exchange; resolves with the reply bytes whose id matches. */
export function exchangeUDP(
  { host, port }: Upstream,
  query: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err: Error | undefined, buf?: Buffer): void => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else if (buf) resolve(buf);
    };
    const timer = setTimeout(() => {
      done(new Error(`timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('error', (e) => {
      done(e);
    });
    sock.on('message', (msg) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    sock.send(query, port, host);
  });
}

/** One TCP exchange (2-byte length framing). */
export function exchangeTCP(
  { host, port }: Upstream,
  query: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed'));
    });
  });
}

/** Turns an upstream reply into a DnsReply (the OPT record is ours to write). */
export function toReply(plugin: string, buf: Buffer): DnsReply {
  const m = dnsPacket.decode(buf);
  const flags = buf.readUInt16BE(2);
  const strip = (l: readonly Answer[] | undefined): Answer[] =>
    (l ?? []).filter((a) => a.type !== 'OPT');
  return reply(plugin, flags & 0xf, {
    aa: m.flag_aa,
    tc: m.flag_tc,
    ra: m.flag_ra,
    answers: strip(m.answers),
    authorities: strip(m.authorities),
    additionals: strip(m.additionals),
  });
}

export class ForwardPlugin implements Handler {
  readonly name = 'forward';
  private readonly allow: BlockList;
  private readonly upstreams: readonly { host: string; port: number; label: string }[];

  constructor(private readonly opts: ForwardOptions) {
    this.allow = allowList(opts.allow);
    this.upstreams = opts.upstreams.map((u) => {
      const { host, port } = parseHostPort(u, 53);
      return { host, port, label: `${isIP(host) === 6 ? `[${host}]` : host}:${port}` };
    });
  }

  /** The upstreams in the order this query tries them. */
  order(): readonly { host: string; port: number; label: string }[] {
    if (this.opts.policy === 'sequential' || this.upstreams.length < 2) return this.upstreams;
    const rnd = this.opts.random ?? Math.random;
    const out = [...this.upstreams];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const a = out[i];
      const b = out[j];
      if (a !== undefined && b !== undefined) {
        out[i] = b;
        out[j] = a;
      }
    }
    return out;
  }

  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    if (!isAllowed(this.allow, req.client.address)) {
      this.opts.metrics?.refused.inc();
      return reply(this.name, Rcode.REFUSED);
    }
    for (const u of this.order()) {
      const start = performance.now();
      this.opts.metrics?.forwardRequests.inc({ to: u.label });
      try {
        const query = withId(req.raw, Math.floor(Math.random() * 65536));
        let buf = await exchangeUDP(u, query, this.opts.timeoutMs);
        if ((buf.readUInt16BE(2) & 0x200) !== 0)
          buf = await exchangeTCP(u, query, this.opts.timeoutMs);
        const rep = toReply(this.name, buf);
        const rcode = RcodeName[rep.rcode] ?? String(rep.rcode);
        const secs = (performance.now() - start) / 1000;
        this.opts.metrics?.forwardResponses.inc({ to: u.label, rcode });
        this.opts.metrics?.forwardDuration.observe({ to: u.label, rcode }, secs);
        this.opts.metrics?.proxyDuration.observe(
          { proxy_name: 'forward', to: u.label, rcode },
          secs,
        );
        return rep;
      } catch (err) {
        this.opts.logger?.warn('upstream failed', { to: u.label, name: `${req.qname}.`, err });
      }
    }
    this.opts.metrics?.healthcheckBroken.inc();
    return reply(this.name, Rcode.SERVFAIL);
  }
}
