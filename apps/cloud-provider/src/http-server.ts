// /healthz, /readyz and /metrics on --metrics-bind-address (node:http).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthServer {
  readonly server: Server;
  /** `host:port` actually bound. */
  readonly address: string;
  close(): Promise<void>;
}

export function splitHostPort(bind: string): { host: string; port: number } {
  const i = bind.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid bind address "${bind}": missing port`);
  const port = Number(bind.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid bind address "${bind}": bad port`);
  const host = bind.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Serves the three endpoints; /readyz is 200 only while `ready()` is true. */
export async function startHealthServer(bind: string, opts: { registry: Registry; ready: () => boolean }): Promise<HealthServer> {
  const { host, port } = splitHostPort(bind);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const text = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz' || path === '/livez') text(200, 'ok');
    else if (path === '/readyz') {
      if (opts.ready()) text(200, 'ok');
      else text(503, 'informers not synced');
    } else if (path === '/metrics') {
      opts.registry.metrics().then((b) => { text(200, b, opts.registry.contentType); }, (err: unknown) => { text(500, String(err)); });
    } else text(404, '404 page not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    address: `${a.address}:${a.port}`,
    close: () => new Promise<void>((r) => { server.close(() => { r(); }); server.closeAllConnections(); }),
  };
}
