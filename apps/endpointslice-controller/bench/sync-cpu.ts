// CPU cost of the controller's hot path at size, in one process (no apiserver): real
// @svclab/client Indexers/Listers (with the label index) holding S Services × P pods, the
// Controller with instant in-memory writers. Measures (1) the pod-update handler for one
// readiness flip and (2) syncService of that pod's Service, over N flips.
// Run: node --conditions=@svclab/source --import tsx apps/endpointslice-controller/bench/sync-cpu.ts
// Size: BENCH_SERVICES (1000) × BENCH_PODS_PER_SERVICE (100), BENCH_CHANGES (300).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Endpoints, KubeObject, Node, Pod, Service } from '@svclab/api';
import { Controller } from '../src/controller.js';
import { FakeQueue } from '../src/testing-informers.js';
import { IndexedInformer } from './indexed-informer.js';
import { makeNode, makePod, makeService } from '../src/testing-fixtures.js';

const S = Number(process.env['BENCH_SERVICES'] ?? '1000');
const P = Number(process.env['BENCH_PODS_PER_SERVICE'] ?? '100');
const N = Number(process.env['BENCH_CHANGES'] ?? '300');

const services = new IndexedInformer<Service>();
const pods = new IndexedInformer<Pod>();
const nodes = new IndexedInformer<Node>();
const slices = new IndexedInformer<EndpointSlice>();
const endpoints = new IndexedInformer<Endpoints>();
let rv = 1;
let uid = 0;
const stored = <T extends KubeObject>(o: T): T => {
  const c = structuredClone(o);
  c.metadata.resourceVersion = String(++rv);
  c.metadata.generation = (c.metadata.generation ?? 0) + 1;
  if (c.metadata.uid === undefined) c.metadata.uid = `u-${String(++uid)}`;
  if (c.metadata.name === undefined)
    c.metadata.name = `${c.metadata.generateName ?? ''}${String(uid)}`;
  return c;
};
const queue = new FakeQueue();
const c = new Controller({
  services: services.selectorIndexed('services'),
  pods: pods.labelIndexed('pods'),
  nodes: nodes.pair('nodes'),
  endpointSlices: slices.labelIndexed('endpointslices', 'discovery.k8s.io'),
  endpoints: endpoints.pair('endpoints'),
  sliceWriter: {
    create: (s) => Promise.resolve(stored(s)).then((x) => (slices.set(x), x)),
    update: (s) => Promise.resolve(stored(s)).then((x) => (slices.set(x), x)),
    delete: () => Promise.resolve(),
  },
  endpointsWriter: {
    create: (e) => Promise.resolve(stored(e)).then((x) => (endpoints.set(x), x)),
    update: (e) => Promise.resolve(stored(e)).then((x) => (endpoints.set(x), x)),
    delete: () => Promise.resolve(),
  },
  queue,
});
nodes.set(makeNode('node-1', 'zone-a'));
const podOf = (s: number, i: number, ready: boolean): Pod => {
  const p = makePod({
    name: `svc-${String(s)}-${String(i)}`,
    labels: { app: `svc-${String(s)}` },
    ips: [`10.${String(s >> 8)}.${String(s & 255)}.${String(i + 1)}`],
    ready,
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
queue.clear();
globalThis.gc?.();
const heapMB = process.memoryUsage().heapUsed / 2 ** 20;

const handler: number[] = [];
const sync: number[] = [];
let requeued = 0;
const prof = process.env['BENCH_PROFILE'];
const session = prof === undefined ? undefined : new Session();
const post = (m: string, params?: object): Promise<unknown> =>
  new Promise((res, rej) => {
    session?.post(m, params, (err, r) => (err === null ? res(r) : rej(err)));
  });
if (session !== undefined) {
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
}
const cpu0 = process.cpuUsage();
for (let k = 0; k < N; k++) {
  const s = k % S;
  const i = Math.floor(k / S) % P;
  const t0 = performance.now();
  pods.set(podOf(s, i, (Math.floor(k / (S * P)) & 1) === 1));
  const t1 = performance.now();
  const keys = queue.pending();
  queue.clear();
  const t2 = performance.now();
  for (const key of keys) await c.syncService(key);
  sync.push(performance.now() - t2);
  handler.push(t1 - t0);
  requeued += queue.delayed.length;
  queue.clear();
}
const cpu = process.cpuUsage(cpu0);
if (session !== undefined && prof !== undefined) {
  const r = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(prof, JSON.stringify(r.profile));
}
const pct = (a: number[], p: number): string =>
  ([...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] ?? 0).toFixed(3);
const mean = (a: number[]): string => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(3);
process.stdout.write(
  `${String(S)}×${String(P)} heap ${heapMB.toFixed(0)} MB; pod handler mean ${mean(handler)} p99 ${pct(handler, 0.99)} ms; ` +
    `syncService mean ${mean(sync)} p50 ${pct(sync, 0.5)} p99 ${pct(sync, 0.99)} ms; slice-echo requeues ${String(requeued)}; ` +
    `cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/change\n`,
);
