// `svclab/echo`: HTTP on every TCP containerPort, answering who served the request and who asked.
//   /ready, /readyz   200 or 503 per the readiness knobs
//   /healthz, /livez  200 while the container runs
//   anything else     200 with JSON {pod, namespace, node, podIP, port, clientIP, clientPort, method, path, headers}
// Logs one access line per request (`<clientIP>:<clientPort> "<method> <url> HTTP/<v>" <status>`):
// the client address as the pod sees it, which tells SNAT from a preserved source.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseKnobs, readyAt } from './knobs.js';
import type { Workload, WorkloadContext } from './workload.js';

export interface EchoReply {
  pod: string;
  namespace: string;
  node: string;
  podIP: string;
  port: number;
  clientIP: string;
  clientPort: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startEchoHttp(
  ctx: WorkloadContext,
  now: () => number = Date.now,
): Promise<Workload> {
  const knobs = parseKnobs(ctx.env);
  const started = now();
  const ready = (): boolean => readyAt(knobs, now() - started);
  let exitCb: ((code: number, reason: string) => void) | undefined;
  const servers: Server[] = [];

  const handle =
    (port: number) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      res.once('finish', () => {
        const client = `${(req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')}:${String(req.socket.remotePort ?? 0)}`;
        ctx.log?.(
          `${client} "${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}" ${String(res.statusCode)}`,
        );
      });
      const reply = (): void => {
        if (path === '/ready' || path === '/readyz') {
          const ok = ready();
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
            .end(ok ? 'ok\n' : 'not ready\n');
          return;
        }
        if (path === '/healthz' || path === '/livez') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
          return;
        }
        const body: EchoReply = {
          pod: ctx.pod,
          namespace: ctx.namespace,
          node: ctx.node,
          podIP: ctx.podIP,
          port,
          clientIP: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
          clientPort: req.socket.remotePort ?? 0,
          method: req.method ?? 'GET',
          path,
          headers: req.headers,
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
      };
      req.resume();
      if (knobs.latencyMs > 0) setTimeout(reply, knobs.latencyMs);
      else reply();
    };

  try {
    for (const p of ctx.ports.filter((x) => x.protocol === 'TCP')) {
      const s = createServer({ keepAliveTimeout: 5_000 }, handle(p.port));
      await listen(s, ctx.podIP, p.port);
      servers.push(s);
      ctx.log?.(`listening on http://${ctx.podIP}:${String(p.port)}`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  const crash =
    knobs.crashAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          exitCb?.(1, 'Error');
        }, knobs.crashAfterMs);

  return {
    onExit: (cb) => {
      exitCb = cb;
    },
    selfReady: ready,
    stop: async () => {
      if (crash) clearTimeout(crash);
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => {
                resolve();
              });
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
