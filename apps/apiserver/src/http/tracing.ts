// One OpenTelemetry SERVER span per request (HTTP semantic conventions). The span's context is
// kept on `res.locals.otelContext` and its traceparent on `res.locals.traceparent`, so handlers
// pass them explicitly to storage calls (child spans) and writes (stored with the event).
import { context, defaultTextMapGetter, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RequestHandler, Response } from 'express';

/** W3C trace context, whatever global propagator is (or is not) installed. */
const propagator = new W3CTraceContextPropagator();

export function tracingMiddleware(tracer: Tracer): RequestHandler {
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
    const sc = span.spanContext();
    if (trace.isSpanContextValid(sc)) {
      res.locals['traceparent'] = `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`;
    }
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
