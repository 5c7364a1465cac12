// Trace context flows: the REST client sends the active context as `traceparent`, and informer
// handlers run in the context of the write that caused a watch event.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Service } from '@svclab/api';
import { contextFromTraceparent, traceparentOf } from '@svclab/telemetry';
import { createClient } from './rest-client.js';
import { newSharedIndexInformer } from './shared-informer.js';
import { FakeListerWatcher } from './testing/fake-lister-watcher.js';

const tp1 = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const tp2 = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let manager: AsyncLocalStorageContextManager;
beforeAll(() => {
  manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  propagation.disable();
  context.disable();
});

const svc = (name: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'ns', name },
});

describe('trace context', () => {
  it('the REST client sends the active context as traceparent', async () => {
    const seen: (string | undefined)[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers['traceparent'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(svc('web')));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = createClient({
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    await context.with(contextFromTraceparent(tp1), () =>
      client.resource('services').namespace('ns').get('web'),
    );
    await client.resource('services').namespace('ns').get('web');
    await new Promise((r) => server.close(r));
    expect(seen).toEqual([tp1, undefined]);
  });

  it('informer handlers run in the trace context of the write', async () => {
    const lw = new FakeListerWatcher<Service>([]);
    const inf = newSharedIndexInformer<Service>(lw);
    const seen: string[] = [];
    inf.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name ?? ''} ${traceparentOf() ?? 'none'}`),
      onUpdate: (_o, n) =>
        seen.push(`update ${n.metadata.name ?? ''} ${traceparentOf() ?? 'none'}`),
    });
    const ac = new AbortController();
    void inf.run(ac.signal);
    await vi.waitFor(() => {
      expect(lw.openWatches()).toBe(1);
    });
    lw.add(svc('a'), tp1);
    lw.modify(svc('a'), tp2);
    lw.add(svc('b'));
    await vi.waitFor(() => {
      expect(seen).toHaveLength(3);
    });
    ac.abort();
    expect(seen).toEqual([`add a ${tp1}`, `update a ${tp2}`, 'add b none']);
  });
});
