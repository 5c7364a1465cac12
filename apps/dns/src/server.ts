// The DNS server: UDP and TCP listeners on one address, each query through the plugin chain.
// Never throws on input: malformed queries get FORMERR, unknown opcodes NOTIMP, junk is dropped.
import cluster from 'node:cluster';
import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import {
  createServer,
  isIP,
  type AddressInfo,
  type Server,
  type Socket as TcpSocket,
} from 'node:net';
import type { Logger } from '@svclab/telemetry';
import { loadUdpBatch, udpBatchUnavailableReason, type UdpBatch } from '@svclab/udp-batch';
import { qtypeName, RcodeName, type ClientInfo, type Handler } from './plugin.js';
import type { DnsMetrics } from './metrics.js';
import type { CachedReply, ReplyCache, Transport } from './reply-cache.js';
import {
  UDP_BATCH_SLOT_SIZE,
  UDP_BATCH_SLOTS,
  UdpBatchListener,
  type UdpBatchTarget,
} from './udp-batch-listener.js';
import {
  encodeBadVersion,
  encodeError,
  encodeReply,
  MAX_QUERY_SIZE,
  parseQuery,
  udpLimit,
} from './wire.js';

/** Idle TCP connections are closed after this many milliseconds (CoreDNS/miekg idle timeout 8s). */
export const TCP_IDLE_TIMEOUT_MS = 8000;

export interface DnsServerOptions {
  readonly host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  readonly port: number;
  readonly handler: Handler;
  readonly logger: Logger;
  readonly metrics?: DnsMetrics;
  /** Encoded replies of `stable` answers, reused for byte-identical queries (none: every query is answered anew). */
  readonly replyCache?: ReplyCache;
  /**
   * Serve UDP through @svclab/udp-batch (recvmmsg/sendmmsg) when it loads and the host is an IP
   * literal (default true); false, or the addon unavailable: node:dgram.
   */
  readonly udpBatch?: boolean;
}

/**
 * The `lookup` of the UDP socket. dgram's send resolves the destination on every datagram, and the
 * default (dns.lookup) answers an IP literal through process.nextTick: a tick object, a closure and
 * a deferred send per reply. Replies go to the address a query came from, always a literal, so
 * this answers literals at once; a name (never sent to here) still goes to dns.lookup.
 */
export const literalLookup: NonNullable<SocketOptions['lookup']> = (address, options, callback) => {
  const family = isIP(address);
  if (family !== 0) callback(null, address, family);
  else dnsLookup(address, options, callback);
};

/** coredns_dns_requests_total{family}: "2" for IPv6 clients, "1" otherwise (v4-mapped is v4). */
const familyOf = (address: string): string =>
  address.includes(':') && !address.startsWith('::ffff:') ? '2' : '1';

/** How the UDP listener reads: recvmmsg batches through @svclab/udp-batch, or node:dgram. */
export type UdpMode = 'batch' | 'dgram';

export class DnsServer implements UdpBatchTarget {
  private udp: Socket | undefined;
  private batch: UdpBatchListener | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  private boundPort = 0;
  private serverLabel: string;

  constructor(private readonly opts: DnsServerOptions) {
    this.serverLabel = `dns://${isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host}:${opts.port}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The UDP listener in use (after start). */
  get udpMode(): UdpMode {
    return this.batch ? 'batch' : 'dgram';
  }

  /** Binds UDP and TCP on the same port. */
  async start(): Promise<void> {
    const addon = this.opts.udpBatch === false ? undefined : loadUdpBatch();
    // A scoped IPv6 literal (fe80::1%eth0) is left to dgram, which resolves the scope name.
    if (addon && isIP(this.opts.host) !== 0 && !this.opts.host.includes('%')) {
      await (cluster.isWorker ? this.startBatchWorker(addon) : this.startBatch(addon));
      this.opts.logger.info('udp listener', { mode: 'batch', slots: UDP_BATCH_SLOTS });
      return;
    }
    const reason =
      this.opts.udpBatch === false
        ? 'disabled'
        : addon
          ? 'host is not an unscoped IP literal'
          : udpBatchUnavailableReason();
    await this.startDgram();
    this.opts.logger.info('udp listener', { mode: 'dgram', reason });
  }

  /** UDP through the addon, then TCP on its port (a new free port if that is taken and port is 0). */
  private async startBatch(addon: UdpBatch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const sock = addon.open({
        host: this.opts.host,
        port: this.opts.port,
        slots: UDP_BATCH_SLOTS,
        slotSize: UDP_BATCH_SLOT_SIZE,
      });
      try {
        this.tcp = await this.listenTcp(sock.port);
      } catch (err) {
        sock.close();
        if (this.opts.port !== 0 || attempt >= 10) throw err;
        continue;
      }
      this.listening(new UdpBatchListener(sock, addon, this), sock.port);
      return;
    }
  }

  /**
   * As a cluster worker: TCP first, through the primary, which hands every worker the same port
   * (also for port 0); then a UDP socket of our own on that port with SO_REUSEPORT, so the kernel
   * spreads datagrams over the workers (dgram sockets would share the primary's one socket).
   */
  private async startBatchWorker(addon: UdpBatch): Promise<void> {
    const tcp = await this.listenTcp(this.opts.port);
    const port = (tcp.address() as AddressInfo).port;
    try {
      const sock = addon.open({
        host: this.opts.host,
        port,
        reusePort: true,
        slots: UDP_BATCH_SLOTS,
        slotSize: UDP_BATCH_SLOT_SIZE,
      });
      this.tcp = tcp;
      this.listening(new UdpBatchListener(sock, addon, this), port);
    } catch (err) {
      tcp.close();
      throw err;
    }
  }

  private listening(batch: UdpBatchListener, port: number): void {
    this.batch = batch;
    this.boundPort = port;
    this.serverLabel = `dns://${isIP(this.opts.host) === 6 ? `[${this.opts.host}]` : this.opts.host}:${port}`;
    batch.start();
  }

  private async listenTcp(port: number): Promise<Server> {
    const tcp = createServer((s) => {
      this.onConnection(s);
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, this.opts.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    return tcp;
  }

  /** Binds a node:dgram UDP socket then TCP on the same port. */
  private async startDgram(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket({
        type: isIP(this.opts.host) === 6 ? 'udp6' : 'udp4',
        lookup: literalLookup,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(this.opts.port, this.opts.host, () => {
            udp.off('error', reject);
            resolve();
          });
        });
        const port = udp.address().port;
        const tcp = await this.listenTcp(port);
        this.udp = udp;
        this.tcp = tcp;
        this.boundPort = port;
        this.serverLabel = `dns://${isIP(this.opts.host) === 6 ? `[${this.opts.host}]` : this.opts.host}:${port}`;
        break;
      } catch (err) {
        udp.close();
        if (this.opts.port !== 0 || attempt >= 10) throw err;
      }
    }
    const udp = this.udp;
    udp.on('message', (msg, rinfo) => {
      if (this.sendFromCache(udp, msg, rinfo)) return;
      const client: ClientInfo = { address: rinfo.address, port: rinfo.port, transport: 'udp' };
      void this.answerFrom(msg, client, performance.now()).then((out) => {
        if (out) this.udp?.send(out, rinfo.port, rinfo.address);
      });
    });
    this.udp.on('error', (err) => {
      this.opts.logger.error('udp socket error', { err });
    });
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    this.batch?.close();
    this.batch = undefined;
    await Promise.all([
      new Promise<void>((resolve) => {
        if (this.udp)
          this.udp.close(() => {
            resolve();
          });
        else resolve();
      }),
      new Promise<void>((resolve) => {
        if (this.tcp)
          this.tcp.close(() => {
            resolve();
          });
        else resolve();
      }),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private onConnection(s: TcpSocket): void {
    this.conns.add(s);
    s.setTimeout(TCP_IDLE_TIMEOUT_MS, () => s.destroy());
    s.on('close', () => this.conns.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (len > MAX_QUERY_SIZE) {
          s.destroy();
          return;
        }
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(Buffer.from(msg), {
          address: s.remoteAddress ?? '',
          port: s.remotePort ?? 0,
          transport: 'tcp',
        }).then((out) => {
          if (!out || s.destroyed) return;
          const len2 = Buffer.alloc(2);
          len2.writeUInt16BE(out.length);
          s.write(Buffer.concat([len2, out]));
        });
      }
    });
  }

  /**
   * Sends the cached reply to `msg` back over `udp`, synchronously and without a promise or any
   * object of ours per query (the reply buffer is reused while the socket sends at once); false on
   * a miss.
   */
  private sendFromCache(udp: Socket, msg: Buffer, rinfo: RemoteInfo): boolean {
    const start = performance.now();
    const cache = this.opts.replyCache;
    if (!cache || msg.length < 12) return false;
    const hit = cache.get(msg, 'udp');
    if (!hit) return false;
    const out = cache.replyTo(hit, msg.readUInt16BE(0));
    if (!out) return false;
    this.count(hit, familyOf(rinfo.address), start);
    udp.send(out, rinfo.port, rinfo.address);
    // With literalLookup, send has passed the datagram to the kernel (and dgram holds nothing but a
    // reference) unless the socket queued it; only then is `out` still to be read.
    if (udp.getSendQueueCount() === 0) cache.release(hit, out);
    return true;
  }

  /** UdpBatchTarget: the batch listener's cached path (sendFromCache, into a shared out-slot). */
  cachedReplyInto(msg: Buffer, family: string, out: Buffer): number {
    const start = performance.now();
    const cache = this.opts.replyCache;
    if (!cache || msg.length < 12) return -1;
    const hit = cache.get(msg, 'udp');
    if (!hit) return -1;
    const reply = cache.replyTo(hit, msg.readUInt16BE(0));
    if (!reply) return -1;
    // Copied out at once: the reply buffer goes straight back to the entry.
    const n = reply.length <= out.length ? reply.copy(out) : -1;
    cache.release(hit, reply);
    if (n >= 0) this.count(hit, family, start);
    return n;
  }

  /** UdpBatchTarget: handle() after a cache miss. Never rejects. */
  answer(msg: Buffer, client: ClientInfo): Promise<Buffer | undefined> {
    return this.answerFrom(msg, client, performance.now());
  }

  /** The cached reply to `msg` from `address` with its ID, counted in the metrics; undefined on a miss. */
  private fromCache(msg: Buffer, transport: Transport, address: string): Buffer | undefined {
    const start = performance.now();
    const cache = this.opts.replyCache;
    if (!cache || msg.length < 12) return undefined;
    const hit = cache.get(msg, transport);
    if (!hit) return undefined;
    const out = cache.replyTo(hit, msg.readUInt16BE(0));
    if (!out) return undefined;
    this.count(hit, familyOf(address), start);
    return out;
  }

  /** Counts a reply from the cache in the server metrics (the slot is resolved once per family). */
  private count(hit: CachedReply, family: string, start: number): void {
    const m = this.opts.metrics;
    if (m) {
      let slot = hit.slots[family];
      if (!slot) {
        slot = m.querySlot({
          server: this.serverLabel,
          proto: hit.transport,
          family,
          type: hit.type,
          rcode: hit.rcode,
          plugin: hit.plugin,
        });
        hit.slots[family] = slot;
      }
      slot.observe((performance.now() - start) / 1000);
    }
  }

  private observe(
    client: ClientInfo,
    labels: { readonly type: string; readonly rcode: string; readonly plugin: string },
    start: number,
  ): void {
    this.opts.metrics?.observeQuery(
      {
        server: this.serverLabel,
        proto: client.transport,
        family: familyOf(client.address),
        type: labels.type,
        rcode: labels.rcode,
        plugin: labels.plugin,
      },
      (performance.now() - start) / 1000,
    );
  }

  /** One query in, the reply bytes out (undefined: drop). Never rejects. */
  async handle(msg: Buffer, client: ClientInfo): Promise<Buffer | undefined> {
    return (
      this.fromCache(msg, client.transport, client.address) ??
      this.answerFrom(msg, client, performance.now())
    );
  }

  /** handle() without the reply cache lookup (the UDP path has made it already). Never rejects. */
  private async answerFrom(
    msg: Buffer,
    client: ClientInfo,
    start: number,
  ): Promise<Buffer | undefined> {
    try {
      const q = parseQuery(msg, client);
      if (q.kind === 'drop') return undefined;
      const m = this.opts.metrics;
      if (q.kind === 'error') {
        m?.observeResponse({
          server: this.serverLabel,
          rcode: RcodeName[q.rcode] ?? String(q.rcode),
          plugin: '',
        });
        return encodeError(q.header, q.rcode);
      }
      const req = q.request;
      if (req.edns !== undefined && req.edns.version !== 0) {
        m?.observeResponse({ server: this.serverLabel, rcode: 'BADVERS', plugin: '' });
        return encodeBadVersion(req);
      }
      const rep = await this.opts.handler.serveDNS(req);
      const out = encodeReply(req, rep, client.transport === 'udp' ? udpLimit(req) : 65535);
      const labels = {
        type: qtypeName(req.qtype),
        rcode: RcodeName[rep.rcode] ?? String(rep.rcode),
        plugin: rep.plugin,
      };
      if (rep.stable === true)
        this.opts.replyCache?.set(msg, client.transport, {
          bytes: out,
          ...labels,
          ...(rep.aging ? { aging: rep.aging } : {}),
        });
      this.observe(client, labels, start);
      return out;
    } catch (err) {
      this.opts.logger.error('query failed', { err });
      // A reply could not be built (e.g. a record that does not encode): SERVFAIL with the header only.
      if (msg.length >= 12) return encodeError(msg.subarray(0, 12), 2);
      return undefined;
    }
  }
}
