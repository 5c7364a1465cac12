// The data plane: one real TCP listener per LB IP:port on the loopback address, forwarding each
// connection to a node's NodePort (round-robin), enforcing loadBalancerSourceRanges and, for
// externalTrafficPolicy Local, only healthy nodes with the client's address kept as source.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@svclab/telemetry';
import { unmapIpv4 } from './ipv4.js';
import type { LoadBalancerBackend, LoadBalancerListenerSpec } from './load-balancer-plan.js';
import type { HealthCheckTarget } from './node-health-checker.js';
import { sourceAllowed } from './source-ranges.js';

/** Outcome label of `svclab_cloud_provider_connections_total`. */
export type ConnectionResult = 'forwarded' | 'refused' | 'no_backend' | 'backend_error';

export interface LoadBalancerListenersOptions {
  readonly logger: Logger;
  /** Health of a node for an eTP Local Service; default: every node healthy. */
  readonly healthy?: (target: HealthCheckTarget) => boolean;
  readonly onConnection?: (result: ConnectionResult, service: string) => void;
  /** Connect timeout to a NodePort, ms (default 3000). */
  readonly connectTimeoutMs?: number;
}

interface Listener {
  spec: LoadBalancerListenerSpec;
  readonly server: Server;
  readonly sockets: Set<Socket>;
  next: number;
  /** 'listening' once bound; 'failed' when the bind failed (retried on the next sync). */
  state: 'binding' | 'listening' | 'failed';
}

/**
 * Owns the listeners. `sync` is level-triggered: it opens missing listeners, closes the ones no
 * longer wanted (and their connections), and updates the others in place.
 */
export class LoadBalancerListeners {
  private readonly listeners = new Map<string, Listener>();
  private backends: readonly LoadBalancerBackend[] = [];

  constructor(private readonly opts: LoadBalancerListenersOptions) {}

  sync(specs: readonly LoadBalancerListenerSpec[], backends: readonly LoadBalancerBackend[]): void {
    this.backends = backends;
    const want = new Map(specs.map((s) => [s.key, s]));
    for (const [key, l] of this.listeners) {
      if (!want.has(key) || l.state === 'failed') void this.close(key, l);
    }
    for (const [key, spec] of want) {
      const l = this.listeners.get(key);
      if (l === undefined) this.open(spec);
      else l.spec = spec;
    }
  }

  /** The keys of the listeners that are bound (for readiness and tests). */
  listening(): string[] {
    return [...this.listeners].filter(([, l]) => l.state === 'listening').map(([k]) => k);
  }

  /** Resolves once every listener is bound or failed. */
  async settled(): Promise<void> {
    const binding = [...this.listeners.values()].filter((l) => l.state === 'binding');
    await Promise.all(
      binding.map((l) => new Promise<void>((r) => { l.server.once('listening', r); l.server.once('error', () => { r(); }); })),
    );
  }

  async closeAll(): Promise<void> {
    const all = [...this.listeners];
    await Promise.all(all.map(([k, l]) => this.close(k, l)));
  }

  private open(spec: LoadBalancerListenerSpec): void {
    const sockets = new Set<Socket>();
    const server = createServer({ pauseOnConnect: true });
    const l: Listener = { spec, server, sockets, next: 0, state: 'binding' };
    server.on('connection', (s) => {
      this.handle(l, s);
    });
    server.on('error', (err) => {
      l.state = 'failed';
      this.opts.logger.warn('LB listener failed', { service: l.spec.service, listener: l.spec.key, err: err.message });
    });
    server.listen({ host: spec.ip, port: spec.port, exclusive: true }, () => {
      l.state = 'listening';
      this.opts.logger.info('LB listener up', { service: l.spec.service, listener: l.spec.key, nodePort: l.spec.nodePort });
    });
    this.listeners.set(spec.key, l);
  }

  private close(key: string, l: Listener): Promise<void> {
    this.listeners.delete(key);
    for (const s of l.sockets) s.destroy();
    return new Promise((r) => {
      if (l.state !== 'listening') {
        r();
        return;
      }
      l.server.close(() => { r(); });
    });
  }

  private candidates(spec: LoadBalancerListenerSpec): LoadBalancerBackend[] {
    if (!spec.local) return [...this.backends];
    const hc = spec.healthCheckNodePort;
    const healthy = this.opts.healthy;
    if (hc === undefined || healthy === undefined) return [...this.backends];
    return this.backends.filter((b) => healthy({ ip: b.ip, port: hc }));
  }

  private handle(l: Listener, client: Socket): void {
    const spec = l.spec;
    const clientIp = unmapIpv4(client.remoteAddress ?? '');
    const count = (r: ConnectionResult): void => this.opts.onConnection?.(r, spec.service);
    if (!sourceAllowed(spec.sourceRanges, clientIp)) {
      count('refused');
      this.opts.logger.debug('LB connection refused by loadBalancerSourceRanges', { service: spec.service, client: clientIp });
      client.destroy();
      return;
    }
    const cands = this.candidates(spec);
    if (cands.length === 0) {
      count('no_backend');
      client.destroy();
      return;
    }
    l.sockets.add(client);
    client.on('close', () => l.sockets.delete(client));
    client.on('error', () => undefined);
    const start = l.next++ % cands.length;
    const attempt = (i: number): void => {
      if (i >= cands.length || client.destroyed) {
        count('backend_error');
        client.destroy();
        return;
      }
      const b = cands[(start + i) % cands.length];
      if (b === undefined) return;
      const upstream = connect({
        host: b.ip,
        port: spec.nodePort,
        // Source-IP preservation on loopback: any 127.x address can be bound.
        ...(spec.local && clientIp.startsWith('127.') ? { localAddress: clientIp } : {}),
        timeout: this.opts.connectTimeoutMs ?? 3000,
      });
      const fail = (): void => {
        upstream.destroy();
        attempt(i + 1);
      };
      upstream.once('error', fail);
      upstream.once('timeout', fail);
      upstream.once('connect', () => {
        upstream.off('error', fail);
        upstream.off('timeout', fail);
        upstream.setTimeout(0);
        count('forwarded');
        l.sockets.add(upstream);
        upstream.on('close', () => l.sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }
}
