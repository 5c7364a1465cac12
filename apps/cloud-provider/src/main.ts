// cloud-provider entry point: flags/env, telemetry, Service and Node informers (watch over NATS),
// the LB pool, listeners and node health checks, /healthz /readyz /metrics; SIGTERM → clean exit.
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Service } from '@svclab/api';
import {
  createClient,
  natsListerWatcherFactory,
  newEventRecorder,
  newRateLimitingQueue,
  SharedInformerFactory,
} from '@svclab/client';
import { createLogger, initTelemetry, parseLogLevel } from '@svclab/telemetry';
import { connect, type NatsConnection } from 'nats';
import { startHealthServer } from './http-server.js';
import { LoadBalancerIPPool } from './lb-ip-pool.js';
import { LoadBalancerListeners } from './lb-listeners.js';
import { CloudProviderMetrics } from './metrics.js';
import { NodeHealthChecker } from './node-health-checker.js';
import { isConfigError, parseConfig } from './options.js';
import { ServiceController } from './service-controller.js';

const component = 'cloud-provider';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  let pool;
  try {
    config = parseConfig(argv, env);
    pool = new LoadBalancerIPPool(config.lbPool);
  } catch (err) {
    if (!isConfigError(err) && !(err instanceof Error && err.message.startsWith('invalid --lb-pool'))) throw err;
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger({ component, level: parseLogLevel(config.logLevel) });
  const telemetry = initTelemetry(component, env);
  const ac = new AbortController();
  setMaxListeners(100, ac.signal);
  process.once('SIGTERM', () => { logger.info('shutting down', { signal: 'SIGTERM' }); ac.abort(); });
  process.once('SIGINT', () => { logger.info('shutting down', { signal: 'SIGINT' }); ac.abort(); });

  const metrics = new CloudProviderMetrics();
  let ready = (): boolean => false;
  const health = await startHealthServer(config.metricsBindAddress, { registry: metrics.registry, ready: () => ready() });
  logger.info('serving health and metrics', { address: health.address, lbPool: config.lbPool });
  const client = createClient({ server: config.apiserverURL, userAgent: component, ...(config.token === '' ? {} : { token: config.token }) });

  let nc: NatsConnection | undefined;
  if (config.natsURL !== '') {
    const aborted = new Promise<undefined>((r) => { ac.signal.addEventListener('abort', () => { r(undefined); }, { once: true }); });
    const connecting = connect({ servers: config.natsURL, name: component, waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    nc = await Promise.race([connecting, aborted]);
    if (nc === undefined) {
      void connecting.then((c) => c.close(), () => undefined);
      await health.close();
      await telemetry.shutdown();
      return 0;
    }
    logger.info('connected to NATS', { url: config.natsURL });
  }
  const factory = new SharedInformerFactory({ client, logger, ...(nc === undefined ? {} : { newListerWatcher: natsListerWatcherFactory(client, nc, logger) }) });
  const healthChecker = new NodeHealthChecker({ periodMs: config.healthCheckPeriodMs });
  const listeners = new LoadBalancerListeners({
    logger,
    healthy: (t) => healthChecker.healthy(t),
    onConnection: (r) => { metrics.connection(r); },
  });
  const services = client.resource('services');
  const controller = new ServiceController({
    services: { informer: factory.informerFor('services'), lister: factory.lister('services') },
    nodes: { informer: factory.informerFor('nodes'), lister: factory.lister('nodes') },
    statusWriter: { updateStatus: (svc: Service) => services.namespace(svc.metadata.namespace ?? '').updateStatus(svc) },
    pool,
    listeners,
    healthChecker,
    queue: newRateLimitingQueue<string>({ name: 'service' }),
    metrics,
    logger,
    events: newEventRecorder(client, { component: 'service-controller' }, { logger }),
  });
  metrics.poolSize.set(poolSizeOf(config.lbPool));
  ready = () => controller.hasSynced();
  const gauge = setInterval(() => { metrics.listeners.set(listeners.listening().length); }, 1000);
  factory.start(ac.signal);
  healthChecker.start(ac.signal);
  try {
    await controller.run(config.concurrentServiceSyncs, ac.signal);
  } finally {
    clearInterval(gauge);
    ac.abort();
    await listeners.closeAll();
    await factory.shutdown();
    await nc?.close();
    await health.close();
    await telemetry.shutdown();
    logger.info('stopped');
  }
  return 0;
}

function poolSizeOf(cidr: string): number {
  const bits = Number(cidr.split('/')[1] ?? '32');
  const size = 2 ** (32 - bits);
  return size >= 4 ? size - 2 : size;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2), process.env).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
