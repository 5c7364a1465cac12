// kube-proxy's HTTP endpoints: /healthz and /livez (upstream's JSON body and 200/503 rule),
// /readyz, /metrics (Prometheus), /rules?format=iptables-save|ipvsadm|json.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { KubeProxyMetrics } from './metrics.js';
import type { ProxierHealth } from './proxier-health.js';
import type { RulesFormat } from './proxier.js';

export interface HttpDeps {
  readonly health: ProxierHealth;
  readonly metrics: KubeProxyMetrics;
  readonly registry: Registry;
  /** undefined before the first sync. */
  readonly rules: (format: RulesFormat) => string | undefined;
  readonly ready: () => boolean;
}

const formats: readonly RulesFormat[] = ['iptables-save', 'ipvsadm', 'json'];

/** A request handler over `deps`; never listens. */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kube-proxy');
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/healthz': {
        const h = deps.health.healthz();
        deps.metrics.healthzTotal.inc({ code: String(h.code) });
        send(h.code, h.body, 'application/json');
        return;
      }
      case '/livez': {
        const h = deps.health.livez();
        deps.metrics.livezTotal.inc({ code: String(h.code) });
        send(h.code, h.body, 'application/json');
        return;
      }
      case '/readyz':
        if (deps.ready()) send(200, 'ok');
        else send(503, 'not synced');
        return;
      case '/metrics':
        deps.registry.metrics().then(
          (m) => { send(200, m, deps.registry.contentType); },
          (err: unknown) => { send(500, String(err)); },
        );
        return;
      case '/rules': {
        const f = (url.searchParams.get('format') ?? 'iptables-save') as RulesFormat;
        if (!formats.includes(f)) {
          send(400, `unknown format "${f}" (iptables-save|ipvsadm|json)\n`);
          return;
        }
        const text = deps.rules(f);
        if (text === undefined) {
          send(f === 'ipvsadm' ? 404 : 503, f === 'ipvsadm' ? 'not in IPVS mode\n' : 'rules not synced yet\n');
          return;
        }
        send(200, text, f === 'json' ? 'application/json' : 'text/plain; charset=utf-8');
        return;
      }
      default:
        send(404, '404 page not found\n');
    }
  });
}

export async function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  return { host, port: typeof a === 'object' && a !== null ? a.port : port };
}
