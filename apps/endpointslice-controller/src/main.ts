// endpointslice-controller entry point: config from flags/env, telemetry, informers, leader
// election, workers, /healthz /readyz /metrics; SIGTERM/SIGINT → clean exit (lease released).
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createClient,
  natsListerWatcherFactory,
  newEventRecorder,
  newRateLimitingQueue,
  SharedInformerFactory,
} from '@svclab/client';
import { connect } from 'nats';
import { createLogger, initTelemetry, parseLogLevel } from '@svclab/telemetry';
import {
  cacheListerFrom,
  labelIndexedListerFrom,
  selectorIndexedListerFrom,
  endpointSliceWriterFrom,
  endpointsWriterFrom,
  leaseClientFrom,
} from './client-adapters.js';
import { Controller } from './controller.js';
import { startHealthServer } from './http-server.js';
import { LeaderElector } from './leader-election.js';
import { EndpointSliceMetrics } from './metrics.js';
import { isConfigError, parseConfig } from './options.js';

const component = 'endpointslice-controller';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = parseConfig(argv, env);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger({ component, level: parseLogLevel(config.logLevel) });
  const telemetry = initTelemetry(component, env);
  const ac = new AbortController();
  // Every informer, worker and the elector listen on this one signal.
  setMaxListeners(100, ac.signal);
  let exitCode = 0;
  const stop = (signal: string): void => {
    logger.info('shutting down', { signal });
    ac.abort();
  };
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
  const metrics = new EndpointSliceMetrics({
    maxEndpointsPerSlice: config.maxEndpointsPerSlice,
    processMetrics: true,
  });
  let ready = (): boolean => false;
  const health = await startHealthServer(config.metricsBindAddress, {
    registry: metrics.registry,
    ready: () => ready(),
  });
  logger.info('serving health and metrics', { address: health.address });
  const client = createClient({
    server: config.apiserverURL,
    userAgent: component,
    ...(config.token === '' ? {} : { token: config.token }),
  });
  // Lists over REST, watches over NATS (gap → replay, 410 → relist). waitOnFirstConnect keeps
  // retrying when NATS is not up yet; reconnects are unlimited.
  const aborted = new Promise<undefined>((resolve) => {
    ac.signal.addEventListener(
      'abort',
      () => {
        resolve(undefined);
      },
      { once: true },
    );
  });
  const connecting = connect({
    servers: config.natsURL,
    name: component,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  const nc = await Promise.race([connecting, aborted]);
  if (nc === undefined) {
    void connecting.then(
      (c) => c.close(),
      () => undefined,
    );
    await health.close();
    await telemetry.shutdown();
    return 0;
  }
  logger.info('connected to NATS', { url: config.natsURL });
  const factory = new SharedInformerFactory({
    client,
    logger,
    newListerWatcher: natsListerWatcherFactory(client, nc, logger),
  });
  const pair = <R extends 'services' | 'pods' | 'nodes' | 'endpointslices' | 'endpoints'>(
    r: R,
  ) => ({
    informer: factory.informerFor(r),
    lister: cacheListerFrom(factory.lister(r)),
  });
  const controller = new Controller({
    services: {
      informer: factory.informerFor('services'),
      // Services that may select a pod, from its labels: not every Service per pod event.
      lister: selectorIndexedListerFrom(
        factory.informerFor('services'),
        factory.lister('services'),
      ),
    },
    pods: {
      informer: factory.informerFor('pods'),
      lister: labelIndexedListerFrom(factory.informerFor('pods'), factory.lister('pods')),
    },
    nodes: pair('nodes'),
    endpointSlices: {
      informer: factory.informerFor('endpointslices'),
      // A Service's slices by their kubernetes.io/service-name label, not a namespace scan.
      lister: labelIndexedListerFrom(
        factory.informerFor('endpointslices'),
        factory.lister('endpointslices'),
      ),
    },
    endpoints: pair('endpoints'),
    sliceWriter: endpointSliceWriterFrom(client),
    endpointsWriter: endpointsWriterFrom(client),
    queue: newRateLimitingQueue<string>({ name: 'endpoint_slice' }),
    maxEndpointsPerSlice: config.maxEndpointsPerSlice,
    endpointUpdatesBatchPeriodMs: config.endpointUpdatesBatchPeriodMs,
    metrics,
    recorders: {
      endpointSlices: newEventRecorder(
        client,
        { component: 'endpoint-slice-controller' },
        { logger },
      ),
      endpoints: newEventRecorder(client, { component: 'endpoint-controller' }, { logger }),
    },
    logger,
    tracer: telemetry.tracer,
  });

  ready = () => controller.hasSynced();
  factory.start(ac.signal);

  const elector = config.leaderElect
    ? new LeaderElector({
        client: leaseClientFrom(client, config.leaseNamespace),
        namespace: config.leaseNamespace,
        name: config.leaseName,
        identity: config.identity,
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
        logger,
      })
    : undefined;
  try {
    const leading =
      elector === undefined ||
      (await elector.acquire(ac.signal, () => {
        exitCode = 1; // leaderelection lost: stop working, exit non-zero (as kube-controller-manager)
        ac.abort();
      }));
    if (leading) await controller.run(config.concurrentServiceEndpointSyncs, ac.signal);
  } finally {
    ac.abort();
    await elector?.release();
    await factory.shutdown();
    await nc.close();
    await health.close();
    await telemetry.shutdown();
    logger.info('stopped', { exitCode });
  }
  return exitCode;
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
