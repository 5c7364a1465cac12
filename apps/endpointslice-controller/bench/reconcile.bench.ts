// Benchmark: plan + write time of the EndpointSlice reconciler against the in-memory writer.
// Run: cd /work/main && node --conditions=@svclab/source --import tsx apps/endpointslice-controller/bench/reconcile.bench.ts
// (or `make bench`). Prints a `### EndpointSlice reconciler (in-memory writer)` Markdown section.
import { performance } from 'node:perf_hooks';
import { FakeEndpointSliceWriter } from '../src/fake-writers.js';
import { EndpointsReconciler } from '../src/endpoints-reconciler.js';
import { FakeEndpointsWriter } from '../src/fake-writers.js';
import { EndpointSliceReconciler } from '../src/reconciler.js';
import { makeNode, makePods, makeService, nodeMap } from '../src/testing-fixtures.js';

const nodes = nodeMap(makeNode('node-1', 'zone-a'));

const rows: string[] = [];

async function timeIt(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)] ?? 0;
  const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0;
  rows.push(`| ${label} | ${p50.toFixed(2)} ms | ${p99.toFixed(2)} ms | ${String(runs)} |`);
}

for (const n of [100, 1000, 5000]) {
  const pods = makePods(n);
  await timeIt(`initial sync, ${n} pods (plan + ${Math.ceil(n / 100)} creates)`, 20, async () => {
    const writer = new FakeEndpointSliceWriter();
    await new EndpointSliceReconciler({ writer }).reconcile({ service: makeService(), pods, existingSlices: [], nodes });
  });
  const writer = new FakeEndpointSliceWriter();
  const r = new EndpointSliceReconciler({ writer });
  await r.reconcile({ service: makeService(), pods, existingSlices: [], nodes });
  const existing = writer.slices();
  await timeIt(`no-op resync, ${n} pods (plan only, 0 writes)`, 50, async () => {
    const p = r.plan({ service: makeService(), pods, existingSlices: existing, nodes });
    if (p.update.length + p.create.length + p.delete.length !== 0) throw new Error('expected no writes');
  });
  const plusOne = [...pods, ...makePods(1, n)];
  await timeIt(`one pod added, ${n} pods (1 slice write planned)`, 50, async () => {
    const p = r.plan({ service: makeService(), pods: plusOne, existingSlices: existing, nodes });
    if (p.update.length + p.create.length !== 1) throw new Error('expected exactly one slice write');
  });
  await timeIt(`legacy Endpoints plan, ${n} pods`, 20, async () => {
    new EndpointsReconciler({ writer: new FakeEndpointsWriter() }).plan({ service: makeService(), pods, current: undefined });
  });
}

process.stdout.write(
  [
    '### EndpointSlice reconciler (in-memory writer)',
    '',
    'Plan + write time of `EndpointSliceReconciler` / `EndpointsReconciler` against the in-memory fake writer (no apiserver).',
    '',
    '| case | p50 | p99 | runs |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
