// Component tests of HTTP watch over MemoryStorage: initial events, resume, filters, bookmarks,
// 410 Expired and timeoutSeconds. A real listening server, read with fetch.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeEvent } from '@svclab/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeChangeEvent, rawObjectJSON } from '../events/raw-event.js';
import type { ReplayResult } from '../storage/interface.js';
import { MemoryStorage } from '../storage/memory.js';
import { testServer } from './test-server.js';

interface WatchLine {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => {
      s.close(r);
    });
  }
});

async function start(opts: Parameters<typeof testServer>[0] = {}): Promise<string> {
  const t = await testServer(opts);
  const server = t.app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => {
    server.once('listening', r);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Opens a watch and collects lines; `until` says when to stop reading. */
async function watch(url: string, until: (lines: WatchLine[]) => boolean, timeoutMs = 20_000): Promise<WatchLine[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => {
    ac.abort();
  }, timeoutMs);
  const lines: WatchLine[] = [];
  try {
    const res = await fetch(url, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const dec = new TextDecoder();
    let buf = '';
    while (!until(lines)) {
      const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, i)) as WatchLine);
        buf = buf.slice(i + 1);
      }
    }
    await reader.cancel().catch(() => undefined);
    return lines;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

async function post(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

const svc = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels },
  spec: { ports: [{ port: 80 }] },
});

describe('watch', () => {
  it('starts with the current state as ADDED, then streams changes', async () => {
    const base = await start();
    const pending = watch(`${base}/api/v1/namespaces/default/services?watch=true`, (l) => l.some((x) => x.object.metadata?.name === 'late'));
    await new Promise((r) => setTimeout(r, 200));
    await post(base, '/api/v1/namespaces/default/services', svc('late'));
    const lines = await pending;
    expect(lines[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Service', metadata: { name: 'kubernetes' } } });
    expect(lines.at(-1)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'late' } } });
  });

  it('resumes from a resourceVersion with the events after it, filtered by label', async () => {
    const base = await start();
    const a = await post(base, '/api/v1/namespaces/default/services', svc('a', { app: 'x' }));
    const rv = (a['metadata'] as { resourceVersion: string }).resourceVersion;
    await post(base, '/api/v1/namespaces/default/services', svc('b', { app: 'y' }));
    await post(base, '/api/v1/namespaces/default/services', svc('c', { app: 'x' }));
    await fetch(`${base}/api/v1/namespaces/default/services/a`, { method: 'DELETE' });
    const lines = await watch(
      `${base}/api/v1/namespaces/default/services?watch=1&resourceVersion=${rv}&labelSelector=app%3Dx`,
      (l) => l.length >= 2,
    );
    expect(lines.map((l) => [l.type, l.object.metadata?.name])).toEqual([
      ['ADDED', 'c'],
      ['DELETED', 'a'],
    ]);
  });

  it('ends with an ERROR 410 Expired event when the revision was compacted', async () => {
    const base = await start({ storage: new MemoryStorage({ maxEventsPerResource: 2 }) });
    for (const n of ['a', 'b', 'c', 'd']) await post(base, '/api/v1/namespaces/default/services', svc(n));
    const lines = await watch(`${base}/api/v1/namespaces/default/services?watch=true&resourceVersion=1`, (l) => l.length >= 1);
    expect(lines[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('sends BOOKMARK events when asked and stops after timeoutSeconds', async () => {
    const base = await start({ extra: { bookmarkIntervalMs: 50 } });
    const lines = await watch(
      `${base}/api/v1/namespaces/default/services?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=1`,
      () => false,
    );
    const bookmarks = lines.filter((l) => l.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThan(0);
    expect(bookmarks[0]?.object.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('sends one-row Tables when kubectl asks for them', async () => {
    const base = await start();
    const ac = new AbortController();
    const res = await fetch(`${base}/api/v1/namespaces/default/services?watch=true`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      signal: ac.signal,
    });
    const reader = res.body?.getReader();
    const { value } = ((await reader?.read()) ?? {}) as { value?: Uint8Array };
    ac.abort();
    const first = JSON.parse(new TextDecoder().decode(value).split('\n')[0] ?? '') as { type: string; object: { kind: string; rows: unknown[] } };
    expect(first.type).toBe('ADDED');
    expect(first.object.kind).toBe('Table');
    expect(first.object.rows).toHaveLength(1);
  });
});

/** The event text RedisStorage stores and publishes: fixed key order, object text as stored. */
function wireText(e: ChangeEvent): string {
  const tp = e.traceparent === undefined ? '' : `,"traceparent":${JSON.stringify(e.traceparent)}`;
  return `{"type":"${e.type}","resource":${JSON.stringify(e.resource)},"namespace":${JSON.stringify(e.namespace)},"name":${JSON.stringify(e.name)},"rev":${e.rev},"prev":${e.prev},"object":${JSON.stringify(e.object)}${tp},"time":"${e.time}"}`;
}

/** MemoryStorage whose events go through the wire text, as with Redis and NATS; remembers them. */
class WireStorage extends MemoryStorage {
  readonly delivered: ChangeEvent[] = [];
  private decode(e: ChangeEvent): ChangeEvent {
    const d = decodeChangeEvent(wireText(e));
    this.delivered.push(d);
    return d;
  }
  override subscribe(onEvent: (e: ChangeEvent) => void): () => void {
    return super.subscribe((e) => {
      onEvent(this.decode(e));
    });
  }
  override async replay(resource: string, fromRev: number, limit: number): Promise<ReplayResult> {
    const r = await super.replay(resource, fromRev, limit);
    return { ...r, events: r.events.map((e) => this.decode(e)) };
  }
}

describe('watch from event text', () => {
  it('writes each event as JSON.stringify of the typed object would, live and replayed', async () => {
    const storage = new WireStorage();
    const base = await start({ storage });
    const a = await post(base, '/api/v1/namespaces/default/services', svc('a', { app: 'x' }));
    const rv = (a['metadata'] as { resourceVersion: string }).resourceVersion;
    await post(base, '/api/v1/namespaces/default/services', svc('b', { app: 'x' }));
    const url = `${base}/api/v1/namespaces/default/services?watch=true&resourceVersion=${rv}`;
    const texts: string[] = [];
    const ac = new AbortController();
    const res = await fetch(url, { signal: ac.signal });
    const reader = res.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const live = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      await post(base, '/api/v1/namespaces/default/services', svc('c', { app: 'y' }));
      await fetch(`${base}/api/v1/namespaces/default/services/a`, { method: 'DELETE' });
    })();
    const dec = new TextDecoder();
    let buf = '';
    while (texts.length < 3) {
      const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        texts.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
    ac.abort();
    await live;
    const lines = texts.map((t) => JSON.parse(t) as WatchLine);
    expect(lines.map((l) => [l.type, l.object.metadata?.name])).toEqual([
      ['ADDED', 'b'],
      ['ADDED', 'c'],
      ['DELETED', 'a'],
    ]);
    for (const [i, t] of texts.entries()) {
      const e = storage.delivered.find((d) => d.rev === Number(lines[i]?.object.metadata?.resourceVersion));
      if (e === undefined) throw new Error(`event of line ${t} not delivered`);
      expect(rawObjectJSON(e)).toBeDefined();
      // The bytes the decode/re-encode path writes for the same event.
      expect(t).toBe(JSON.stringify({ type: e.type, object: { ...e.object, apiVersion: 'v1', kind: 'Service' } }));
    }
  });

  it('adds apiVersion and kind to stored objects that lack them instead of writing their text', async () => {
    // Stored text without `kind`: the watch must not write it as is.
    class KindlessStorage extends MemoryStorage {
      override subscribe(onEvent: (e: ChangeEvent) => void): () => void {
        return super.subscribe((e) => {
          const object = { ...e.object };
          Reflect.deleteProperty(object, 'kind');
          onEvent(decodeChangeEvent(wireText({ ...e, object })));
        });
      }
    }
    const base = await start({ storage: new KindlessStorage() });
    const a = await post(base, '/api/v1/namespaces/default/services', svc('a', { app: 'x' }));
    const rv = (a['metadata'] as { resourceVersion: string }).resourceVersion;
    const pending = watch(`${base}/api/v1/namespaces/default/services?watch=true&resourceVersion=${rv}`, (l) => l.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    await post(base, '/api/v1/namespaces/default/services', svc('b', { app: 'x' }));
    const lines = await pending;
    expect(lines.map((l) => [l.type, l.object.metadata?.name, l.object.kind])).toEqual([['ADDED', 'b', 'Service']]);
  });

  it('filters by label and serves Tables from decoded objects', async () => {
    const storage = new WireStorage();
    const base = await start({ storage });
    const a = await post(base, '/api/v1/namespaces/default/services', svc('a', { app: 'x' }));
    const rv = (a['metadata'] as { resourceVersion: string }).resourceVersion;
    await post(base, '/api/v1/namespaces/default/services', svc('b', { app: 'y' }));
    await post(base, '/api/v1/namespaces/default/services', svc('c', { app: 'x' }));
    const lines = await watch(`${base}/api/v1/namespaces/default/services?watch=1&resourceVersion=${rv}&labelSelector=app%3Dx`, (l) => l.length >= 1);
    expect(lines.map((l) => [l.type, l.object.metadata?.name])).toEqual([['ADDED', 'c']]);
    const ac = new AbortController();
    const res = await fetch(`${base}/api/v1/namespaces/default/services?watch=true&resourceVersion=${rv}`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      signal: ac.signal,
    });
    const { value } = ((await res.body?.getReader().read()) ?? {}) as { value?: Uint8Array };
    ac.abort();
    const first = JSON.parse(new TextDecoder().decode(value).split('\n')[0] ?? '') as { type: string; object: { kind: string } };
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
  });
});

describe('watch list', () => {
  it('sendInitialEvents ends the initial events with an annotated BOOKMARK', async () => {
    const base = await start();
    const lines = await watch(
      `${base}/api/v1/namespaces/default/services?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
      (l) => l.some((x) => x.type === 'BOOKMARK'),
    );
    expect(lines.map((l) => l.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(lines[1]?.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });
});
