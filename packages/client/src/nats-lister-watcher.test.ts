// NatsListerWatcher against a REAL nats-server, with a tiny replay responder standing in for the apiserver.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, Events, type NatsConnection } from 'nats';
import type { Service } from '@svclab/api';
import { isResourceExpired, newResourceExpired } from '@svclab/apimachinery';
import {
  decodeJSON,
  encodeJSON,
  eventSubject,
  replaySubject,
  ReplayQueueGroup,
  type ChangeEvent,
  type ReplayReply,
  type ReplayRequest,
} from '@svclab/bus';
import { startNats, type NatsServer } from '@svclab/testkit';
import type { WatchEvent } from './list-watch.js';
import { NatsListerWatcher } from './nats-lister-watcher.js';
import { newSharedIndexInformer } from './shared-informer.js';

const resource = 'services';

function svc(ns: string, name: string, rv: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name, resourceVersion: String(rv) },
    spec: {},
  };
}

/** The apiserver's side: a change log, compaction, publishing, and the replay responder. */
class FakeApiserver {
  rev = 100;
  /** Revision of the newest event of the resource (survives compaction). */
  lastEventRev = 0;
  log: ChangeEvent[] = [];
  compactedBefore = 0;
  replays: ReplayRequest[] = [];
  objects = new Map<string, Service>();

  /** While set, replay requests wait for it (a slow apiserver). */
  replyGate: Promise<void> | undefined;

  constructor(private readonly nc: NatsConnection) {
    nc.subscribe(replaySubject(resource), {
      queue: ReplayQueueGroup,
      callback: (_err, msg) => {
        const req = decodeJSON(msg.data) as ReplayRequest;
        this.replays.push(req);
        if (this.replyGate !== undefined) {
          void this.replyGate.then(() => {
            this.answer(req, msg);
          });
          return;
        }
        this.answer(req, msg);
      },
    });
  }

  private answer(req: ReplayRequest, msg: { respond(data: Uint8Array): boolean }): void {
    let reply: ReplayReply;
    if (req.fromRev < this.compactedBefore) {
      reply = {
        error: newResourceExpired(
          `too old resource version: ${req.fromRev} (${this.compactedBefore})`,
        ).status,
      };
    } else {
      const after = this.log.filter((e) => e.rev > req.fromRev);
      const limit = req.limit ?? 1000;
      reply = {
        events: after.slice(0, limit),
        more: after.length > limit,
        currentRev: this.rev,
      };
    }
    msg.respond(encodeJSON(reply));
  }

  /** Commits a change; publishes it unless `send` is false (a lost message). */
  commit(type: ChangeEvent['type'], ns: string, name: string, send = true): ChangeEvent {
    const rev = ++this.rev;
    const prev = this.lastEventRev;
    this.lastEventRev = rev;
    const object = svc(ns, name, rev);
    const ev: ChangeEvent = {
      type,
      resource,
      namespace: ns,
      name,
      rev,
      prev,
      object,
      time: new Date().toISOString(),
    };
    this.log.push(ev);
    if (type === 'DELETED') this.objects.delete(`${ns}/${name}`);
    else this.objects.set(`${ns}/${name}`, object);
    if (send) this.publish(ev);
    return ev;
  }

  publish(ev: ChangeEvent): void {
    this.nc.publish(eventSubject(resource, ev.namespace), encodeJSON(ev));
  }

  compact(): void {
    this.compactedBefore = this.rev;
    this.log = [];
  }

  list(): Promise<{ items: Service[]; resourceVersion: string }> {
    return Promise.resolve({
      items: [...this.objects.values()].map((o) => structuredClone(o)),
      resourceVersion: String(this.rev),
    });
  }
}

let nats: NatsServer;
const conns: NatsConnection[] = [];
const aborts: AbortController[] = [];

async function conn(): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    reconnectTimeWait: 100,
    maxReconnectAttempts: -1,
    pingInterval: 1000,
  });
  conns.push(nc);
  return nc;
}

beforeAll(async () => {
  nats = await startNats();
});

afterAll(async () => {
  await nats.stop();
});

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.all(conns.splice(0).map((c) => c.close()));
});

async function setup(namespace?: string) {
  const api = new FakeApiserver(await conn());
  const nc = await conn();
  await nc.flush();
  const lw = new NatsListerWatcher<Service>({
    nc,
    resource,
    lister: api,
    catchUpInterval: 0,
    ...(namespace === undefined ? {} : { namespace }),
  });
  return { api, nc, lw };
}

function collect(lw: NatsListerWatcher<Service>, rv: string) {
  const got: WatchEvent<Service>[] = [];
  const ac = new AbortController();
  aborts.push(ac);
  let error: unknown;
  const done = (async () => {
    try {
      for await (const ev of lw.watch({ resourceVersion: rv, signal: ac.signal })) got.push(ev);
    } catch (e) {
      error = e;
    }
  })();
  const names = () =>
    got.map(
      (e) => `${e.type}:${e.object.metadata.name ?? ''}:${e.object.metadata.resourceVersion ?? ''}`,
    );
  return { got, names, ac, done, error: () => error };
}

describe('NatsListerWatcher (real nats-server)', () => {
  it('delivers live events in order and drops duplicates', async () => {
    const { api, lw } = await setup();
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    const a = api.commit('ADDED', 'ns', 'a');
    api.commit('MODIFIED', 'ns', 'a');
    api.publish(a);
    api.commit('DELETED', 'ns', 'a');
    await vi.waitFor(() => {
      expect(w.got).toHaveLength(3);
    });
    expect(w.names()).toEqual(['ADDED:a:101', 'MODIFIED:a:102', 'DELETED:a:103']);
    api.publish(a);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.got).toHaveLength(3);
  });

  it('a gap pauses delivery, replays from the last revision and resumes in order', async () => {
    const { api, lw } = await setup();
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'ns', 'a');
    api.commit('ADDED', 'ns', 'b', false);
    api.commit('ADDED', 'ns', 'c', false);
    api.commit('ADDED', 'ns', 'd');
    await vi.waitFor(() => {
      expect(w.got).toHaveLength(4);
    });
    expect(w.names()).toEqual(['ADDED:a:101', 'ADDED:b:102', 'ADDED:c:103', 'ADDED:d:104']);
    expect(api.replays.at(-1)?.fromRev).toBe(101);
  });

  it('replays page by page while `more`', async () => {
    const { api, nc } = await setup();
    const lw = new NatsListerWatcher<Service>({
      nc,
      resource,
      lister: api,
      replayLimit: 2,
      catchUpInterval: 0,
    });
    const start = String(api.rev);
    for (const n of ['a', 'b', 'c', 'd', 'e']) api.commit('ADDED', 'ns', n, false);
    const w = collect(lw, start);
    await vi.waitFor(() => {
      expect(w.got).toHaveLength(5);
    });
    expect(w.got.map((e) => e.object.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(api.replays.map((r) => r.fromRev)).toEqual([100, 102, 104]);
  });

  it('filters by namespace but tracks revisions of all namespaces', async () => {
    const { api, lw } = await setup('mine');
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'other', 'x');
    api.commit('ADDED', 'mine', 'y');
    api.commit('ADDED', 'other', 'z');
    api.commit('ADDED', 'mine', 'w');
    await vi.waitFor(() => {
      expect(w.got).toHaveLength(2);
    });
    expect(w.names()).toEqual(['ADDED:y:102', 'ADDED:w:104']);
    expect(api.replays).toHaveLength(1);
  });

  it('a replay answered 410 ends the watch with Expired', async () => {
    const { api, lw } = await setup();
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'ns', 'a', false);
    api.compact();
    api.commit('ADDED', 'ns', 'b');
    await w.done;
    expect(isResourceExpired(w.error())).toBe(true);
  });

  it('an informer relists after 410 and converges', async () => {
    const { api, lw } = await setup();
    api.commit('ADDED', 'ns', 'keep', false);
    api.commit('ADDED', 'ns', 'gone', false);
    const inf = newSharedIndexInformer<Service>(lw, { name: resource });
    const deleted: string[] = [];
    inf.addEventHandler({
      onDelete: (o) =>
        deleted.push('key' in o ? o.key : `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`),
    });
    const ac = new AbortController();
    aborts.push(ac);
    void inf.run(ac.signal);
    await vi.waitFor(() => {
      expect(inf.hasSynced()).toBe(true);
    });
    await vi.waitFor(() => {
      expect(api.replays.length).toBeGreaterThanOrEqual(1);
    });
    api.commit('DELETED', 'ns', 'gone', false);
    api.commit('ADDED', 'ns', 'new', false);
    api.compact();
    api.commit('ADDED', 'ns', 'last');
    await vi.waitFor(
      () => {
        expect(inf.getStore().listKeys().sort()).toEqual(['ns/keep', 'ns/last', 'ns/new']);
      },
      { timeout: 15_000 },
    );
    expect(deleted).toEqual(['ns/gone']);
  });

  it('live events next in line are delivered while a replay is in flight; a gap still waits for it', async () => {
    const { api, lw } = await setup();
    let open = (): void => undefined;
    api.replyGate = new Promise((r) => (open = r));
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'ns', 'a');
    api.commit('ADDED', 'ns', 'b');
    await vi.waitFor(() => {
      expect(w.names()).toEqual(['ADDED:a:101', 'ADDED:b:102']);
    });
    api.commit('ADDED', 'ns', 'lost', false);
    api.commit('ADDED', 'ns', 'c');
    await new Promise((r) => setTimeout(r, 100));
    expect(w.names()).toEqual(['ADDED:a:101', 'ADDED:b:102']);
    open();
    await vi.waitFor(() => {
      expect(w.names()).toEqual(['ADDED:a:101', 'ADDED:b:102', 'ADDED:lost:103', 'ADDED:c:104']);
    });
  });

  it('periodic catch-up finds a lost last event', async () => {
    const { api, nc } = await setup();
    const lw = new NatsListerWatcher<Service>({ nc, resource, lister: api, catchUpInterval: 200 });
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'ns', 'lost', false);
    await vi.waitFor(() => {
      expect(w.names()).toEqual(['ADDED:lost:101']);
    });
  });

  it('a watch on a closed connection fails (the Reflector backs off)', async () => {
    const { api } = await setup();
    const closed = await conn();
    await closed.close();
    const lw = new NatsListerWatcher<Service>({ nc: closed, resource, lister: api });
    const w = collect(lw, '1');
    await w.done;
    expect(w.error()).toBeDefined();
  });

  it('catches up after a NATS server restart', async () => {
    const { api, lw, nc } = await setup();
    const w = collect(lw, String(api.rev));
    await vi.waitFor(() => {
      expect(api.replays).toHaveLength(1);
    });
    api.commit('ADDED', 'ns', 'before');
    await vi.waitFor(() => {
      expect(w.got).toHaveLength(1);
    });
    const reconnected = (async () => {
      for await (const s of nc.status()) if (s.type === Events.Reconnect) return;
    })();
    await nats.restart();
    // Committed while the watcher was cut off: only a catch-up replay can bring them.
    api.commit('ADDED', 'ns', 'during1', false);
    api.commit('ADDED', 'ns', 'during2', false);
    await reconnected;
    await vi.waitFor(
      () => {
        expect(w.got).toHaveLength(3);
      },
      { timeout: 20_000 },
    );
    expect(w.names()).toEqual(['ADDED:before:101', 'ADDED:during1:102', 'ADDED:during2:103']);
  });
});
