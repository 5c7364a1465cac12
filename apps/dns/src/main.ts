// dns: a CoreDNS-like cluster DNS. Flags in config.ts (USAGE); env APISERVER_URL, SVCLAB_TOKEN, NATS_URL, LOG_LEVEL.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createLogger, initTelemetry, parseLogLevel } from '@svclab/telemetry';
import { buildDnsChain } from './chain.js';
import { ConfigError, parseConfig } from './config.js';
import { createHttpServer } from './http.js';
import { DnsMetrics } from './metrics.js';
import { parseObjects, reloadObjects, staticSource } from './objects-file.js';
import type { ObjectSource } from './plugins/kubernetes/controller.js';
import { ready } from './plugins/kubernetes/ready.js';
import { DnsServer } from './server.js';

async function main(): Promise<void> {
  const logger = createLogger({ component: 'dns', level: parseLogLevel(process.env['LOG_LEVEL']) });
  let cfg;
  try {
    cfg = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError && err.message.startsWith('usage') ? 0 : 2);
  }
  const stop = new AbortController();
  const telemetry = initTelemetry('dns');
  let objects: ObjectSource & { size?: () => unknown };
  if (cfg.objectsFile !== undefined) {
    const file = cfg.objectsFile;
    let loaded = parseObjects(readFileSync(file, 'utf8'));
    const controller = staticSource(loaded);
    objects = controller;
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
  } else if (cfg.apiserverURL !== undefined) {
    const { informerSource } = await import('./informer-source.js');
    objects = await informerSource({
      url: cfg.apiserverURL,
      token: cfg.token,
      natsURL: cfg.natsURL,
      logger,
      signal: stop.signal,
      options: cfg.kubernetes,
    });
  } else {
    process.stderr.write('dns: need --objects FILE or APISERVER_URL\n');
    process.exit(2);
  }
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
  });
  await dns.start();
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

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    healthy = false;
    logger.info('lameduck', { signal, ms: cfg.lameduckMs });
    setTimeout(() => {
      stop.abort();
      void Promise.all([
        dns.stop(),
        new Promise<void>((r) =>
          http.close(() => {
            r();
          }),
        ),
        telemetry.shutdown(),
      ]).then(() => {
        logger.info('stopped');
        process.exit(0);
      });
      http.closeAllConnections();
    }, cfg.lameduckMs).unref();
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
}

void main();
