// Benchmarks for the client machinery: `npx tsx --conditions=@svclab/source packages/client/bench/informer.bench.ts [n]`.
// Prints a Markdown table: informer initial sync and watch-event throughput on a FakeListerWatcher
// (the cache path alone: DeltaFIFO → deep-freeze → Indexer → handler), the work queue, and the
// NatsListerWatcher over a real nats-server (live events, and a gap replay of n events).
import { performance } from 'node:perf_hooks';
import { connect } from 'nats';
import type { Service } from '@svclab/api';
import {
  decodeJSON,
  encodeJSON,
  eventSubject,
  replaySubject,
  ReplayQueueGroup,
  type ChangeEvent,
  type ReplayRequest,
} from '@svclab/bus';
import { startNats } from '@svclab/testkit';
import { NatsListerWatcher, newRateLimitingQueue, newSharedIndexInformer } from '../src/index.js';
import { FakeListerWatcher } from '../src/testing/index.js';

const n = Number(process.argv[2] ?? 10_000);

function svc(i: number, rv = 0): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      namespace: `ns${i % 50}`,
      name: `svc${i}`,
      labels: { app: `a${i % 100}` },
      ...(rv > 0 ? { resourceVersion: String(rv) } : {}),
    },
    spec: {
      clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

const rows: [string, string, string][] = [];
const rate = (count: number, ms: number): string =>
  `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;

// 1. Informer on FakeListerWatcher.
{
  const lw = new FakeListerWatcher<Service>(Array.from({ length: n }, (_, i) => svc(i)));
  const inf = newSharedIndexInformer<Service>(lw);
  let events = 0;
  inf.addEventHandler({ onAdd: () => void events++, onUpdate: () => void events++ });
  const ac = new AbortController();
  const t0 = performance.now();
  void inf.run(ac.signal);
  await until(() => inf.hasSynced());
  const sync = performance.now() - t0;
  rows.push([
    `informer initial list of ${n} Services → synced`,
    `${sync.toFixed(0)} ms`,
    rate(n, sync),
  ]);
  await until(() => lw.openWatches() === 1);
  const t1 = performance.now();
  for (let i = 0; i < n; i++) lw.modify(svc(i));
  await until(() => events >= 2 * n);
  const watch = performance.now() - t1;
  rows.push([
    `informer ${n} watch updates (FakeListerWatcher)`,
    `${watch.toFixed(0)} ms`,
    rate(n, watch),
  ]);
  ac.abort();
}

// 2. Work queue: add, get, done of distinct keys, plus dedup of re-adds.
{
  const q = newRateLimitingQueue<string>();
  const m = n * 10;
  const t0 = performance.now();
  for (let i = 0; i < m; i++) {
    q.add(`ns/k${i % n}`);
  }
  let got = 0;
  while (q.len() > 0) {
    const r = await q.get();
    q.done(r.item ?? '');
    got++;
  }
  const ms = performance.now() - t0;
  rows.push([
    `workqueue ${m} adds of ${n} keys → ${got} gets+dones`,
    `${ms.toFixed(0)} ms`,
    rate(m, ms),
  ]);
  q.shutDown();
}

// 3. NatsListerWatcher over a real nats-server.
{
  const nats = await startNats();
  const pub = await connect({ servers: nats.url });
  const sub = await connect({ servers: nats.url });
  const log: ChangeEvent[] = [];
  pub.subscribe(replaySubject('services'), {
    queue: ReplayQueueGroup,
    callback: (_e, msg) => {
      const req = decodeJSON(msg.data) as ReplayRequest;
      const after = log.filter((e) => e.rev > req.fromRev);
      const limit = req.limit ?? 1000;
      msg.respond(
        encodeJSON({
          events: after.slice(0, limit),
          more: after.length > limit,
          currentRev: log.at(-1)?.rev ?? 0,
        }),
      );
    },
  });
  await pub.flush();
  let rev = 1;
  const commit = (i: number, send: boolean): void => {
    const ev: ChangeEvent = {
      type: 'MODIFIED',
      resource: 'services',
      namespace: `ns${i % 50}`,
      name: `svc${i}`,
      rev: rev + 1,
      prev: rev,
      object: svc(i, rev + 1),
      time: new Date().toISOString(),
    };
    rev++;
    log.push(ev);
    if (send) pub.publish(eventSubject('services', ev.namespace), encodeJSON(ev));
  };
  const lw = new NatsListerWatcher<Service>({
    nc: sub,
    resource: 'services',
    lister: { list: () => Promise.resolve({ items: [], resourceVersion: '1' }) },
    catchUpInterval: 0,
  });
  const inf = newSharedIndexInformer<Service>(lw);
  let events = 0;
  inf.addEventHandler({ onAdd: () => void events++, onUpdate: () => void events++ });
  const ac = new AbortController();
  void inf.run(ac.signal);
  await until(() => inf.hasSynced());
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) commit(i, true);
  await until(() => events >= n);
  const live = performance.now() - t0;
  rows.push([
    `NATS watch: ${n} live events → informer handlers`,
    `${live.toFixed(0)} ms`,
    rate(n, live),
  ]);
  const t1 = performance.now();
  for (let i = 0; i < n; i++) commit(i, false);
  commit(0, true);
  await until(() => events >= 2 * n + 1);
  const gap = performance.now() - t1;
  rows.push([
    `NATS watch: gap of ${n} missed events → replay (1000/page) → handlers`,
    `${gap.toFixed(0)} ms`,
    rate(n, gap),
  ]);
  ac.abort();
  await pub.close();
  await sub.close();
  await nats.stop();
}

process.stdout.write(
  `### @svclab/client — informer, work queue, NATS watch\n\n| case | time | rate |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
);
