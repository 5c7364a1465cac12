// The health, ready and metrics endpoints (CoreDNS health/ready/prometheus plugins) on one port.
import { createServer, type Server } from 'node:http';

export interface HttpDeps {
  /** false during lameduck. */
  readonly healthy: () => boolean;
  /** true once the kubernetes plugin has synced. */
  readonly ready: () => boolean;
  /** The process's registry, or (workers) one that sums the workers' metrics. */
  readonly registry: { metrics(): Promise<string>; readonly contentType: string };
}

/** /health and /healthz → 200 "OK" (503 in lameduck); /ready and /readyz → 200 once synced; /metrics. */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    switch (path) {
      case '/health':
      case '/healthz':
        if (deps.healthy()) send(200, 'OK');
        else send(503, 'lameduck');
        return;
      case '/ready':
      case '/readyz':
        if (deps.ready()) send(200, 'OK');
        else send(503, 'kubernetes');
        return;
      case '/metrics':
        deps.registry.metrics().then(
          (m) => {
            send(200, m, deps.registry.contentType);
          },
          (err: unknown) => {
            send(500, String(err));
          },
        );
        return;
      default:
        send(404, 'not found');
    }
  });
}
