// One answering process: the object source, the plugin chain and the DNS listeners. Alone (`--workers
// 1`) it also serves /health, /ready and /metrics and handles SIGTERM; as a cluster worker it reports
// to the primary (workers.ts) instead, which owns HTTP, lameduck and restarts.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import { initTelemetry, type Logger } from '@svclab/telemetry';
import { buildDnsChain } from './chain.js';
import type { DnsConfig } from './config.js';
import { createHttpServer } from './http.js';
import { exitAfterLameduck } from './lameduck.js';
import { DnsMetrics } from './metrics.js';
import { parseObjects, reloadObjects, staticSource } from './objects-file.js';
import type { ObjectSource } from './plugins/kubernetes/controller.js';
import { ready } from './plugins/kubernetes/ready.js';
import { ReplyCache } from './reply-cache.js';
import { DnsServer } from './server.js';
import { WorkerMessage, type FromWorker } from './worker-messages.js';

/** How often a worker checks whether its object source has synced (ms). */
const SYNC_POLL_MS = 100;

async function objectSource(
  cfg: DnsConfig,
  logger: Logger,
  signal: AbortSignal,
): Promise<ObjectSource> {
  if (cfg.objectsFile !== undefined) {
    const file = cfg.objectsFile;
    let loaded = parseObjects(readFileSync(file, 'utf8'));
    const controller = staticSource(loaded);
    logger.info('loaded objects', { file, counts: controller.size() });
    // SIGHUP re-reads the file (CoreDNS `reload`); a file that does not parse keeps the old objects.
    process.on('SIGHUP', () => {
      try {
        loaded = reloadObjects(controller, loaded, parseObjects(readFileSync(file, 'utf8')));
        logger.info('reloaded objects', { file, counts: controller.size() });
      } catch (err) {
        logger.error('reload failed; keeping the previous objects', { file, err });
      }
    });
    return controller;
  }
  if (cfg.apiserverURL !== undefined) {
    const { informerSource } = await import('./informer-source.js');
    return informerSource({
      url: cfg.apiserverURL,
      token: cfg.token,
      natsURL: cfg.natsURL,
      logger,
      signal,
      options: cfg.kubernetes,
    });
  }
  process.stderr.write('dns: need --objects FILE or APISERVER_URL\n');
  process.exit(2);
}

/** Runs until stopped: by SIGTERM/SIGINT after the lameduck period, or (worker) by the primary. */
export async function serve(
  cfg: DnsConfig,
  logger: Logger,
  role: 'single' | 'worker',
): Promise<void> {
  const stop = new AbortController();
  const telemetry = initTelemetry('dns');
  const objects = await objectSource(cfg, logger, stop.signal);
  const metrics = new DnsMetrics();
  const server = `dns://${cfg.dns.host}:${cfg.dns.port}`;
  const chain = buildDnsChain({
    objects,
    kubernetes: cfg.kubernetes,
    forward: {
      upstreams: cfg.upstreams,
      allow: cfg.allow,
      timeoutMs: cfg.forwardTimeoutMs,
      policy: cfg.forwardPolicy,
    },
    cache:
      cfg.cacheTTL === 0
        ? false
        : { successTTL: cfg.cacheTTL, denialTTL: Math.min(cfg.cacheTTL, 1800) },
    log: cfg.log,
    autopath: cfg.autopath ? { extraSearch: [] } : false,
    logger,
    metrics,
    server,
  });
  const dns = new DnsServer({
    host: cfg.dns.host,
    port: cfg.dns.port,
    handler: chain.handler,
    logger,
    metrics,
    udpBatch: cfg.udpBatch,
    ...(cfg.replyCacheEntries > 0
      ? { replyCache: new ReplyCache(() => objects.generation(), cfg.replyCacheEntries) }
      : {}),
  });
  await dns.start();
  const shutdown = async (): Promise<void> => {
    stop.abort();
    await Promise.all([dns.stop(), telemetry.shutdown()]);
  };
  if (role === 'worker') {
    runAsWorker({ objects, metrics, port: dns.port, shutdown });
    logger.info('worker listening', { dns: `${cfg.dns.host}:${dns.port}`, pid: process.pid });
    return;
  }

  let healthy = true;
  const http = createHttpServer({
    healthy: () => healthy,
    ready: () => ready(objects),
    registry: metrics.registry,
  });
  await new Promise<void>((resolve) => http.listen(cfg.http.port, cfg.http.host, resolve));
  const httpPort = (http.address() as AddressInfo).port;
  logger.info('listening', {
    dns: `${cfg.dns.host}:${dns.port}`,
    http: `${cfg.http.host}:${httpPort}`,
    zones: cfg.kubernetes.zones,
  });

  exitAfterLameduck({
    logger,
    ms: cfg.lameduckMs,
    http,
    onSignal: () => {
      healthy = false;
    },
    stop: shutdown,
  });
}

/** Worker side of the cluster: reports listening and synced, stops when told or orphaned. */
function runAsWorker({
  objects,
  metrics,
  port,
  shutdown,
}: {
  readonly objects: ObjectSource;
  readonly metrics: DnsMetrics;
  readonly port: number;
  readonly shutdown: () => Promise<void>;
}): void {
  const send = (m: FromWorker): void => {
    process.send?.(m);
  };
  // prom-client answers the primary's metric requests from these registries; its constructor
  // installs that IPC listener in a worker.
  AggregatorRegistry.setRegistries([metrics.registry]);
  new AggregatorRegistry();
  send({ type: WorkerMessage.Listening, port });
  const poll = setInterval(() => {
    if (!ready(objects)) return;
    clearInterval(poll);
    send({ type: WorkerMessage.Synced });
  }, SYNC_POLL_MS);
  if (ready(objects)) {
    clearInterval(poll);
    send({ type: WorkerMessage.Synced });
  }
  let stopping = false;
  const exit = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(poll);
    void shutdown().then(() => process.exit(0));
  };
  process.on('message', (m: { type?: unknown }) => {
    if (m.type === WorkerMessage.Stop) exit();
  });
  // The primary handles SIGTERM/SIGINT (lameduck) and tells workers when to stop; a terminal's ^C
  // reaches the whole process group, so workers ignore it.
  process.on('SIGTERM', () => undefined);
  process.on('SIGINT', () => undefined);
  process.on('disconnect', exit);
}
