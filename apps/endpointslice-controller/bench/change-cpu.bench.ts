// CPU of the controller process per single-pod readiness change, in one process, on the real
// client code path: real Indexers/Listers (label indexes as main.ts), the Controller, the real
// REST client (`endpointSliceWriterFrom` / `endpointsWriterFrom`: URL, headers, JSON body,
// timeout signal, response parse) over an in-process "apiserver" transport, and the echo watch
// events of our own writes decoded from JSON text, frozen and indexed as the informer does. The
// fake apiserver's own work (parse the body, stamp resourceVersion/generation, encode the answer
// and the event) is timed with cpuUsage around it and subtracted.
// Run: cd /work/main && node --expose-gc --conditions=@svclab/source --import tsx \
//        apps/endpointslice-controller/bench/change-cpu.bench.ts
// Knobs: BENCH_SERVICES (100) × BENCH_PODS_PER_SERVICE (100), BENCH_CHANGES per round (200),
// BENCH_ROUNDS (7). Prints µs of CPU per change: median over rounds (min–max).
import type { EndpointSlice, Endpoints, KubeObject, Node, Pod, Service } from '@svclab/api';
import { createClient } from '@svclab/client';
import { endpointSliceWriterFrom, endpointsWriterFrom } from '../src/client-adapters.js';
import { Controller } from '../src/controller.js';
import { FakeQueue } from '../src/testing-informers.js';
import { IndexedInformer } from './indexed-informer.js';
import { makeNode, makePod, makeService } from '../src/testing-fixtures.js';

const S = Number(process.env['BENCH_SERVICES'] ?? '100');
const P = Number(process.env['BENCH_PODS_PER_SERVICE'] ?? '100');
const N = Number(process.env['BENCH_CHANGES'] ?? '200');
const R = Number(process.env['BENCH_ROUNDS'] ?? '7');

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const services = new IndexedInformer<Service>();
const pods = new IndexedInformer<Pod>();
const nodes = new IndexedInformer<Node>();
const slices = new IndexedInformer<EndpointSlice>();
const endpoints = new IndexedInformer<Endpoints>();

// The fake apiserver: stores the body with a new resourceVersion (and generation, uid, name),
// answers with its JSON, and queues the watch event's JSON for the informer.
let rv = 1;
let uid = 0;
let serverCPU = 0;
const echoes: { informer: IndexedInformer<KubeObject>; text: string }[] = [];
const stored = new Map<string, number>();
const transport = {
  send(
    url: URL,
    call: { method: string; body?: string },
  ): Promise<{ status: number; text: string }> {
    const t0 = cpuNow();
    const obj = JSON.parse(call.body ?? '{}') as KubeObject;
    const isSlice = url.pathname.includes('/endpointslices');
    obj.metadata.resourceVersion = String(++rv);
    if (obj.metadata.uid === undefined) obj.metadata.uid = `u-${String(++uid)}`;
    if (obj.metadata.name === undefined)
      obj.metadata.name = `${obj.metadata.generateName ?? ''}${String(uid)}`;
    if (isSlice) {
      const g = (stored.get(obj.metadata.uid) ?? 0) + 1;
      stored.set(obj.metadata.uid, g);
      obj.metadata.generation = g;
    }
    const text = JSON.stringify(obj);
    echoes.push({
      informer: (isSlice ? slices : endpoints) as unknown as IndexedInformer<KubeObject>,
      text: `{"type":"${call.method === 'POST' ? 'ADDED' : 'MODIFIED'}","object":${text}}`,
    });
    serverCPU += cpuNow() - t0;
    return Promise.resolve({ status: call.method === 'POST' ? 201 : 200, text });
  },
};
const client = createClient({ server: 'http://127.0.0.1:6443' });
Object.defineProperty(client.rest, 'transport', { value: transport });

const queue = new FakeQueue();
const c = new Controller({
  services: services.selectorIndexed('services'),
  pods: pods.labelIndexed('pods'),
  nodes: nodes.pair('nodes'),
  endpointSlices: slices.labelIndexed('endpointslices', 'discovery.k8s.io'),
  endpoints: endpoints.pair('endpoints'),
  sliceWriter: endpointSliceWriterFrom(client),
  endpointsWriter: endpointsWriterFrom(client),
  queue,
});

/** The informer's side of the echoes: decode the event text, freeze, index, run the handlers. */
function deliverEchoes(): void {
  for (const e of echoes.splice(0)) {
    const ev = JSON.parse(e.text) as { object: KubeObject };
    e.informer.set(ev.object);
  }
}

nodes.set(makeNode('node-1', 'zone-a'));
const podOf = (s: number, i: number, ready: boolean): Pod => {
  const p = makePod({
    name: `svc-${String(s)}-${String(i)}`,
    labels: { app: `svc-${String(s)}` },
    ips: [`10.${String(s >> 8)}.${String(s & 255)}.${String(i + 1)}`],
    ready,
    readySince: new Date(Date.UTC(2024, 0, 1, 0, 0, ++rv)).toISOString(),
  });
  p.metadata.resourceVersion = String(++rv);
  return p;
};
for (let s = 0; s < S; s++) for (let i = 0; i < P; i++) pods.set(podOf(s, i, true));
for (let s = 0; s < S; s++) {
  const svc = makeService({ name: `svc-${String(s)}` });
  services.set({
    ...svc,
    metadata: { ...svc.metadata, uid: `svc-uid-${String(s)}` },
    spec: { ...svc.spec, selector: { app: `svc-${String(s)}` } },
  });
}
queue.clear();
for (let s = 0; s < S; s++) await c.syncService(`default/svc-${String(s)}`);
deliverEchoes();
queue.clear();

// Pod events are prepared outside the timed part (they come from the pods informer's decode).
let k = 0;
const nextPod = (): Pod => {
  const s = k % S;
  const i = Math.floor(k / S) % P;
  const ready = (Math.floor(k / (S * P)) & 1) === 1;
  k++;
  return podOf(s, i, ready);
};

async function round(): Promise<{ total: number; sync: number; echo: number; writes: number }> {
  const next = Array.from({ length: N }, nextPod);
  globalThis.gc?.();
  let syncCPU = 0;
  let echoCPU = 0;
  let writes = 0;
  serverCPU = 0;
  const t0 = cpuNow();
  for (const pod of next) {
    const a = cpuNow();
    pods.set(pod);
    const keys = queue.pending();
    queue.clear();
    const s0 = serverCPU;
    for (const key of keys) await c.syncService(key);
    const b = cpuNow();
    syncCPU += b - a - (serverCPU - s0);
    writes += echoes.length;
    deliverEchoes();
    echoCPU += cpuNow() - b;
    queue.clear();
  }
  const total = cpuNow() - t0 - serverCPU;
  return { total: total / N, sync: syncCPU / N, echo: echoCPU / N, writes: writes / N };
}

await round(); // warm-up
const rounds: Awaited<ReturnType<typeof round>>[] = [];
for (let r = 0; r < R; r++) rounds.push(await round());
const med = (f: (x: (typeof rounds)[number]) => number): string => {
  const xs = rounds.map(f).sort((a, b) => a - b);
  return `${(xs[Math.floor(xs.length / 2)] ?? 0).toFixed(0)} µs (${(xs[0] ?? 0).toFixed(0)}–${(xs.at(-1) ?? 0).toFixed(0)})`;
};
process.stdout.write(
  `${String(S)}×${String(P)}, ${String(N)} changes × ${String(R)} rounds, ${(rounds[0]?.writes ?? 0).toFixed(2)} writes/change\n` +
    `  controller CPU per change: ${med((x) => x.total)}\n` +
    `    pod event + syncService (REST encode/decode incl.): ${med((x) => x.sync)}\n` +
    `    echo events (decode, freeze, index, handlers): ${med((x) => x.echo)}\n`,
);
