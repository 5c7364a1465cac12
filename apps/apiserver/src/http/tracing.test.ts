// A server span per request (HTTP semconv), storage calls as child spans, and the request's
// traceparent stored with the write's change event.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '@svclab/bus';
import { testServer } from './test-server.js';

describe('tracing', () => {
  it('continues the caller trace, nests storage spans and stores the traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const t = await testServer({ extra: { tracer: provider.getTracer('test') } });
    const events: ChangeEvent[] = [];
    t.storage.subscribe((e) => events.push(e));
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(t.app)
      .post('/api/v1/namespaces/default/services')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'traced' }, spec: { ports: [{ port: 80 }] } })
      .expect(201);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.attributes['http.request.method'] === 'POST');
    expect(server).toBeDefined();
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.name).toBe('POST /api/v1/namespaces/{namespace}/services');
    expect(server?.attributes['http.response.status_code']).toBe(201);
    const children = spans.filter((s) => s.parentSpanContext?.spanId === server?.spanContext().spanId);
    expect(children.map((s) => s.name)).toEqual(['storage.create services']);
    expect(children.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(children[0]?.attributes['db.operation.name']).toBe('create');
    const added = events.find((e) => e.name === 'traced');
    expect(added?.traceparent).toBe(`00-${traceId}-${server?.spanContext().spanId ?? ''}-01`);
  });
});
