// createServer(deps): the apiserver's express app (health, metrics, auth, discovery, OpenAPI,
// every resource of the register, Status errors). It never listens; main.ts does.
import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import express, { type Express } from 'express';
import { nopLogger, type Logger } from '@svclab/telemetry';
import { authenticate } from './auth/authenticate.js';
import type { UserInfo } from './auth/token-file.js';
import { discoveryRoutes } from './discovery/routes.js';
import { chain, getRoute, serveWithoutRouter } from './http/chain.js';
import { createHttpMetrics, type HttpMetrics } from './http/metrics.js';
import { notFoundPathStatus, resourceRoutes } from './http/routes.js';
import { sendJSON, statusMiddleware } from './http/status-middleware.js';
import { tracingMiddleware } from './http/tracing.js';
import type { ServiceAllocators } from './registry/allocators.js';
import { Registry } from './registry/registry.js';
import { TracedStorage } from './registry/traced-storage.js';
import type { Storage } from './storage/interface.js';

export interface ServerDeps {
  readonly storage: Storage;
  readonly allocators: ServiceAllocators;
  readonly logger?: Logger;
  /**
   * Spans for requests and storage calls. Undefined (no exporter configured): no spans and no
   * context manager, only the caller's traceparent is carried to the stored events.
   */
  readonly tracer?: Tracer;
  /** Bearer tokens (from --token-auth-file); undefined disables authentication. */
  readonly tokens?: ReadonlyMap<string, UserInfo>;
  readonly now?: () => Date;
  /** Prebuilt registry over the same storage (main.ts bootstraps through it first). */
  readonly registry?: Registry;
  readonly metrics?: HttpMetrics;
  /** `/readyz` answers 200 only while this holds (storage reachable, bootstrap done). */
  readonly ready?: () => boolean | Promise<boolean>;
  /** BOOKMARK interval of watches with allowWatchBookmarks (default 10 s). */
  readonly bookmarkIntervalMs?: number;
  /** Watch length when the client sets no timeoutSeconds: random in [max, 2·max) s (default 1800). */
  readonly maxWatchSeconds?: number;
}

let contextManagerSet = false;

/** Registers an AsyncLocalStorage context manager once, so storage spans nest under request spans. */
function ensureContextManager(): void {
  if (contextManagerSet) return;
  contextManagerSet = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

export function createServer(deps: ServerDeps): Express {
  const tracer = deps.tracer;
  if (tracer !== undefined) ensureContextManager();
  const logger = deps.logger ?? nopLogger;
  const now = deps.now ?? (() => new Date());
  const storage = tracer === undefined ? deps.storage : new TracedStorage(deps.storage, tracer);
  const registry =
    deps.registry ?? new Registry({ storage, allocators: deps.allocators, logger, ...(deps.now ? { now: deps.now } : {}) });
  const metrics = deps.metrics ?? createHttpMetrics();

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  const ok = (_req: express.Request, res: express.Response): void => {
    res.status(200).type('text/plain').send('ok');
  };
  // Every request runs through this one chain (chain.ts), without express' Router: its
  // per-layer and per-request routing cost was a measurable share of a create's CPU.
  serveWithoutRouter(
    app,
    chain([
      tracingMiddleware(tracer),
      metrics.middleware,
      getRoute('/healthz', ok),
      getRoute('/livez', ok),
      getRoute('/readyz', async (_req, res) => {
        const ready = deps.ready === undefined ? true : await deps.ready();
        res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ok' : 'not ready');
      }),
      authenticate(deps.tokens),
      getRoute('/metrics', async (_req, res) => {
        res.status(200).type(metrics.registry.contentType).send(await metrics.registry.metrics());
      }),
      discoveryRoutes(),
      resourceRoutes({
        storage,
        registry,
        logger,
        now,
        bookmarkIntervalMs: deps.bookmarkIntervalMs ?? 10_000,
        maxWatchSeconds: deps.maxWatchSeconds ?? 1800,
      }),
      (_req, res) => {
        sendJSON(res, 404, notFoundPathStatus());
      },
    ]),
    statusMiddleware(logger),
  );
  return app;
}
