// `svclab/client`: the steady-state probe of chaos experiments. Sends GET TARGET_URL at RATE
// requests/s through the node's network entry (SOCKS5) and serves its counters as JSON on
// every TCP containerPort (`GET /stats`) and in Prometheus text (`GET /metrics`).
import { createServer, request, type Server } from 'node:http';
import { socks5Connect } from './socks5-connect.js';
import type { Workload, WorkloadContext } from './workload.js';

export interface ClientStats {
  target: string;
  sent: number;
  succeeded: number;
  failed: number;
  /** Latency quantiles of successful requests over the last 1,000, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  lastError: string | null;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export async function startClient(ctx: WorkloadContext): Promise<Workload> {
  const target = ctx.env['TARGET_URL'] ?? '';
  const rate = Math.max(0.1, Number(ctx.env['RATE'] ?? '1') || 1);
  const url = new URL(target === '' ? 'http://invalid.invalid/' : target);
  const latencies: number[] = [];
  const stats: ClientStats = {
    target,
    sent: 0,
    succeeded: 0,
    failed: 0,
    p50Ms: 0,
    p99Ms: 0,
    lastError: null,
  };
  const fail = (e: string): void => {
    stats.failed++;
    stats.lastError = e;
    ctx.log?.(`${target} failed: ${e}`);
  };

  const once = (): void => {
    if (target === '') {
      fail('TARGET_URL is not set');
      return;
    }
    if (ctx.nodeEntry === undefined) {
      fail('no node network entry on this node');
      return;
    }
    stats.sent++;
    const t0 = performance.now();
    const port = Number(url.port || 80);
    socks5Connect(ctx.nodeEntry, { host: url.hostname, port }).then(
      (sock) => {
        const req = request(
          {
            createConnection: () => sock,
            host: url.hostname,
            port,
            path: url.pathname + url.search,
            timeout: 5000,
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if ((res.statusCode ?? 0) < 500) {
                stats.succeeded++;
                const ms = performance.now() - t0;
                ctx.log?.(`${target} ${String(res.statusCode ?? 0)} in ${ms.toFixed(1)} ms`);
                latencies.push(ms);
                if (latencies.length > 1000) latencies.shift();
              } else fail(`HTTP ${res.statusCode ?? 0}`);
            });
          },
        );
        req.on('error', (e) => {
          fail(e.message);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
      },
      (e: unknown) => {
        fail(e instanceof Error ? e.message : String(e));
      },
    );
  };
  const timer = setInterval(once, 1000 / rate);

  const servers: Server[] = [];
  for (const p of ctx.ports.filter((x) => x.protocol === 'TCP')) {
    const s = createServer((req, res) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      stats.p50Ms = quantile(sorted, 0.5);
      stats.p99Ms = quantile(sorted, 0.99);
      if (req.url === '/metrics') {
        res
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
          .end(
            [
              `svclab_client_requests_total{result="success"} ${stats.succeeded}`,
              `svclab_client_requests_total{result="failure"} ${stats.failed}`,
              `svclab_client_latency_milliseconds{quantile="0.5"} ${stats.p50Ms}`,
              `svclab_client_latency_milliseconds{quantile="0.99"} ${stats.p99Ms}`,
              '',
            ].join('\n'),
          );
      } else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(p.port, ctx.podIP, () => {
        resolve();
      });
    });
    servers.push(s);
  }
  return {
    onExit: () => undefined,
    selfReady: () => true,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
