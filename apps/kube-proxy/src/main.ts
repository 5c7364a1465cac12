// kube-proxy entry point: config from flags/env, telemetry, informers (Services, EndpointSlices,
// Nodes; list over REST, watch over NATS), the proxier's sync loop, the data plane, the HTTP
// endpoints and per-Service health check ports; SIGTERM/SIGINT → clean exit.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, natsListerWatcherFactory, SharedInformerFactory } from '@svclab/client';
import { createLogger, initTelemetry, parseLogLevel } from '@svclab/telemetry';
import { connect } from 'nats';
import { wireProxier } from './config.js';
import type { Dataplane } from './dataplane/dataplane.js';
import { KernelDataplane } from './dataplane/kernel.js';
import { UserspaceDataplane } from './dataplane/userspace.js';
import { createHttpServer, listen } from './http-server.js';
import { KubeProxyMetrics } from './metrics.js';
import { isConfigError, parseConfig, splitHostPort, type KubeProxyConfig } from './options.js';
import { Proxier } from './proxier.js';
import { ProxierHealth } from './proxier-health.js';
import { ServiceHealthServer } from './service-health-server.js';

const component = 'kube-proxy';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: KubeProxyConfig;
  try {
    config = parseConfig(argv, env);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return 2;
  }
  if (config.dataplane === 'kernel' && config.proxyMode === 'ipvs') {
    process.stderr.write('Error: --proxy-mode=ipvs with --dataplane=kernel is not supported: this kernel has no IPVS (ip_vs module); use --proxy-mode=iptables or --dataplane=userspace\n');
    return 2;
  }
  const logger = createLogger({ component, level: parseLogLevel(config.logLevel) }).child({ node: config.nodeName });
  const telemetry = initTelemetry(component, env);
  const ac = new AbortController();
  const stop = (signal: string): void => {
    logger.info('shutting down', { signal });
    ac.abort();
  };
  process.once('SIGTERM', () => { stop('SIGTERM'); });
  process.once('SIGINT', () => { stop('SIGINT'); });

  const metrics = new KubeProxyMetrics({ processMetrics: true });
  const health = new ProxierHealth(2 * config.syncPeriodMs);
  const serviceHealth = new ServiceHealthServer(config.nodeIP, logger);
  let dataplane: Dataplane;
  let userspace: UserspaceDataplane | undefined;
  let nfacct = true;
  if (config.dataplane === 'kernel') {
    const kernel = new KernelDataplane({ logger });
    nfacct = await kernel.hasNfacct();
    logger.info('kernel data plane', { nfacct });
    dataplane = kernel;
  } else {
    userspace = new UserspaceDataplane({
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      entryPort: config.nodeEntryPort,
      ...(config.clusterDNS === undefined ? {} : { clusterDNS: config.clusterDNS }),
      clusterDomain: config.clusterDomain,
      ...(config.clusterCIDR === undefined ? {} : { clusterCIDR: config.clusterCIDR }),
      ipvsScheduler: config.ipvsScheduler,
      conntrackMax: config.conntrackMax,
      metrics,
      logger,
    });
    dataplane = userspace;
  }
  const us = userspace;
  const proxier = new Proxier({
    mode: config.proxyMode,
    nodeName: config.nodeName,
    nodeIP: config.nodeIP,
    ...(config.clusterCIDR === undefined ? {} : { clusterCIDR: config.clusterCIDR }),
    ipvsScheduler: config.ipvsScheduler,
    nfacct,
    minSyncPeriodMs: config.minSyncPeriodMs,
    syncPeriodMs: config.syncPeriodMs,
    dataplane,
    metrics,
    health,
    serviceHealth,
    ...(us === undefined ? {} : { connections: (ip: string, port: number) => us.conntrack.connectionsTo(ip, port) }),
    logger,
    tracer: telemetry.tracer,
  });

  const httpDeps = {
    health,
    metrics,
    registry: metrics.registry,
    rules: (f: Parameters<Proxier['rules']>[0]) => proxier.rules(f),
    ready: () => proxier.syncCount() > 0,
  };
  const servers = [createHttpServer(httpDeps)];
  const hz = splitHostPort(config.healthzBindAddress);
  const closers: (() => Promise<void>)[] = [];
  try {
    const a = await listen(servers[0] ?? createHttpServer(httpDeps), hz.host, hz.port);
    logger.info('serving healthz', { address: `${a.host}:${String(a.port)}` });
    if (config.metricsBindAddress !== config.healthzBindAddress && config.metricsBindAddress !== '0') {
      const ms = splitHostPort(config.metricsBindAddress);
      const srv = createHttpServer(httpDeps);
      servers.push(srv);
      const b = await listen(srv, ms.host, ms.port);
      logger.info('serving metrics', { address: `${b.host}:${String(b.port)}` });
    }
    if (userspace !== undefined) {
      const e = await userspace.start();
      logger.info('node entry (SOCKS5) listening', { address: `${e.ip}:${String(e.port)}` });
    }
  } catch (err) {
    logger.error('cannot listen', { err });
    for (const s of servers) s.close();
    await dataplane.close();
    await telemetry.shutdown();
    return 1;
  }
  closers.push(() => dataplane.close(), () => serviceHealth.close());

  const client = createClient({ server: config.apiserverURL, userAgent: component, ...(config.token === '' ? {} : { token: config.token }) });
  const aborted = new Promise<undefined>((r) => {
    ac.signal.addEventListener('abort', () => { r(undefined); }, { once: true });
  });
  const connecting = connect({ servers: config.natsURL, name: `${component}-${config.nodeName}`, waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  const nc = await Promise.race([connecting, aborted]);
  if (nc === undefined) {
    void connecting.then((c) => c.close(), () => undefined);
  } else {
    logger.info('connected to NATS', { url: config.natsURL });
    const factory = new SharedInformerFactory({ client, logger, newListerWatcher: natsListerWatcherFactory(client, nc, logger) });
    wireProxier(
      proxier,
      { services: factory.informerFor('services'), endpointSlices: factory.informerFor('endpointslices'), nodes: factory.informerFor('nodes') },
      { nodeName: config.nodeName, signal: ac.signal },
    );
    factory.start(ac.signal);
    await proxier.loop(ac.signal);
    await factory.shutdown();
    await nc.close();
  }
  for (const c of closers) await c();
  await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => { r(); }); s.closeAllConnections(); })));
  await telemetry.shutdown();
  logger.info('stopped');
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
      // Open sockets (conntrack'ed connections) must not keep a stopped proxy alive.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
