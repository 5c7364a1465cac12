// EndpointSlice controller benchmark, end to end: real nats-server + redis-server, the built
// apiserver and the built controller as processes. Run:
//   node --conditions=@svclab/source --import tsx apps/endpointslice-controller/bench/controller.bench.ts
// (or `make bench`). Prints a `### EndpointSlice controller` Markdown section:
//   1. cold start: S Services × P ready pods written with the controller stopped, then the
//      controller started; time until every slice is written (controller metrics, checked against
//      the apiserver's slice list at the end);
//   2. one pod-readiness change (PATCH pods/status) until its slice shows it on an apiserver
//      watch: p50/p99 over BENCH_CHANGES changes (target p99 ≤ 20 ms), after BENCH_WARMUP_CHANGES
//      untimed ones (default 50) on other pods; one change at a time, 10–50 ms apart;
//   3. slice writes per single-endpoint change, counted from the apiserver (every slice
//      ADDED/MODIFIED/DELETED on a cluster-wide watch) — target 1, as upstream.
// Size: BENCH_SERVICES (default 1000) × BENCH_PODS_PER_SERVICE (default 100).
// Profiling: BENCH_CONTROLLER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (node flags of the controller).
// A/B: BENCH_CONTROLLER_MAIN=<path to another build's main.js> runs that controller instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Node, Pod, Service } from '@svclab/api';
import { createClient, PatchType, type ClientSet } from '@svclab/client';
import { freePort, startNats, startRedis, waitForPort } from '@svclab/testkit';

/** `INFO persistence` of the Redis at `url`, as a map (redis-cli; empty when it is missing). */
function redisPersistence(url: string): Map<string, string> {
  const r = spawnSync('redis-cli', ['-u', url, 'info', 'persistence'], { encoding: 'utf8' });
  const out = new Map<string, string>();
  for (const line of (r.stdout ?? '').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** AOF rewrites Redis has done since it started (NaN without redis-cli). */
function aofRewrites(url: string): number {
  return Number(redisPersistence(url).get('aof_rewrites') ?? NaN);
}

/** Waits out a running AOF rewrite, runs one more and waits for it; false without redis-cli. */
async function compactAof(url: string): Promise<boolean> {
  const idle = async (): Promise<void> => {
    while (redisPersistence(url).get('aof_rewrite_in_progress') === '1') await new Promise((r) => setTimeout(r, 100));
  };
  if (Number.isNaN(aofRewrites(url))) return false;
  await idle();
  const before = aofRewrites(url);
  spawnSync('redis-cli', ['-u', url, 'bgrewriteaof'], { encoding: 'utf8' });
  while (aofRewrites(url) <= before) await new Promise((r) => setTimeout(r, 100));
  await idle();
  return true;
}

const root = resolve(import.meta.dirname, '../../..');
const apiserverMain = join(root, 'apps/apiserver/dist/main.js');
/** BENCH_CONTROLLER_MAIN: another build of the controller (A/B runs against an older commit). */
const controllerMain = process.env['BENCH_CONTROLLER_MAIN'] ?? join(root, 'apps/endpointslice-controller/dist/main.js');
const services = Number(process.env['BENCH_SERVICES'] ?? '1000');
const podsPerService = Number(process.env['BENCH_PODS_PER_SERVICE'] ?? '100');
const changes = Number(process.env['BENCH_CHANGES'] ?? '100');
/** Untimed readiness changes before the timed ones (BENCH_WARMUP_CHANGES). */
const warmupChanges = Number(process.env['BENCH_WARMUP_CHANGES'] ?? '50');
/** Seconds of setup (pod writes) after which no further Service's pods are started. */
const setupBudgetS = Number(process.env['BENCH_SETUP_BUDGET_S'] ?? '600');
/** Extra node flags for the controller process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (profile written on exit). */
/** Extra node flags for the apiserver process (BENCH_APISERVER_NODE_ARGS), same form. */
const apiserverNodeArgs = (process.env['BENCH_APISERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
const controllerNodeArgs = (process.env['BENCH_CONTROLLER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
/** More apiserver flags (e.g. `--event-ttl=0`), for A/B runs. */
const apiserverFlags = (process.env['BENCH_APISERVER_FLAGS'] ?? '').split(' ').filter((a) => a !== '');
/**
 * BENCH_VARIANTS: A/B rounds after the main run, e.g. 'base:;semi2:--max-semi-space-size=2;new:main=/x/main.js'
 * (name:node flags, `main=` another controller build); each round restarts the controller as that
 * variant, waits for its resync, warms up and times BENCH_CHANGES changes; BENCH_VARIANT_ROUNDS
 * (default 2) rounds, variants interleaved.
 */
const variants = (process.env['BENCH_VARIANTS'] ?? '')
  .split(';')
  .filter((v) => v.trim() !== '')
  .map((v) => {
    const [name = '', flags = ''] = v.split(/:(.*)/s);
    const tokens = flags.split(' ').filter((t) => t !== '');
    const main = tokens.find((t) => t.startsWith('main='))?.slice('main='.length) ?? controllerMain;
    return { name, main, args: tokens.filter((t) => !t.startsWith('main=')) };
  });
const variantRounds = Number(process.env['BENCH_VARIANT_ROUNDS'] ?? '2');
/** Redis `appendfsync` (BENCH_REDIS_FSYNC): always (default, as deployed) | everysec | no — to see what the fsyncs cost. */
const redisFsync = (process.env['BENCH_REDIS_FSYNC'] ?? 'always') as 'always' | 'everysec' | 'no';
const ns = 'default';
const node = 'bench-node-1';

const progress = (msg: string): void => {
  process.stderr.write(`[controller.bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function ensureBuilt(): void {
  if (existsSync(apiserverMain) && existsSync(controllerMain)) return;
  spawnSync('npx', ['turbo', 'run', 'build', '--filter=@svclab/endpointslice-controller...', '--filter=@svclab/apiserver...'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(apiserverMain) || !existsSync(controllerMain)) throw new Error('build of the apiserver / endpointslice-controller failed');
}

function start(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (b: Buffer) => process.stderr.write(b));
  return child;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs `fn` over `items`, `concurrency` at a time; stops taking items once `stop(nextIndex)` is true. Returns how many were taken. */
async function inParallel<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>, stop: (next: number) => boolean = () => false): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop(next)) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return next;
}

function sumMetric(text: string, name: string, label = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(label)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m?.[1] === name) sum += Number(m[3]);
  }
  return sum;
}

/** Mean apiserver-side duration of the requests one change makes, between two scrapes of its /metrics. */
function serverMeans(before: string, after: string): string {
  const kinds = [
    ['PATCH pods/status', 'verb="PATCH"', 'pods'],
    ['PUT endpointslices', 'verb="PUT"', 'endpointslices'],
    ['PUT endpoints', 'verb="PUT"', 'endpoints'],
  ] as const;
  /** Mean of histogram `metric` over the lines holding every one of `labels`, and its count. */
  const mean = (metric: string, labels: readonly string[]): [number, number] => {
    const of = (m: string, suffix: string): number =>
      m
        .split('\n')
        .filter((l) => l.startsWith(`${metric}_${suffix}{`) && labels.every((x) => l.includes(x)))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const n = of(after, 'count') - of(before, 'count');
    return [n > 0 ? ((of(after, 'sum') - of(before, 'sum')) * 1000) / n : 0, n];
  };
  return kinds
    .map(([what, verb, resource]) => {
      const [ms, n] = mean('apiserver_request_duration_seconds', [verb, `resource="${resource}"`]);
      const [getMs] = mean('svclab_apiserver_storage_request_duration_seconds', ['operation="get"', `resource="${resource}"`]);
      const [updMs] = mean('svclab_apiserver_storage_request_duration_seconds', ['operation="update"', `resource="${resource}"`]);
      return `${what} ${ms.toFixed(2)} ms (${String(n)}; Redis get ${getMs.toFixed(2)} + write ${updMs.toFixed(2)})`;
    })
    .join(', ');
}

const podIP = (i: number): string => `127.${String(244 + Math.floor(i / 62_500))}.${String(Math.floor(i / 250) % 250)}.${String((i % 250) + 2)}`;

function status(ip: string, ready: boolean): Record<string, unknown> {
  return {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }],
  };
}

/**
 * Writes the Node, then pods service by service (create + status), then the Services whose pods
 * are all written. Stops starting new Services' pods after `setupBudgetS` seconds, so a machine too
 * slow for the full size measures the largest size that fits. Returns the number of Services.
 */
async function writeObjects(client: ClientSet): Promise<number> {
  const nodeObj: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { 'topology.kubernetes.io/zone': 'zone-a' } } } as Node;
  await client.resource('nodes').create(nodeObj);
  const pods = Array.from({ length: services * podsPerService }, (_, i) => i);
  const t = performance.now();
  let done = 0;
  const perService = new Map<number, number>();
  const overBudget = (next: number): boolean => next % podsPerService === 0 && performance.now() - t > setupBudgetS * 1000;
  const taken = await inParallel(
    pods,
    48,
    async (i) => {
      const s = Math.floor(i / podsPerService);
      const name = `svc-${String(s)}-${String(i % podsPerService)}`;
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns, labels: { app: `svc-${String(s)}` } },
        spec: { nodeName: node, containers: [{ name: 'app', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }] },
      } as Pod;
      await client.resource('pods').namespace(ns).create(pod);
      await client.resource('pods').namespace(ns).patch(name, { type: PatchType.MergePatch, data: { status: status(podIP(i), true) } }, { subresource: 'status' });
      perService.set(s, (perService.get(s) ?? 0) + 1);
      if (++done % 5000 === 0) progress(`${String(done)} pods written (${((done * 1000) / (performance.now() - t)).toFixed(0)}/s)`);
    },
    overBudget,
  );
  const n = Math.floor(taken / podsPerService);
  const complete = [...perService.values()].filter((c) => c === podsPerService).length;
  progress(`pods taken ${String(taken)}, written ${String(done)}; Services with all pods ${String(complete)} of ${String(perService.size)}; creating ${String(n)} Services`);
  await inParallel(
    Array.from({ length: n }, (_, s) => s),
    16,
    async (s) => {
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `svc-${String(s)}`, namespace: ns },
        spec: { selector: { app: `svc-${String(s)}` }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      } as Service;
      await client.resource('services').namespace(ns).create(svc);
    },
  );
  return n;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return 0;
  }
}

/** GC pauses between two scrapes of a process's /metrics (prom-client's nodejs_gc_duration_seconds), per kind. */
function gcPauses(before: string, after: string): string {
  const kinds = ['minor', 'major', 'incremental', 'weakcb'];
  return kinds
    .map((k) => {
      const label = `kind="${k}"`;
      const n = sumMetric(after, 'nodejs_gc_duration_seconds_count', label) - sumMetric(before, 'nodejs_gc_duration_seconds_count', label);
      const ms = (sumMetric(after, 'nodejs_gc_duration_seconds_sum', label) - sumMetric(before, 'nodejs_gc_duration_seconds_sum', label)) * 1000;
      return `${k} ${String(n)} (${ms.toFixed(0)} ms)`;
    })
    .join(', ');
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function main(): Promise<void> {
  ensureBuilt();
  const [nats, redis] = await Promise.all([startNats(), startRedis({ appendfsync: redisFsync })]);
  const procs: ChildProcess[] = [];
  const rows: string[] = [];
  const abRows: string[] = [];
  let nServices = 0;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${String(port)}`;
    procs.push(start([...apiserverNodeArgs, apiserverMain, '--bind-address=127.0.0.1', `--secure-port=${String(port)}`, '--service-cluster-ip-range=127.96.0.0/12', ...apiserverFlags], { REDIS_URL: redis.url, NATS_URL: nats.url, LOG_LEVEL: 'error' }));
    await waitForPort('127.0.0.1', port, 30_000);
    await until('apiserver ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
    const client = createClient({ server: url, userAgent: 'endpointslice-bench' });

    progress(`writing up to ${String(services)} Services × ${String(podsPerService)} pods (controller stopped)`);
    const tw = performance.now();
    nServices = await writeObjects(client);
    const setupS = (performance.now() - tw) / 1000;
    progress(`setup took ${setupS.toFixed(1)} s`);

    // 1. Cold start.
    const mport = await freePort();
    const metricsURL = `http://127.0.0.1:${String(mport)}`;
    const slicesPerService = Math.max(1, Math.ceil(podsPerService / 100));
    const wantSlices = nServices * slicesPerService;
    const t0 = performance.now();
    procs.push(
      start([...controllerNodeArgs, controllerMain, `--metrics-bind-address=127.0.0.1:${String(mport)}`, '--leader-elect=false'], {
        APISERVER_URL: url,
        NATS_URL: nats.url,
        POD_NAME: 'bench',
        LOG_LEVEL: 'error',
      }),
    );
    const controllerPid = procs[procs.length - 1]?.pid;
    let readyAt = 0;
    const metrics = async (): Promise<string> => (await fetch(`${metricsURL}/metrics`)).text();
    await until(
      'every slice created',
      async () => {
        if (readyAt === 0 && (await fetch(`${metricsURL}/readyz`)).status === 200) readyAt = performance.now();
        const m = await metrics();
        // num_endpoint_slices (the controller's view after each sync), not creates: a create that
        // timed out but committed is found and kept by the retry, and is never counted as a create.
        return sumMetric(m, 'endpoint_slice_controller_num_endpoint_slices') >= wantSlices && sumMetric(m, 'endpoint_slice_controller_syncs', 'result="success"') >= nServices;
      },
      30 * 60_000,
    );
    const coldMs = performance.now() - t0;
    const creates = sumMetric(await metrics(), 'endpoint_slice_controller_changes', 'operation="create"');
    const errors = sumMetric(await metrics(), 'endpoint_slice_controller_syncs', 'result="error"');
    const all = (await client.resource('endpointslices').namespace(ns).list({ labelSelector: 'endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io' })).items;
    const endpoints = all.reduce((n, s) => n + (s.endpoints ?? []).length, 0);
    if (all.length !== wantSlices || endpoints !== nServices * podsPerService) {
      progress(`cold start: ${String(all.length)} slices / ${String(endpoints)} endpoints, want ${String(wantSlices)} / ${String(nServices * podsPerService)}`);
      rows.push(`| WARNING: the apiserver lists ${String(all.length)} slices / ${String(endpoints)} endpoints, expected ${String(wantSlices)} / ${String(nServices * podsPerService)} | — | — |`);
    }
    progress(`cold start ${(coldMs / 1000).toFixed(1)} s`);
    rows.push(`| cold start: ${String(nServices)} Services × ${String(podsPerService)} pods → ${String(wantSlices)} slices (+ ${String(nServices)} Endpoints), process start → every slice written | ${(coldMs / 1000).toFixed(1)} s (informers synced after ${((readyAt - t0) / 1000).toFixed(1)} s; ${String(creates)} creates, ${String(errors)} failed syncs retried) | — |`);
    rows.push(`| setup (not timed above): ${String(nServices)} Services + ${String(nServices * podsPerService)} pods created and status written | ${setupS.toFixed(0)} s (${((nServices * podsPerService) / setupS).toFixed(0)} pods/s) | — |`);

    // 2 + 3. Readiness changes, observed on one cluster-wide slice watch.
    const watchAbort = new AbortController();
    const listRV = (await client.resource('endpointslices').list({ limit: 1 })).metadata.resourceVersion;
    let sliceEvents = 0;
    const waiters = new Map<string, { ready: boolean; resolve: () => void }>();
    const watching = (async () => {
      for await (const ev of client.resource('endpointslices').watch({ ...(listRV === undefined ? {} : { resourceVersion: listRV }), signal: watchAbort.signal })) {
        sliceEvents++;
        const s: EndpointSlice = ev.object;
        for (const e of s.endpoints ?? []) {
          const w = waiters.get(e.addresses[0] ?? '');
          if (w !== undefined && (e.conditions?.ready ?? false) === w.ready) {
            waiters.delete(e.addresses[0] ?? '');
            w.resolve();
          }
        }
      }
    })().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    /** Change k: a different pod in a different Service goes not-ready; [PATCH round trip, PATCH sent → slice seen] in ms. */
    const flip = async (k: number): Promise<[number, number]> => {
      const i = (k % nServices) * podsPerService + Math.floor(k / nServices);
      const name = `svc-${String(Math.floor(i / podsPerService))}-${String(i % podsPerService)}`;
      const ready = false;
      const seen = new Promise<void>((r) => {
        waiters.set(podIP(i), { ready, resolve: r });
      });
      const t = performance.now();
      await client.resource('pods').namespace(ns).patch(name, { type: PatchType.MergePatch, data: { status: status(podIP(i), ready) } }, { subresource: 'status' });
      const patched = performance.now() - t;
      await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`change ${String(k)} not seen in 30 s`)), 30_000))]);
      const took = performance.now() - t;
      // One change at a time: the rest of this change (the Endpoints write, the echo events) ends
      // before the next starts, after a deterministic pseudo-random 10–50 ms (changes do not arrive
      // in lockstep with the controller's writes).
      await new Promise((r) => setTimeout(r, 10 + ((k * 7919) % 41)));
      return [patched, took];
    };
    // Warm-up (not timed): the first changes after the cold start run code paths for the first
    // time (JIT) and meet the cold start's garbage; a controller that has run for a while does not.
    for (let k = 0; k < warmupChanges; k++) await flip(k);
    // The setup's bulk load (100k pods) leaves Redis rewriting its append-only file each time it
    // doubles, the last ones well into the timed changes (a fork and a burst of disk writes that
    // stall fsync-always writes by 10–60 ms). A cluster that has run for a while is past them: one
    // rewrite now, waited for, and the rewrites inside the timed window are counted below.
    const compacted = await compactAof(redis.url);
    await new Promise((r) => setTimeout(r, 1000));
    const aofBefore = aofRewrites(redis.url);
    const apiMetrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();
    const apiBefore = await apiMetrics();
    const before = await metrics();
    const updatesBefore = sumMetric(before, 'endpoint_slice_controller_changes', 'operation="update"');
    const eventsBefore = sliceEvents;
    const cpuBefore = cpuSeconds(controllerPid);
    const apiserverPid = procs[0]?.pid;
    const apiCpuBefore = cpuSeconds(apiserverPid);
    const lat: number[] = [];
    const patchLat: number[] = [];
    /** Per change, in order: [PATCH round trip, PATCH sent → slice seen], ms. */
    const perChange: [number, number][] = [];
    const syncSum = (m: string): number => sumMetric(m, 'svclab_endpointslice_sync_duration_seconds_sum');
    const syncCount = (m: string): number => sumMetric(m, 'svclab_endpointslice_sync_duration_seconds_count');
    for (let k = warmupChanges; k < warmupChanges + changes; k++) {
      const [p, l] = await flip(k);
      patchLat.push(p);
      lat.push(l);
      perChange.push([p, l]);
    }
    const aofDuring = aofRewrites(redis.url) - aofBefore;
    const cpuMs = (cpuSeconds(controllerPid) - cpuBefore) * 1000;
    const apiCpuMs = (cpuSeconds(apiserverPid) - apiCpuBefore) * 1000;
    // Let trailing writes (if any) arrive before counting.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await metrics();
    const apiAfter = await apiMetrics();
    const updates = sumMetric(after, 'endpoint_slice_controller_changes', 'operation="update"') - updatesBefore;
    const syncs = syncCount(after) - syncCount(before);
    if (process.env['BENCH_DEBUG'] !== undefined) {
      progress(`metrics before:\n${before.split('\n').filter((l) => /_syncs\{|_changes\{|sync_duration_seconds_count/.test(l)).join('\n')}`);
      progress(`metrics after:\n${after.split('\n').filter((l) => /_syncs\{|_changes\{|sync_duration_seconds_count/.test(l)).join('\n')}`);
    }
    const syncMeanMs = syncs > 0 ? ((syncSum(after) - syncSum(before)) * 1000) / syncs : 0;
    const events = sliceEvents - eventsBefore;
    let nextK = warmupChanges + changes;
    let controllerProc = procs.find((p) => p.pid === controllerPid);
    for (let round = 0; round < (variants.length > 0 ? variantRounds : 0); round++) {
      for (const v of variants) {
        if (controllerProc !== undefined && controllerProc.exitCode === null) {
          const exited = new Promise((r) => controllerProc?.once('exit', r));
          controllerProc.kill('SIGTERM');
          await exited;
        }
        const vport = await freePort();
        const vmetrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${String(vport)}/metrics`)).text();
        controllerProc = start([...v.args, v.main, `--metrics-bind-address=127.0.0.1:${String(vport)}`, '--leader-elect=false'], { APISERVER_URL: url, NATS_URL: nats.url, POD_NAME: 'bench', LOG_LEVEL: 'error' });
        procs.push(controllerProc);
        await until(`variant ${v.name} resynced`, async () => sumMetric(await vmetrics(), 'endpoint_slice_controller_syncs', 'result="success"') >= nServices, 10 * 60_000, 250);
        for (let k = 0; k < warmupChanges; k++) await flip(nextK++);
        await new Promise((r) => setTimeout(r, 1000));
        const [vb, ab] = [await vmetrics(), await apiMetrics()];
        const l: number[] = [];
        const pl: number[] = [];
        for (let k = 0; k < changes; k++) {
          const [pm, lm] = await flip(nextK++);
          pl.push(pm);
          l.push(lm);
        }
        const [va, aa] = [await vmetrics(), await apiMetrics()];
        l.sort((a, b) => a - b);
        pl.sort((a, b) => a - b);
        const line = `| ${v.name} | ${String(round + 1)} | ${pct(l, 0.5).toFixed(1)} | ${pct(l, 0.99).toFixed(1)} | ${(l[l.length - 1] ?? 0).toFixed(1)} | ${pct(pl, 0.5).toFixed(1)} / ${pct(pl, 0.99).toFixed(1)} | ${gcPauses(vb, va)} | ${gcPauses(ab, aa)} |`;
        progress(`A/B ${line}`);
        abRows.push(line);
      }
    }
    watchAbort.abort();
    await watching;
    lat.sort((a, b) => a - b);
    patchLat.sort((a, b) => a - b);
    rows.push(`| one pod-readiness change (PATCH pods/status) → its slice shows it on an apiserver watch, ${String(lat.length)} changes after ${String(warmupChanges)} untimed | p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${(lat[lat.length - 1] ?? 0).toFixed(1)} ms | p99 ≤ 20 ms |`);
    rows.push(`| … of which the PATCH pods/status round trip itself | p50 ${pct(patchLat, 0.5).toFixed(1)} ms, p99 ${pct(patchLat, 0.99).toFixed(1)} ms | — |`);
    rows.push(`| … of which the controller's syncService (slices + Endpoints writes; \`svclab_endpointslice_sync_duration_seconds\` mean over ${String(syncs)} syncs) | ${syncMeanMs.toFixed(1)} ms | — |`);
    const slowest = perChange
      .map(([p, l], k) => ({ k, p, l }))
      .sort((a, b) => b.l - a.l)
      .slice(0, 5)
      .map(({ k, p, l }) => `#${String(k + warmupChanges)} ${l.toFixed(1)} (PATCH ${p.toFixed(1)})`)
      .join(', ');
    rows.push(`| … the 5 slowest changes, ms | ${slowest} | — |`);
    rows.push(
      `| Redis append-only file rewrites during the timed changes (after ${compacted ? 'one run and waited for once the warm-up was done' : 'none forced: no redis-cli'}) | ${String(aofDuring)} | — |`,
    );
    rows.push(`| apiserver time per request (\`apiserver_request_duration_seconds\` mean: body read to response written; of which the Redis round trips, \`svclab_apiserver_storage_request_duration_seconds\`) | ${serverMeans(apiBefore, apiAfter)} | — |`);
    rows.push(`| GC pauses during the changes: apiserver | ${gcPauses(apiBefore, apiAfter)}; event-loop lag max ${(sumMetric(apiAfter, 'nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)} ms | — |`);
    rows.push(`| GC pauses during the changes: controller | ${gcPauses(before, after)}; event-loop lag max ${(sumMetric(after, 'nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)} ms | — |`);
    rows.push(`| controller process CPU (user + system, /proc) per change, over the ${String(lat.length)} changes | ${(cpuMs / Math.max(1, lat.length)).toFixed(1)} ms | — |`);
    rows.push(`| apiserver process CPU (user + system, /proc) per change, over the ${String(lat.length)} changes | ${(apiCpuMs / Math.max(1, lat.length)).toFixed(1)} ms | — |`);
    rows.push(`| slice writes per single-endpoint change (apiserver: slice watch events / changes) | ${(events / changes).toFixed(2)} (${String(events)} / ${String(changes)}; controller \`changes{operation="update"}\` +${String(updates)}) | 1 |`);
  } finally {
    for (const p of procs.reverse()) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        await new Promise((r) => p.once('exit', r));
      }
    }
    await Promise.all([nats.stop(), redis.stop()]);
  }
  const sized = nServices === 1000 && podsPerService === 100 ? '' : ` Measured at ${String(nServices)} × ${String(podsPerService)}, not the 1,000 × 100 target (asked: ${String(services)} × ${String(podsPerService)}, BENCH_SERVICES × BENCH_PODS_PER_SERVICE; pod writes stop starting new Services after BENCH_SETUP_BUDGET_S = ${String(setupBudgetS)} s): see the setup row.`;
  process.stdout.write(
    [
      '### EndpointSlice controller',
      '',
      `End to end: real nats-server + redis-server (\`appendfsync ${redisFsync}\`${redisFsync === 'always' ? '' : ', BENCH_REDIS_FSYNC: not as deployed'}), \`apps/apiserver/dist/main.js\` and \`apps/endpointslice-controller/dist/main.js\` as processes (\`--leader-elect=false\`), one shared, loaded 2-core machine.${sized}`,
      '',
      '| case | result | target |',
      '|---|---|---|',
      ...rows,
      '',
      ...(abRows.length === 0
        ? []
        : [
            `A/B rounds (BENCH_VARIANTS, ${String(changes)} timed changes each after ${String(warmupChanges)} untimed, a fresh controller per round), ms:`,
            '',
            '| variant | round | p50 | p99 | max | PATCH p50 / p99 | controller GC | apiserver GC |',
            '|---|---|---|---|---|---|---|---|',
            ...abRows,
            '',
          ]),
    ].join('\n'),
  );
}

main().then(
  () => {
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
