// Prometheus metrics of the HTTP layer, named as upstream's apiserver metrics.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** What the route handler records on `res.locals.requestInfo` for metrics and spans. */
export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
}

export interface HttpMetrics {
  readonly registry: Registry;
  readonly middleware: RequestHandler;
}

export interface HttpMetricsOptions {
  /** Also export the Node.js process metrics (main.ts; not in tests, the registry is per server). */
  readonly defaultMetrics?: boolean;
  /** Gets one debug line per finished API request (method, path, code, seconds); leave it out when debug is off. */
  readonly accessLog?: (fields: Record<string, unknown>) => void;
}

export function createHttpMetrics(opts: HttpMetricsOptions = {}): HttpMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  const labelNames = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
  const total = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.',
    labelNames: [...labelNames, 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.',
    labelNames,
    buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
    registers: [registry],
  });
  // The labelled children per label set: prom-client hashes the label object on every inc/observe.
  type Label = (typeof labelNames)[number] | 'code';
  interface Children {
    total: Counter.Internal;
    duration: Histogram.Internal<Label>;
  }
  const children = new Map<string, Children>();
  const childrenOf = (info: RequestLabels, code: number): Children => {
    const key = `${info.verb} ${info.group} ${info.version} ${info.resource} ${info.subresource} ${info.scope} ${code}`;
    let c = children.get(key);
    if (c === undefined) {
      const labels = { ...info, component: 'apiserver' };
      c = { total: total.labels({ ...labels, code: String(code) }), duration: duration.labels(labels) };
      children.set(key, c);
    }
    return c;
  };
  const accessLog = opts.accessLog;
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('close', () => {
      const info = res.locals['requestInfo'] as RequestLabels | undefined;
      if (info === undefined) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const c = childrenOf(info, res.statusCode);
      c.total.inc();
      c.duration.observe(seconds);
      accessLog?.({ verb: info.verb, path: req.path, code: res.statusCode, seconds });
    });
    next();
  };
  return { registry, middleware };
}
