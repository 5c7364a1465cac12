// A sync span links to the write behind every change it applies (issue 5: "a span per sync linked
// to the events it applied").
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { nopLogger } from '@svclab/telemetry';
import { makeService } from '@svclab/proxy-rules/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeProxyMetrics } from './metrics.js';
import { ProxierHealth } from './proxier-health.js';
import { Proxier } from './proxier.js';
import { ServiceHealthServer } from './service-health-server.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  contextManager.disable();
  context.disable();
});

/** The context a handler runs in when the informer delivers an event of a traced write. */
function remote(traceId: string, spanId: string) {
  return trace.setSpanContext(context.active(), {
    traceId,
    spanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

describe('Proxier tracing', () => {
  it('links the sync span to the write of every change it applied', async () => {
    const applied: unknown[] = [];
    const proxier = new Proxier({
      mode: 'iptables',
      nodeName: 'node-93',
      nodeIP: '127.0.1.93',
      clusterCIDR: '127.244.0.0/16',
      minSyncPeriodMs: 0,
      syncPeriodMs: 30_000,
      dataplane: {
        apply: (s) => {
          applied.push(s);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      },
      metrics: new KubeProxyMetrics(),
      health: new ProxierHealth(60_000),
      serviceHealth: new ServiceHealthServer('127.0.1.93', nopLogger),
      connections: () => 0,
      logger: nopLogger,
      tracer: provider.getTracer('test'),
    });
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    context.with(remote(a, '1'.repeat(16)), () => {
      proxier.onServiceUpdate(
        undefined,
        makeService('ns', 'one', { spec: { clusterIP: '127.96.0.10', ports: [{ port: 80 }] } }),
      );
    });
    context.with(remote(b, '2'.repeat(16)), () => {
      proxier.onServiceUpdate(
        undefined,
        makeService('ns', 'two', { spec: { clusterIP: '127.96.0.11', ports: [{ port: 80 }] } }),
      );
    });
    proxier.onServicesSynced();
    proxier.onEndpointSlicesSynced();
    await proxier.syncProxyRules();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'kube-proxy syncProxyRules');
    expect(span).toBeDefined();
    expect(span?.links.map((l) => l.context.traceId).sort()).toEqual([a, b]);
    expect(applied.length).toBeGreaterThan(0);
  });
});
