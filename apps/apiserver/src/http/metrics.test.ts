import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { createHttpMetrics, type RequestLabels } from './metrics.js';

const labels = (verb: string, resource: string): RequestLabels => ({ verb, group: '', version: 'v1', resource, subresource: '', scope: 'namespace' });

/** One finished request through the middleware: `info` as the route handler records it. */
function finish(m: ReturnType<typeof createHttpMetrics>, info: RequestLabels | undefined, code: number): void {
  const locals: Record<string, unknown> = {};
  const res = Object.assign(new EventEmitter(), { locals, statusCode: 0 });
  m.middleware({ path: '/x' } as unknown as Request, res as unknown as Response, () => undefined);
  if (info !== undefined) locals['requestInfo'] = info;
  res.statusCode = code;
  res.emit('close');
}

describe('createHttpMetrics', () => {
  it('counts each (labels, code) apart, however often a label set repeats', async () => {
    const m = createHttpMetrics();
    finish(m, labels('POST', 'services'), 201);
    finish(m, labels('POST', 'services'), 201);
    finish(m, labels('POST', 'services'), 409);
    finish(m, labels('GET', 'services'), 200);
    finish(m, undefined, 200);
    const text = await m.registry.metrics();
    const total = (verb: string, code: number): string =>
      `apiserver_request_total{verb="${verb}",group="",version="v1",resource="services",subresource="",scope="namespace",component="apiserver",code="${code}"}`;
    expect(text).toContain(`${total('POST', 201)} 2`);
    expect(text).toContain(`${total('POST', 409)} 1`);
    expect(text).toContain(`${total('GET', 200)} 1`);
    expect(text).toContain(
      'apiserver_request_duration_seconds_count{verb="POST",group="",version="v1",resource="services",subresource="",scope="namespace",component="apiserver"} 3',
    );
  });

  it('hands each finished request to accessLog', () => {
    const lines: Record<string, unknown>[] = [];
    const m = createHttpMetrics({ accessLog: (f) => lines.push(f) });
    finish(m, labels('GET', 'pods'), 404);
    expect(lines).toEqual([expect.objectContaining({ verb: 'GET', path: '/x', code: 404 })]);
  });
});
