// OpenTelemetry setup: OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, W3C propagation.
import {
  context,
  propagation,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryHandle {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for one component. Without OTEL_EXPORTER_OTLP_ENDPOINT (and unless
 * OTEL_SDK_DISABLED=true) spans are still created and propagated, but not exported.
 */
export function initTelemetry(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): TelemetryHandle {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  let sdk: NodeSDK | undefined;
  if (endpoint !== undefined && endpoint !== '' && env['OTEL_SDK_DISABLED'] !== 'true') {
    sdk = new NodeSDK({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] ?? serviceName,
      }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
      instrumentations: [],
    });
    sdk.start();
  }
  return {
    tracer: trace.getTracer(`svclab-${serviceName}`),
    shutdown: async () => {
      await sdk?.shutdown();
    },
  };
}

/** The W3C traceparent of `span` (or of the active span), for storing beside an event. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier['traceparent'];
}

/** A Context carrying the remote span of `traceparent`, to parent or link a consumer span. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (traceparent === undefined) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Runs `fn` in a span that ends when `fn` settles, recording an exception on failure. */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}
