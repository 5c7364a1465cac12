// The userspace data plane: real traffic without privileges. The node entry (SOCKS5 on
// NODE_IP:1080) stands for "a connection from a pod on this node"; NodePort and externalIP
// listeners stand for traffic arriving at the node. Every new connection is decided by walking
// THIS node's current rules (`decide()` in iptables mode, `pickIpvs` in IPVS mode), recorded in
// the conntrack table, and spliced to the pod with socket.pipe (no per-byte work).
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from 'node:dgram';
import { connect, createServer, isIPv4, type Server, type Socket } from 'node:net';
import type { Packet, SchedulerState, VirtualServer } from '@svclab/proxy-rules';
import { AffinityTable, decide, newSchedulerState, pickIpvs, type IpvsScheduler } from '@svclab/proxy-rules';
import { podResolvConf, Resolver } from '@svclab/resolver';
import { realClock, type Clock } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { ConntrackTable, tupleKey, type ConntrackEntry, type ConntrackTuple } from '../conntrack.js';
import type { KubeProxyMetrics } from '../metrics.js';
import type { Dataplane, DataplaneSnapshot, ListenerSpec } from './dataplane.js';
import { isPortTaken, SourcePorts } from './source-ports.js';
import { namespaceFromUsername, readSocksRequest, SocksCommand, SocksReply, writeSocksReply } from './socks5.js';

/** What the rules say about a new connection. */
export type Route =
  | { readonly kind: 'connect'; readonly ip: string; readonly port: number; readonly sourceIP: string; readonly translated: boolean }
  | { readonly kind: 'reject' | 'drop' };

export interface UserspaceDataplaneOptions {
  readonly nodeName: string;
  readonly nodeIP: string;
  /** `--node-entry-port` (1080); 0 = pick a free port (tests). */
  readonly entryPort: number;
  /** `--cluster-dns host:port` for names given to the node entry; unset = names are unreachable. */
  readonly clusterDNS?: string;
  readonly clusterDomain?: string;
  /** `--cluster-cidr`: IPVS mode masquerades ClusterIP traffic from outside it. */
  readonly clusterCIDR?: string;
  readonly ipvsScheduler?: IpvsScheduler;
  /** `--conntrack-max`, entries; 0 = unlimited. */
  readonly conntrackMax: number;
  /** ms to wait for a pod to accept a connection. */
  readonly connectTimeoutMs?: number;
  readonly metrics: KubeProxyMetrics;
  readonly logger: Logger;
  /** `-m statistic` randomness, uniform in [0,1). */
  readonly rand?: () => number;
  readonly clock?: Clock;
}

/** Ports tried for a backend connection before letting the kernel choose. */
const MaxPortAttempts = 8;

type EntryKind = 'socks' | 'nodeport' | 'externalip';

interface UdpFlow {
  readonly entry: ConntrackEntry;
  readonly sock: UdpSocket;
}

interface Listener {
  readonly spec: ListenerSpec;
  readonly close: () => Promise<void>;
}

function listenerKey(l: ListenerSpec): string {
  return `${l.protocol} ${l.ip}:${l.port}`;
}

function plainIPv4(addr: string | undefined): string {
  if (addr === undefined) return '0.0.0.0';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

function inCIDR(cidr: string, ip: string): boolean {
  const [base, bitsS] = cidr.split('/');
  const bits = Number(bitsS ?? 32);
  const toInt = (s: string): number => s.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  if (base === undefined || !isIPv4(base) || !isIPv4(ip)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((toInt(base) & mask) >>> 0) === ((toInt(ip) & mask) >>> 0);
}

/**
 * One per node. `start()` opens the node entry; `apply()` swaps in a new rule snapshot and
 * reconciles NodePort/externalIP listeners. Established connections keep their backend (conntrack);
 * only new connections see new rules, as in the kernel.
 */
export class UserspaceDataplane implements Dataplane {
  readonly conntrack: ConntrackTable;
  readonly affinity: AffinityTable;
  private snapshot: DataplaneSnapshot | undefined;
  private vsIndex = new Map<string, VirtualServer>();
  private readonly schedStates = new Map<string, SchedulerState>();
  /** IPVS persistence: `vsKey client` → backend and expiry (ms). */
  private readonly persistence = new Map<string, { ip: string; port: number; expires: number }>();
  private readonly listeners = new Map<string, Listener>();
  /** Listeners that failed to open, so the warning is logged once, not at every sync. */
  private readonly failedListeners = new Set<string>();
  private readonly udpFlows = new Map<string, UdpFlow>();
  private readonly resolvers = new Map<string, Resolver>();
  private readonly sockets = new Set<Socket>();
  private entry: Server | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private readonly clock: Clock;
  private readonly rand: () => number;
  private readonly sourcePorts = new SourcePorts();

  constructor(private readonly opts: UserspaceDataplaneOptions) {
    this.clock = opts.clock ?? realClock;
    this.rand = opts.rand ?? Math.random;
    this.affinity = new AffinityTable(() => this.clock.now());
    this.conntrack = new ConntrackTable({
      max: opts.conntrackMax,
      clock: this.clock,
      onExhausted: () => { opts.metrics.conntrackDropped.inc(); },
    });
  }

  /** Opens the node entry; resolves with its address. */
  async start(): Promise<{ ip: string; port: number }> {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
      this.track(sock);
      void this.onSocks(sock);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.nodeIP, port: this.opts.entryPort, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.entry = server;
    this.sweep = setInterval(() => { this.sweepUdp(); }, 1000);
    this.sweep.unref();
    const addr = server.address();
    return { ip: this.opts.nodeIP, port: typeof addr === 'object' && addr !== null ? addr.port : this.opts.entryPort };
  }

  async apply(snapshot: DataplaneSnapshot): Promise<void> {
    this.snapshot = snapshot;
    const idx = new Map<string, VirtualServer>();
    for (const vs of snapshot.virtualServers ?? []) idx.set(`${vs.protocol} ${vs.address}:${vs.port}`, vs);
    this.vsIndex = idx;
    await this.reconcileListeners(snapshot.listeners);
    this.opts.metrics.conntrackEntries.set(this.conntrack.size);
  }

  /** Listeners currently open (`TCP 127.0.1.1:30080`). */
  openListeners(): string[] {
    return [...this.listeners.keys()].sort();
  }

  async close(): Promise<void> {
    if (this.sweep !== undefined) clearInterval(this.sweep);
    await Promise.all([...this.listeners.values()].map((l) => l.close()));
    this.listeners.clear();
    for (const f of this.udpFlows.values()) f.sock.close();
    this.udpFlows.clear();
    for (const s of this.sockets) s.destroy();
    const entry = this.entry;
    this.entry = undefined;
    if (entry !== undefined) await new Promise<void>((r) => entry.close(() => { r(); }));
  }

  // ---- decisions ----

  /** Applies this node's rules to the first packet of a connection. */
  route(pkt: Packet): Route {
    const snap = this.snapshot;
    const direct: Route = { kind: 'connect', ip: pkt.dstIP, port: pkt.dstPort, sourceIP: pkt.srcIP, translated: false };
    if (snap === undefined) return direct;
    if (snap.mode === 'ipvs') return this.routeIpvs(pkt, snap) ?? direct;
    if (snap.ruleSet === undefined) return direct;
    const d = decide(snap.ruleSet, pkt, this.rand, this.affinity);
    switch (d.verdict) {
      case 'dnat':
        return { kind: 'connect', ip: d.ip, port: d.port, sourceIP: d.masquerade ? this.opts.nodeIP : pkt.srcIP, translated: true };
      case 'reject':
      case 'drop':
        return { kind: d.verdict };
      case 'accept':
      case 'none':
        return direct;
    }
  }

  private routeIpvs(pkt: Packet, snap: DataplaneSnapshot): Route | undefined {
    const key = `${pkt.protocol} ${pkt.dstIP}:${pkt.dstPort}`;
    const vs = this.vsIndex.get(key);
    if (vs === undefined) return undefined;
    const servers = vs.realServers.filter((r) => r.weight > 0);
    if (servers.length === 0) return { kind: 'reject' };
    const masq =
      vs.kind === 'ClusterIP'
        ? this.opts.clusterCIDR === undefined || !inCIDR(this.opts.clusterCIDR, pkt.srcIP)
        : !(snap.externalLocal?.has(vs.servicePortName) ?? false);
    // An external client of an eTP Local service without a local endpoint: the remote pod's
    // unSNATed reply goes straight back to the client and is lost (upstream IPVS, #97081).
    if (vs.localFallback === true && !masq && !pkt.fromLocalPod) return { kind: 'drop' };
    const sourceIP = masq ? this.opts.nodeIP : pkt.srcIP;
    const now = this.clock.now();
    const pkey = `${key} ${pkt.srcIP}`;
    if (vs.persistentTimeout !== undefined) {
      const p = this.persistence.get(pkey);
      if (p !== undefined && p.expires > now && servers.some((s) => s.address === p.ip && s.port === p.port)) {
        p.expires = now + vs.persistentTimeout * 1000;
        return { kind: 'connect', ip: p.ip, port: p.port, sourceIP, translated: true };
      }
    }
    let state = this.schedStates.get(key);
    if (state === undefined) {
      state = newSchedulerState();
      this.schedStates.set(key, state);
    }
    const live = servers.map((s) => ({ weight: s.weight, activeConns: this.conntrack.connectionsTo(s.address, s.port), inactConns: 0 }));
    const i = pickIpvs(this.opts.ipvsScheduler ?? vs.scheduler, live, { srcIP: pkt.srcIP, dstIP: pkt.dstIP, state });
    const rs = servers[i];
    if (rs === undefined) return { kind: 'drop' };
    if (vs.persistentTimeout !== undefined) this.persistence.set(pkey, { ip: rs.address, port: rs.port, expires: now + vs.persistentTimeout * 1000 });
    return { kind: 'connect', ip: rs.address, port: rs.port, sourceIP, translated: true };
  }

  // ---- TCP ----

  private track(sock: Socket): void {
    this.sockets.add(sock);
    sock.once('close', () => this.sockets.delete(sock));
    sock.on('error', () => { sock.destroy(); });
  }

  /**
   * Routes and connects. Resolves with the pod socket, or the failure: `reject` (refused),
   * `drop` (rules drop, or conntrack full), `unreachable` (connect failed).
   */
  private async open(tuple: ConntrackTuple, pkt: Packet, entry: EntryKind): Promise<{ sock: Socket; tuple: ConntrackTuple } | { fail: 'reject' | 'drop' | 'refused' | 'unreachable' }> {
    const route = this.route(pkt);
    if (route.kind !== 'connect') {
      this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'TCP', verdict: route.kind });
      return { fail: route.kind };
    }
    if (!route.ip.startsWith('127.')) {
      // Local mode: everything lives on loopback; never send traffic elsewhere.
      this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'TCP', verdict: 'unreachable' });
      return { fail: 'unreachable' };
    }
    const ct = this.conntrack.insert(tuple, { ip: route.ip, port: route.port, sourceIP: route.sourceIP });
    if (ct === undefined) {
      this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'TCP', verdict: 'conntrack-full' });
      return { fail: 'drop' };
    }
    const up = await this.connectFrom(route);
    if (typeof up === 'string') {
      this.conntrack.delete(tuple);
      this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'TCP', verdict: up });
      return { fail: up };
    }
    this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'TCP', verdict: route.translated ? 'dnat' : 'direct' });
    up.once('close', () => { this.conntrack.delete(tuple); });
    return { sock: up, tuple };
  }

  /** Connects to the backend from `route.sourceIP`, on a port we name (see source-ports.ts). */
  private async connectFrom(route: { readonly ip: string; readonly port: number; readonly sourceIP: string }): Promise<Socket | 'refused' | 'unreachable'> {
    for (let attempt = 0; ; attempt++) {
      // After repeated clashes (a crowded range) the kernel picks.
      const localPort = attempt < MaxPortAttempts ? this.sourcePorts.pick() : 0;
      const r = await this.connectOnce(route, localPort);
      if (r !== 'taken' || localPort === 0) return r === 'taken' ? 'unreachable' : r;
    }
  }

  private connectOnce(route: { readonly ip: string; readonly port: number; readonly sourceIP: string }, localPort: number): Promise<Socket | 'refused' | 'unreachable' | 'taken'> {
    const up = connect({ host: route.ip, port: route.port, localAddress: route.sourceIP, localPort, allowHalfOpen: true, noDelay: true });
    this.track(up);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        up.destroy();
        resolve('unreachable');
      }, this.opts.connectTimeoutMs ?? 10_000);
      up.once('connect', () => {
        clearTimeout(timer);
        resolve(up);
      });
      up.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(err.code === 'ECONNREFUSED' ? 'refused' : isPortTaken(err) ? 'taken' : 'unreachable');
      });
    });
  }

  /** Splices two sockets; either closing tears down the other. */
  private splice(a: Socket, b: Socket, head?: Buffer): void {
    if (head !== undefined && head.length > 0) b.write(head);
    a.pipe(b);
    b.pipe(a);
    a.once('close', () => { b.destroy(); });
    b.once('close', () => { a.destroy(); });
    a.resume();
  }

  private async onSocks(sock: Socket): Promise<void> {
    let req;
    try {
      req = await readSocksRequest(sock);
    } catch (err) {
      this.opts.logger.debug('bad SOCKS handshake', { err });
      sock.destroy();
      return;
    }
    if (req.command === SocksCommand.UdpAssociate) {
      await this.udpAssociate(sock, namespaceFromUsername(req.username) ?? 'default');
      return;
    }
    if (req.command !== SocksCommand.Connect) {
      writeSocksReply(sock, SocksReply.CommandNotSupported);
      sock.end();
      return;
    }
    let dstIP = req.host;
    if (req.hostIsName && !isIPv4(req.host)) {
      const ip = await this.resolveName(req.host, namespaceFromUsername(req.username) ?? 'default');
      if (ip === undefined) {
        writeSocksReply(sock, SocksReply.HostUnreachable);
        sock.end();
        return;
      }
      dstIP = ip;
    }
    if (!isIPv4(dstIP)) {
      writeSocksReply(sock, SocksReply.AddressTypeNotSupported);
      sock.end();
      return;
    }
    const srcIP = plainIPv4(sock.remoteAddress);
    const pkt: Packet = { srcIP, dstIP, dstPort: req.port, protocol: 'TCP', fromLocalPod: true };
    const tuple: ConntrackTuple = { protocol: 'TCP', srcIP, srcPort: sock.remotePort ?? 0, dstIP, dstPort: req.port };
    const res = await this.open(tuple, pkt, 'socks');
    if ('fail' in res) {
      // REJECT → connection refused; DROP (e.g. Local policy without a local endpoint) → host unreachable.
      const rep = res.fail === 'reject' || res.fail === 'refused' ? SocksReply.ConnectionRefused : SocksReply.HostUnreachable;
      writeSocksReply(sock, rep);
      sock.end();
      return;
    }
    writeSocksReply(sock, SocksReply.Succeeded, { ip: plainIPv4(res.sock.localAddress), port: res.sock.localPort ?? 0 });
    this.splice(sock, res.sock, req.rest);
  }

  /**
   * SOCKS5 UDP ASSOCIATE: a relay socket on the node IP; each datagram's destination (address or
   * name) is routed by the rules like a UDP packet from a pod on this node, one conntrack flow per
   * (client port, destination); replies come back wrapped with the original destination, as the
   * kernel un-DNATs them. The association ends with the TCP control connection.
   */
  private async udpAssociate(ctrl: Socket, namespace: string): Promise<void> {
    const relay = createSocket('udp4');
    const clientIP = plainIPv4(ctrl.remoteAddress);
    const flows = new Map<string, UdpFlow>();
    relay.on('error', (err) => { this.opts.logger.debug('udp associate relay error', { err }); });
    try {
      await new Promise<void>((resolve, reject) => {
        relay.once('error', reject);
        relay.bind(0, this.opts.nodeIP, () => { relay.off('error', reject); resolve(); });
      });
    } catch {
      writeSocksReply(ctrl, SocksReply.GeneralFailure);
      ctrl.end();
      return;
    }
    const end = (): void => {
      for (const [, f] of flows) {
        f.sock.close();
        this.conntrack.delete(f.entry.tuple);
      }
      flows.clear();
      relay.close();
    };
    ctrl.once('close', end);
    ctrl.resume(); // nothing more is read from the control connection; its close ends the association
    relay.on('message', (msg, rinfo) => {
      if (rinfo.address !== clientIP) return; // only the client that asked may use the relay
      void this.onAssociateDatagram({ relay, flows, namespace }, msg, rinfo);
    });
    const a = relay.address();
    writeSocksReply(ctrl, SocksReply.Succeeded, { ip: this.opts.nodeIP, port: a.port });
  }

  private async onAssociateDatagram(
    st: { readonly relay: UdpSocket; readonly flows: Map<string, UdpFlow>; readonly namespace: string },
    msg: Buffer,
    rinfo: RemoteInfo,
  ): Promise<void> {
    // RSV(2) FRAG(1) ATYP(1) DST.ADDR DST.PORT DATA; fragments are not supported (dropped, RFC 1928 allows it).
    if (msg.length < 10 || msg[2] !== 0) return;
    let host: string;
    let off: number;
    if (msg[3] === 1) {
      host = [...msg.subarray(4, 8)].join('.');
      off = 8;
    } else if (msg[3] === 3) {
      const len = msg[4] ?? 0;
      host = msg.subarray(5, 5 + len).toString('utf8');
      off = 5 + len;
      if (!isIPv4(host)) {
        const ip = await this.resolveName(host, st.namespace);
        if (ip === undefined) return;
        host = ip;
      }
    } else {
      return;
    }
    if (msg.length < off + 2) return;
    const dstPort = msg.readUInt16BE(off);
    const data = msg.subarray(off + 2);
    const tuple: ConntrackTuple = { protocol: 'UDP', srcIP: rinfo.address, srcPort: rinfo.port, dstIP: host, dstPort };
    const key = tupleKey(tuple);
    let flow = st.flows.get(key);
    if (flow !== undefined && this.conntrack.lookup(tuple) === undefined) {
      flow.sock.close();
      st.flows.delete(key);
      flow = undefined;
    }
    if (flow === undefined) {
      const route = this.route({ srcIP: rinfo.address, dstIP: host, dstPort, protocol: 'UDP', fromLocalPod: true });
      if (route.kind !== 'connect' || !route.ip.startsWith('127.')) {
        this.opts.metrics.dataplaneConnections.inc({ entry: 'socks', protocol: 'UDP', verdict: route.kind === 'connect' ? 'unreachable' : route.kind });
        return;
      }
      const ct = this.conntrack.insert(tuple, { ip: route.ip, port: route.port, sourceIP: route.sourceIP });
      if (ct === undefined) {
        this.opts.metrics.dataplaneConnections.inc({ entry: 'socks', protocol: 'UDP', verdict: 'conntrack-full' });
        return;
      }
      const header = Buffer.from([0, 0, 0, 1, ...host.split('.').map(Number), dstPort >> 8, dstPort & 255]);
      const sock = createSocket('udp4');
      sock.on('error', (err) => { this.opts.logger.debug('udp flow error', { err }); });
      sock.on('message', (reply) => {
        this.conntrack.touch(ct, true);
        st.relay.send(Buffer.concat([header, reply]), rinfo.port, rinfo.address);
      });
      await new Promise<void>((resolve) => { sock.bind(0, route.sourceIP, () => { resolve(); }); });
      flow = { entry: ct, sock };
      st.flows.set(key, flow);
      this.opts.metrics.dataplaneConnections.inc({ entry: 'socks', protocol: 'UDP', verdict: route.translated ? 'dnat' : 'direct' });
    } else {
      this.conntrack.touch(flow.entry);
    }
    flow.sock.send(data, flow.entry.backendPort, flow.entry.backendIP);
  }

  private async resolveName(name: string, namespace: string): Promise<string | undefined> {
    const dns = this.opts.clusterDNS;
    if (dns === undefined || dns === '') return undefined;
    let r = this.resolvers.get(namespace);
    if (r === undefined) {
      r = new Resolver(podResolvConf(namespace, { nameserver: dns, zone: this.opts.clusterDomain ?? 'cluster.local' }));
      this.resolvers.set(namespace, r);
    }
    try {
      const res = await r.resolve(name, 'A');
      return res.addresses.find((a) => isIPv4(a));
    } catch (err) {
      this.opts.logger.debug('name resolution failed', { name, namespace, err });
      return undefined;
    }
  }

  private async onListenerTcp(sock: Socket, spec: ListenerSpec): Promise<void> {
    sock.pause();
    const srcIP = plainIPv4(sock.remoteAddress);
    const pkt: Packet = { srcIP, dstIP: spec.ip, dstPort: spec.port, protocol: 'TCP', fromLocalPod: false };
    const tuple: ConntrackTuple = { protocol: 'TCP', srcIP, srcPort: sock.remotePort ?? 0, dstIP: spec.ip, dstPort: spec.port };
    const entry: EntryKind = spec.kind === 'NodePort' ? 'nodeport' : 'externalip';
    const res = await this.open(tuple, pkt, entry);
    if ('fail' in res) {
      if (res.fail === 'reject' || res.fail === 'refused') sock.resetAndDestroy();
      else sock.destroy(); // DROP: the client sees no answer; we close instead of leaving it hanging
      return;
    }
    this.splice(sock, res.sock);
  }

  // ---- UDP ----

  private onListenerUdp(l: { readonly sock: UdpSocket; readonly spec: ListenerSpec }, msg: Buffer, rinfo: RemoteInfo): void {
    const { sock: listener, spec } = l;
    const tuple: ConntrackTuple = { protocol: 'UDP', srcIP: rinfo.address, srcPort: rinfo.port, dstIP: spec.ip, dstPort: spec.port };
    const key = tupleKey(tuple);
    let flow = this.udpFlows.get(key);
    if (flow !== undefined && this.conntrack.lookup(tuple) === undefined) {
      flow.sock.close();
      this.udpFlows.delete(key);
      flow = undefined;
    }
    const entry: EntryKind = spec.kind === 'NodePort' ? 'nodeport' : 'externalip';
    if (flow === undefined) {
      const route = this.route({ srcIP: rinfo.address, dstIP: spec.ip, dstPort: spec.port, protocol: 'UDP', fromLocalPod: false });
      if (route.kind !== 'connect' || !route.ip.startsWith('127.')) {
        this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'UDP', verdict: route.kind === 'connect' ? 'unreachable' : route.kind });
        return;
      }
      const ct = this.conntrack.insert(tuple, { ip: route.ip, port: route.port, sourceIP: route.sourceIP });
      if (ct === undefined) {
        this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'UDP', verdict: 'conntrack-full' });
        return;
      }
      const sock = createSocket('udp4');
      sock.on('error', (err) => {
        this.opts.logger.debug('udp flow error', { err });
      });
      sock.on('message', (reply) => {
        this.conntrack.touch(ct, true);
        listener.send(reply, rinfo.port, rinfo.address);
      });
      sock.bind(0, route.sourceIP);
      flow = { entry: ct, sock };
      this.udpFlows.set(key, flow);
      this.opts.metrics.dataplaneConnections.inc({ entry, protocol: 'UDP', verdict: route.translated ? 'dnat' : 'direct' });
    } else {
      this.conntrack.touch(flow.entry);
    }
    flow.sock.send(msg, flow.entry.backendPort, flow.entry.backendIP);
  }

  private sweepUdp(): void {
    for (const [key, f] of this.udpFlows) {
      if (this.conntrack.lookup(f.entry.tuple) === undefined) {
        f.sock.close();
        this.udpFlows.delete(key);
      }
    }
    const now = this.clock.now();
    for (const [k, p] of this.persistence) if (p.expires <= now) this.persistence.delete(k);
    this.opts.metrics.conntrackEntries.set(this.conntrack.size);
  }

  // ---- listeners ----

  private async reconcileListeners(specs: readonly ListenerSpec[]): Promise<void> {
    const want = new Map(specs.map((s) => [listenerKey(s), s]));
    const closing: Promise<void>[] = [];
    for (const [k, l] of this.listeners) {
      if (!want.has(k)) {
        this.listeners.delete(k);
        closing.push(l.close());
      }
    }
    const opening: Promise<void>[] = [];
    for (const [k, spec] of want) {
      if (this.listeners.has(k)) continue;
      opening.push(
        this.openListener(spec).then(
          (l) => {
            this.listeners.set(k, l);
            this.failedListeners.delete(k);
          },
          (err: unknown) => {
            // e.g. EADDRINUSE: another node process serves this externalIP on the same machine.
            if (this.failedListeners.has(k)) {
              this.opts.logger.debug('cannot open listener', { listener: k, err });
              return;
            }
            this.failedListeners.add(k);
            this.opts.logger.warn('cannot open listener', { listener: k, err });
          },
        ),
      );
    }
    await Promise.all([...closing, ...opening]);
  }

  private openListener(spec: ListenerSpec): Promise<Listener> {
    if (spec.protocol === 'UDP') {
      return new Promise((resolve, reject) => {
        const sock = createSocket('udp4');
        sock.once('error', reject);
        sock.on('message', (msg, rinfo) => { this.onListenerUdp({ sock, spec }, msg, rinfo); });
        sock.bind(spec.port, spec.ip, () => {
          sock.off('error', reject);
          sock.on('error', (err) => { this.opts.logger.warn('udp listener error', { err }); });
          resolve({ spec, close: () => new Promise((r) => { sock.close(() => { r(); }); }) });
        });
      });
    }
    return new Promise((resolve, reject) => {
      const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (sock) => {
        this.track(sock);
        void this.onListenerTcp(sock, spec);
      });
      server.once('error', reject);
      server.listen({ host: spec.ip, port: spec.port, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve({ spec, close: () => new Promise((r) => { server.close(() => { r(); }); }) });
      });
    });
  }
}
