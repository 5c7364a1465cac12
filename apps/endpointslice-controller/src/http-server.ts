// /healthz, /readyz and /metrics on --metrics-bind-address (node:http; no framework needed).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  readonly registry: Registry;
  /** /readyz answers 200 only while this returns true (caches synced). */
  readonly ready: () => boolean;
  /** /healthz answers 200 while this returns true; default always. */
  readonly healthy?: (() => boolean) | undefined;
}

export interface HealthServer {
  readonly server: Server;
  /** `host:port` actually bound (port 0 resolved). */
  readonly address: string;
  close(): Promise<void>;
}

function splitHostPort(bind: string): { host: string; port: number } {
  const i = bind.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid bind address "${bind}": missing port`);
  const host = bind.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(bind.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid bind address "${bind}": bad port`);
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export async function startHealthServer(
  bind: string,
  opts: HealthServerOptions,
): Promise<HealthServer> {
  const { host, port } = splitHostPort(bind);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const text = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      text(405, 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
      case '/livez':
        if (opts.healthy?.() ?? true) text(200, 'ok');
        else text(500, 'unhealthy');
        return;
      case '/readyz':
        if (opts.ready()) text(200, 'ok');
        else text(503, 'informers not synced');
        return;
      case '/metrics':
        opts.registry.metrics().then(
          (body) => {
            text(200, body, opts.registry.contentType);
          },
          (err: unknown) => {
            text(500, String(err));
          },
        );
        return;
      default:
        text(404, '404 page not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    address: `${addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
