// One OpenTelemetry SERVER span per request (HTTP semantic conventions). The span's context is
// kept on `res.locals.otelContext` and its traceparent on `res.locals.traceparent`, so handlers
// pass them explicitly to storage calls (child spans) and writes (stored with the event).
// Without a tracer (no exporter configured) no span is made: the caller's traceparent is passed on as is.
import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RequestHandler, Response } from 'express';

/** W3C trace context, whatever global propagator is (or is not) installed. */
const propagator = new W3CTraceContextPropagator();

function traceparentOf(ctx: Context): string | undefined {
  const sc = trace.getSpanContext(ctx);
  if (sc === undefined || !trace.isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`;
}

/**
 * Without a tracer: what a non-recording span would do, minus its cost. A valid incoming
 * traceparent becomes `res.locals.traceparent` (stored with the write's event); nothing else.
 */
const propagateOnly: RequestHandler = (req, res, next) => {
  if (req.headers['traceparent'] !== undefined) {
    const tp = traceparentOf(propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter));
    if (tp !== undefined) res.locals['traceparent'] = tp;
  }
  next();
};

/** `tracer` undefined: no spans (and no context manager needed), traceparent still propagated. */
export function tracingMiddleware(tracer: Tracer | undefined): RequestHandler {
  if (tracer === undefined) return propagateOnly;
  return (req, res, next) => {
    const parent = propagator.extract(context.active(), req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': req.path,
          'url.scheme': 'http',
          'server.address': req.hostname,
          'user_agent.original': req.headers['user-agent'] ?? '',
          'network.peer.address': req.socket.remoteAddress ?? '',
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    res.locals['otelContext'] = ctx;
    const tp = traceparentOf(ctx);
    if (tp !== undefined) res.locals['traceparent'] = tp;
    res.on('close', () => {
      const route = res.locals['route'] as string | undefined;
      if (route !== undefined) {
        span.setAttribute('http.route', route);
        span.updateName(`${req.method} ${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(ctx, next);
  };
}

export function requestContext(res: Response): Context {
  return (res.locals['otelContext'] as Context | undefined) ?? context.active();
}
