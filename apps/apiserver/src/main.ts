// The apiserver process: config from flags/env, telemetry, Redis + NATS storage, allocators,
// built-in objects, listen; SIGTERM/SIGINT → graceful close.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { createLogger, initTelemetry, type Logger } from '@svclab/telemetry';
import { parseTokenFile } from './auth/token-file.js';
import { ConfigError, parseConfig, type Config } from './config.js';
import { startReplayResponder, type ReplayResponder } from './events/replay-responder.js';
import { createHttpMetrics } from './http/metrics.js';
import { memoryAllocators, type ServiceAllocators } from './registry/allocators.js';
import { ensureBuiltins } from './registry/bootstrap.js';
import { startEventTTL } from './registry/event-ttl.js';
import { repairAllocations } from './registry/core/service/strategy.js';
import { Registry } from './registry/registry.js';
import { TracedStorage } from './registry/traced-storage.js';
import { createServer } from './server.js';
import { RedisClusterIPAllocator, RedisNodePortAllocator } from './allocators/index.js';
import { connectRedis } from './storage/connect-redis.js';
import { createRedisStorage, type RedisStorageHandle } from './storage/create-redis-storage.js';
import { registerStorageMetrics } from './storage/storage-metrics.js';
import { redisClientOptions } from './storage/redis.js';
import type { Storage } from './storage/interface.js';
import { MemoryStorage } from './storage/memory.js';

async function openStorage(cfg: Config, logger: Logger): Promise<{ storage: Storage; redisStorage?: RedisStorageHandle; nc?: NatsConnection }> {
  let nc: NatsConnection | undefined;
  if (cfg.natsUrl !== undefined) {
    // waitOnFirstConnect: a NATS that is not up yet is retried like a lost connection, not fatal.
    nc = await connect({ servers: cfg.natsUrl, name: 'apiserver', maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true });
    logger.info('connected to NATS', { url: cfg.natsUrl });
  }
  if (cfg.redisUrl === undefined) {
    logger.warn('REDIS_URL is not set: using in-memory storage (development only, nothing survives a restart)');
    return { storage: new MemoryStorage(), ...(nc ? { nc } : {}) };
  }
  const storage = await createRedisStorage({ redisUrl: cfg.redisUrl, ...(nc ? { natsConnection: nc } : {}), logger });
  return { storage, redisStorage: storage, ...(nc ? { nc } : {}) };
}

/**
 * Redis bitmap allocators shared by every replica (or in-memory ones without Redis), then marked
 * with the IPs and ports of the stored Services (repair: idempotent, covers a bitmap that was
 * lost or written before the allocator existed).
 */
async function openAllocators(cfg: Config, storage: Storage, redis: Redis | undefined): Promise<ServiceAllocators> {
  const allocators: ServiceAllocators =
    redis === undefined
      ? memoryAllocators(cfg.serviceClusterIPRange, cfg.serviceNodePortRange)
      : {
          clusterIP: new RedisClusterIPAllocator(redis, cfg.serviceClusterIPRange),
          nodePort: new RedisNodePortAllocator(redis, cfg.serviceNodePortRange),
        };
  const services = await storage.list('services');
  await repairAllocations(services.items, allocators);
  return allocators;
}

/** Whether initTelemetry (@svclab/telemetry) set up an exporter: the same condition it checks. */
function tracesExported(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return endpoint !== undefined && endpoint !== '' && env['OTEL_SDK_DISABLED'] !== 'true';
}

async function retry<T>(what: string, logger: Logger, fn: () => Promise<T>): Promise<T> {
  for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      logger.warn(`${what} failed; retrying`, { err, delayMs: delay });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function main(): Promise<void> {
  let cfg: Config;
  try {
    cfg = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`apiserver: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ component: 'apiserver', level: cfg.logLevel });
  const telemetry = initTelemetry('apiserver');
  const tokens = cfg.tokenAuthFile === undefined ? undefined : parseTokenFile(readFileSync(cfg.tokenAuthFile, 'utf8'));

  const { storage, redisStorage, nc } = await openStorage(cfg, logger);
  let responder: ReplayResponder | undefined;
  if (nc !== undefined) {
    responder = startReplayResponder({ nc, storage, logger });
    await responder.ready;
  }
  const allocRedis = cfg.redisUrl === undefined ? undefined : connectRedis(cfg.redisUrl, redisClientOptions(logger));
  allocRedis?.on('error', (err: unknown) => {
    logger.warn('allocator redis connection error', { err });
  });
  const allocators = await retry('allocator repair', logger, () => openAllocators(cfg, storage, allocRedis));
  // Spans only when initTelemetry exports them: a non-recording tracer would still cost a context
  // manager (async hooks on every promise) and a span object per request and storage call.
  const tracer = tracesExported(process.env) ? telemetry.tracer : undefined;
  const registry = new Registry({ storage: tracer === undefined ? storage : new TracedStorage(storage, tracer), allocators, logger });
  let ready = false;
  const metrics = createHttpMetrics({
    defaultMetrics: true,
    ...(cfg.logLevel === 'debug'
      ? {
          accessLog: (fields: Record<string, unknown>) => {
            logger.debug('request', fields);
          },
        }
      : {}),
  });
  if (redisStorage !== undefined) registerStorageMetrics(metrics.registry, redisStorage);
  const app = createServer({
    storage,
    allocators,
    registry,
    logger,
    ...(tracer ? { tracer } : {}),
    ...(tokens ? { tokens } : {}),
    metrics,
    ready: () => ready,
  });

  const server: Server =
    cfg.tls === undefined
      ? createHttpServer(app)
      : createHttpsServer({ cert: readFileSync(cfg.tls.certFile), key: readFileSync(cfg.tls.keyFile) }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.securePort, cfg.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : cfg.securePort;
  const scheme = cfg.tls === undefined ? 'http' : 'https';
  logger.info('serving', { address: `${scheme}://${cfg.bindAddress}:${port}`, auth: tokens ? 'token-file' : 'none' });

  await retry('bootstrap of built-in objects', logger, () =>
    ensureBuiltins(registry, { serviceCIDR: cfg.serviceClusterIPRange, endpoint: { ip: cfg.advertiseAddress, port } }, logger),
  );
  ready = true;
  logger.info('ready');
  const eventTTL = cfg.eventTTLMs > 0 ? startEventTTL({ storage, ttlMs: cfg.eventTTLMs, logger }) : undefined;

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info('shutting down', { signal });
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    server.closeIdleConnections();
    // Watches are long-lived: give in-flight requests a moment, then cut the rest.
    const cut = setTimeout(() => {
      server.closeAllConnections();
    }, 2000);
    await closed;
    clearTimeout(cut);
    responder?.stop();
    eventTTL?.stop();
    await storage.close().catch((err: unknown) => {
      logger.warn('storage close failed', { err });
    });
    await allocRedis?.quit().catch(() => {
      allocRedis.disconnect();
    });
    await nc?.drain().catch((err: unknown) => {
      logger.warn('nats drain failed', { err });
    });
    await telemetry.shutdown().catch(() => undefined);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`apiserver: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
