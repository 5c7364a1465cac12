// Per-Service health check node ports (pkg/proxy/healthcheck/service_health.go): for every Service
// with spec.healthCheckNodePort, a listener on NODE_IP:<port> answering 200 when the node has
// local endpoints for it, else 503, with upstream's JSON body.
import { createServer, type Server } from 'node:http';
import type { Logger } from '@svclab/telemetry';

export interface ServiceHealthSpec {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  readonly localEndpoints: number;
}

interface Entry {
  spec: ServiceHealthSpec;
  readonly server: Server;
}

/** Owned by the proxier; `sync` after every successful rules sync. */
export class ServiceHealthServer {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly nodeIP: string,
    private readonly logger: Logger,
  ) {}

  /** Reconciles listeners with `specs` (keyed by port) and updates endpoint counts. */
  async sync(specs: readonly ServiceHealthSpec[]): Promise<void> {
    const want = new Map(specs.map((s) => [s.port, s]));
    const closing: Promise<void>[] = [];
    for (const [port, e] of this.entries) {
      if (!want.has(port)) {
        this.entries.delete(port);
        closing.push(new Promise((r) => e.server.close(() => { r(); })));
        e.server.closeAllConnections();
      }
    }
    for (const [port, spec] of want) {
      const e = this.entries.get(port);
      if (e !== undefined) {
        e.spec = spec;
        continue;
      }
      const entry: Entry = { spec, server: createServer((_req, res) => {
        const s = entry.spec;
        const body = JSON.stringify({ service: { namespace: s.namespace, name: s.name }, localEndpoints: s.localEndpoints, serviceProxyHealthy: true });
        res.writeHead(s.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
        res.end(body);
      }) };
      this.entries.set(port, entry);
      try {
        await new Promise<void>((resolve, reject) => {
          entry.server.once('error', reject);
          entry.server.listen(port, this.nodeIP, () => { entry.server.off('error', reject); resolve(); });
        });
      } catch (err) {
        this.entries.delete(port);
        this.logger.warn('cannot open health check node port', { port, service: `${spec.namespace}/${spec.name}`, err });
      }
    }
    await Promise.all(closing);
  }

  ports(): number[] {
    return [...this.entries.keys()];
  }

  async close(): Promise<void> {
    await this.sync([]);
  }
}
