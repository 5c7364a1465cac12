// node-agent entry point: config from env/flags, one NodeAgent per simulated node sharing one
// AgentHost (informers over NATS, queue, workers), /healthz /readyz /metrics; SIGTERM → stop pods,
// exit 0 (pods stay bound; the node goes NotReady after the grace period, as a stopped kubelet).
import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createClient,
  natsListerWatcherFactory,
  newEventRecorder,
  SharedInformerFactory,
} from '@svclab/client';
import { createLogger, initTelemetry, parseLogLevel } from '@svclab/telemetry';
import { connect } from 'nats';
import { NodeAgent } from './agent.js';
import { startKubeletServer } from './kubelet-server.js';
import { AgentHost } from './agent-host.js';
import { startHealthServer } from '@svclab/telemetry';
import { NodeAgentMetrics } from './metrics.js';
import { isConfigError, parseAgentOptions } from './options.js';
import { KubeletPort } from './node-object.js';

const component = 'node-agent';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = parseAgentOptions(argv, env);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger({ component, level: parseLogLevel(config.logLevel) });
  const telemetry = initTelemetry(component, env);
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
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
  const metrics = new NodeAgentMetrics({ defaultMetrics: true });
  let ready = (): boolean => false;
  const health = await startHealthServer(config.healthzBindAddress, {
    registry: metrics.registry,
    ready: () => ready(),
  });
  logger.info('serving health and metrics', {
    address: health.address,
    nodes: config.nodes.length,
  });
  const client = createClient({
    server: config.apiserverURL,
    userAgent: component,
    ...(config.token === '' ? {} : { token: config.token }),
  });
  const aborted = new Promise<undefined>((r) => {
    ac.signal.addEventListener(
      'abort',
      () => {
        r(undefined);
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
  const factory = new SharedInformerFactory({
    client,
    logger,
    newListerWatcher: natsListerWatcherFactory(client, nc, logger),
  });
  const host = new AgentHost({
    factory,
    logger,
    workers: Math.min(32, 4 + config.nodes.length),
    leaseRenewIntervalMs: config.nodeLeaseDurationSeconds * 250,
  });
  const kubeletServers: Server[] = [];
  for (const n of config.nodes) {
    const agent = new NodeAgent({
      id: n,
      nodeEntry: n.nodeEntry,
      client,
      logger,
      metrics,
      events: newEventRecorder(client, { component: 'kubelet', host: n.name }, { logger }),
      requeue: host.requeue,
      leaseDurationSeconds: config.nodeLeaseDurationSeconds,
    });
    host.add(agent);
    kubeletServers.push(
      await startKubeletServer(n.ip, n.kubeletPort ?? KubeletPort, (req) =>
        agent.containerLog(req),
      ),
    );
  }
  ready = () => host.hasSynced();
  try {
    await host.run(ac.signal);
  } finally {
    for (const s of kubeletServers) {
      s.close();
      s.closeAllConnections();
    }
    await factory.shutdown();
    await nc.close();
    await health.close();
    await telemetry.shutdown();
    logger.info('stopped');
  }
  return 0;
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
