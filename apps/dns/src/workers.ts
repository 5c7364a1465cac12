// The primary of `--workers N`: forks N workers (serve.ts) that share the UDP and TCP sockets through
// Node's cluster module (the primary holds the handles; the kernel hands each datagram to one
// reader), restarts a worker that dies, and serves /health, /ready and /metrics for all of them:
// ready once every worker has synced, metrics summed over the workers (prom-client's
// AggregatorRegistry). SIGTERM/SIGINT start the lameduck period, after which the workers are stopped.
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '@svclab/telemetry';
import type { DnsConfig } from './config.js';
import { createHttpServer } from './http.js';
import { exitAfterLameduck } from './lameduck.js';
import { WorkerMessage, type FromWorker } from './worker-messages.js';

/** A worker that dies is forked again after this long (ms), so a crash loop does not spin. */
export const WORKER_RESTART_DELAY_MS = 1000;
/** After the lameduck period, workers that have not exited this long after Stop are killed (ms). */
const WORKER_STOP_TIMEOUT_MS = 5000;

interface WorkerState {
  port: number | undefined;
  synced: boolean;
}

export async function runPrimary(cfg: DnsConfig, logger: Logger): Promise<void> {
  const states = new Map<number, WorkerState>();
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let announced = false;
  let httpAddress = '';

  const announce = (): void => {
    const ports = [...states.values()].map((s) => s.port);
    if (announced || ports.length < cfg.workers || ports.some((p) => p === undefined)) return;
    announced = true;
    logger.info('listening', {
      dns: `${cfg.dns.host}:${String(ports[0])}`,
      http: httpAddress,
      zones: cfg.kubernetes.zones,
      workers: cfg.workers,
    });
  };
  const fork = (): void => {
    const w = cluster.fork();
    const state: WorkerState = { port: undefined, synced: false };
    states.set(w.id, state);
    // NOTE: prom-client's metric replies arrive on the same channel; only our types count here.
    w.on('message', (raw: { readonly type?: unknown }) => {
      const m = raw as FromWorker;
      if (m.type === WorkerMessage.Listening) {
        state.port = m.port;
        announce();
      } else if ((raw.type as string) === WorkerMessage.Synced) state.synced = true;
    });
  };
  cluster.on('exit', (w: Worker, code: number | null, signal: string | null) => {
    const state = states.get(w.id);
    states.delete(w.id);
    if (stopping) return;
    if (!announced && state?.port === undefined) {
      // Startup failed (bad flags, address in use, …): exit as the single process would.
      logger.error('worker failed before listening; exiting', { pid: w.process.pid, code, signal });
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGKILL');
      process.exit(code !== null && code !== 0 ? code : 1);
    }
    logger.error('worker exited; restarting', {
      pid: w.process.pid,
      code,
      signal,
      delayMs: WORKER_RESTART_DELAY_MS,
    });
    setTimeout(() => {
      if (!stopping) fork();
    }, WORKER_RESTART_DELAY_MS);
  });

  let healthy = true;
  const http = createHttpServer({
    healthy: () => healthy,
    // Every worker is up and synced: a restarted worker makes the server unready until it syncs.
    ready: () =>
      states.size === cfg.workers &&
      [...states.values()].every((s) => s.synced && s.port !== undefined),
    registry: {
      metrics: () => aggregator.clusterMetrics(),
      contentType: aggregator.contentType,
    },
  });
  await new Promise<void>((resolve) => http.listen(cfg.http.port, cfg.http.host, resolve));
  httpAddress = `${cfg.http.host}:${String((http.address() as AddressInfo).port)}`;
  for (let i = 0; i < cfg.workers; i++) fork();

  const stopWorkers = async (): Promise<void> => {
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      live.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), WORKER_STOP_TIMEOUT_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (w.isConnected()) w.send({ type: WorkerMessage.Stop });
            else w.process.kill('SIGKILL');
          }),
      ),
    );
  };
  exitAfterLameduck({
    logger,
    ms: cfg.lameduckMs,
    http,
    onSignal: () => {
      stopping = true;
      healthy = false;
    },
    stop: stopWorkers,
  });
  // `--objects`: each worker re-reads the file (workers on informers have nothing to reload).
  process.on('SIGHUP', () => {
    if (cfg.objectsFile === undefined) return;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });
}
