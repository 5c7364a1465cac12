// controller-manager entry point: flags/env, informers over NATS, leader election on
// kube-system/kube-controller-manager, the enabled controllers, /healthz /readyz /metrics;
// SIGTERM → stop, release the lease, exit 0. Losing the lease exits 1 (as upstream).
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createClient,
  LeaderElector,
  natsListerWatcherFactory,
  newEventRecorder,
  SharedInformerFactory,
  type ClientSet,
} from '@svclab/client';
import { createLogger, initTelemetry, parseLogLevel, type Logger } from '@svclab/telemetry';
import { connect } from 'nats';
import { untilAborted } from './controller/queue-worker.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { startHealthServer } from '@svclab/telemetry';
import { ControllerManagerMetrics } from './metrics.js';
import { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { isConfigError, parseOptions, type ControllerManagerOptions } from './options.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { Scheduler } from './scheduler/scheduler.js';
import { StatefulSetController } from './statefulset/statefulset-controller.js';

const component = 'controller-manager';

/** Builds the enabled controllers on `factory`, starts informers, waits for sync, runs until `signal`. */
export async function runControllers(
  config: Pick<ControllerManagerOptions, 'controllers' | 'nodeMonitorGracePeriodMs'>,
  deps: {
    factory: SharedInformerFactory;
    client: ClientSet;
    logger: Logger;
    onSynced?: () => void;
  },
  signal: AbortSignal,
): Promise<void> {
  const { factory, client, logger } = deps;
  setMaxListeners(0, signal);
  const runs: ((s: AbortSignal) => Promise<void>)[] = [];
  const on = new Set(config.controllers);
  if (on.has('scheduler')) {
    const s = new Scheduler({
      factory,
      client,
      logger,
      events: newEventRecorder(client, { component: 'default-scheduler' }, { logger }),
    });
    runs.push((sig) => s.run(sig, 8));
  }
  if (on.has('nodelifecycle')) {
    const c = new NodeLifecycleController({
      factory,
      client,
      logger,
      gracePeriodMs: config.nodeMonitorGracePeriodMs,
      events: newEventRecorder(client, { component: 'node-controller' }, { logger }),
    });
    runs.push((sig) => c.run(sig));
  }
  if (on.has('replicaset')) {
    const c = new ReplicaSetController({ factory, client, logger });
    runs.push((sig) => c.run(sig));
  }
  if (on.has('deployment')) {
    const c = new DeploymentController({ factory, client, logger });
    runs.push((sig) => c.run(sig));
  }
  if (on.has('statefulset')) {
    const c = new StatefulSetController({ factory, client, logger });
    runs.push((sig) => c.run(sig));
  }
  factory.start(signal);
  await factory.waitForCacheSync(signal);
  if (signal.aborted) return;
  deps.onSynced?.();
  logger.info('controllers started', { controllers: [...on] });
  await Promise.all(runs.map((r) => r(signal)));
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = parseOptions(argv, {
      ...env,
      HOSTNAME: `${env['HOSTNAME'] ?? hostname()}_${randomUUID()}`,
    });
  } catch (err) {
    if (!isConfigError(err)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger({ component, level: parseLogLevel(config.logLevel) });
  const telemetry = initTelemetry(component, env);
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  let exitCode = 0;
  process.once('SIGTERM', () => {
    logger.info('shutting down', { signal: 'SIGTERM' });
    ac.abort();
  });
  process.once('SIGINT', () => {
    logger.info('shutting down', { signal: 'SIGINT' });
    ac.abort();
  });
  const metrics = new ControllerManagerMetrics();
  let synced = false;
  const health = await startHealthServer(config.bindAddress, {
    registry: metrics.registry,
    ready: () => synced,
  });
  logger.info('serving health and metrics', { address: health.address });
  const client = createClient({
    server: config.apiserverURL,
    userAgent: component,
    ...(config.token === '' ? {} : { token: config.token }),
  });
  const aborted = untilAborted(ac.signal).then(() => undefined);
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
  const factory = new SharedInformerFactory({
    client,
    logger,
    newListerWatcher: natsListerWatcherFactory(client, nc, logger),
  });
  const lead = (signal: AbortSignal): Promise<void> => {
    metrics.leader.set(1);
    return runControllers(
      config,
      {
        factory,
        client,
        logger,
        onSynced: () => {
          synced = true;
        },
      },
      signal,
    );
  };
  try {
    if (!config.leaderElect) {
      await lead(ac.signal);
    } else {
      await new LeaderElector({
        client,
        lock: {
          namespace: config.leaseNamespace,
          name: config.leaseName,
          identity: config.identity,
        },
        releaseOnCancel: true,
        logger,
        callbacks: {
          onStartedLeading: (signal) => lead(signal),
          onStoppedLeading: () => {
            metrics.leader.set(0);
            if (!ac.signal.aborted) {
              logger.warn('leaderelection lost');
              exitCode = 1;
              ac.abort();
            }
          },
          onNewLeader: (id) => {
            logger.info('new leader', { identity: id });
          },
        },
      }).run(ac.signal);
    }
  } finally {
    ac.abort();
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
