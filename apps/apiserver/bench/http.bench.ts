// The apiserver over HTTP against a real redis-server (appendfsync always) and nats-server:
// create/get/update/list throughput with p50/p99 at concurrency 1, 16, 64; a list of 10,000
// Services; watch delivery latency with 10 HTTP watchers; the apiserver process's CPU time per
// request (user + system, all threads, from /proc). Prints a Markdown section.
// Needs the built apiserver (apps/apiserver/dist/main.js; `make build`).
// Run: node --conditions=@svclab/source --import tsx apps/apiserver/bench/http.bench.ts
// BENCH_ONLY=create runs only the creates at concurrency BENCH_C (default 16; BENCH_N of them, default 3000) for
// quick A/B runs (BENCH_ONLY=watch: only the watch delivery latency); BENCH_NODE_FLAGS="--cpu-prof ..." adds node flags to the apiserver process;
// BENCH_APISERVER_MAIN runs another build (e.g. a copy of an older dist/, for A/B);
// BENCH_ONLY=wrk runs only the creates driven by wrk (wrk-creates.ts; BENCH_WRK_SECONDS per
// concurrency, default 10; BENCH_WRK_PIN = client (default: wrk on CPU 0) | both (and the apiserver on CPU 1) | none);
// BENCH_APISERVER_FLAGS adds apiserver flags (e.g. "--workers=2"). The CPU column sums the
// apiserver's whole process tree (a --workers primary and its workers).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePort, startNats, startProcess, startRedis, waitForPort } from '@svclab/testkit';
import { wrkAvailable, wrkCreates } from './wrk-creates.js';

const main = process.env['BENCH_APISERVER_MAIN'] ?? join(import.meta.dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) throw new Error(`build the apiserver first (${main} is missing): make build`);

const [redis, nats] = await Promise.all([startRedis(), startNats()]);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const only = process.env['BENCH_ONLY'];
const nodeFlags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
const serverFlags = (process.env['BENCH_APISERVER_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
// BENCH_CALLGRIND=<file>: the apiserver runs under valgrind's callgrind, counting instructions only
// inside the timed runs (the printed column is then instructions per request, not CPU ms): a
// figure that other processes on the machine do not move, for A/B on a busy machine.
const callgrindOut = process.env['BENCH_CALLGRIND'];
const wrap = callgrindOut === undefined ? [] : ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${callgrindOut}`];
// BENCH_REDIS_UNIX=1: the apiserver talks to Redis over its Unix socket instead of TCP loopback.
const redisUrl = process.env['BENCH_REDIS_UNIX'] === '1' ? redis.unixUrl : redis.url;
const proc = startProcess('env', [`REDIS_URL=${redisUrl}`, `NATS_URL=${nats.url}`, 'LOG_LEVEL=error', ...wrap, process.execPath, ...nodeFlags, main, '--bind-address=127.0.0.1', `--secure-port=${port}`, ...serverFlags]);
if (callgrindOut !== undefined && only !== 'create') throw new Error('BENCH_CALLGRIND needs BENCH_ONLY=create');
const slow = callgrindOut === undefined ? 1 : 20;
/** Whether timed() counts instructions (callgrind): the measured create run, not the warm-up. */
let countInstructions = false;
await waitForPort('127.0.0.1', port, 30_000 * slow);
for (let i = 0; i < 300 * slow; i++) {
  const r = await fetch(`${base}/readyz`).catch(() => undefined);
  if (r?.status === 200) break;
  await new Promise((r) => setTimeout(r, 100));
}
/** The pids of `pid` and all its descendants (Linux; the apiserver's `--workers` are its children). */
function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter((s) => s !== '');
      for (const k of kids) out.push(...processTree(Number(k)));
    }
  } catch {
    // exited meanwhile
  }
  return out;
}
/** CPU time (user + system, ms) the apiserver process and its workers have used so far; NaN off Linux. */
function serverCpuMs(): number {
  let ms = 0;
  try {
    for (const pid of processTree(proc.child.pid ?? 0)) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
    }
    return ms;
  } catch {
    return NaN;
  }
}

/** Read and write syscalls (syscr + syscw of /proc/<pid>/io) of the apiserver's process tree so far. */
function serverSyscalls(): { r: number; w: number } {
  const n = { r: 0, w: 0 };
  for (const pid of processTree(proc.child.pid ?? 0)) {
    try {
      const io = readFileSync(`/proc/${pid}/io`, 'utf8');
      n.r += Number(/syscr: (\d+)/.exec(io)?.[1] ?? NaN);
      n.w += Number(/syscw: (\d+)/.exec(io)?.[1] ?? NaN);
    } catch {
      // exited meanwhile, or no /proc
    }
  }
  return n;
}

const agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });

async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${base}${path}`, {
    method,
    dispatcher: agent,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

const svc = (ns: string, name: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});

interface Timed {
  rate: number;
  p50: number;
  p99: number;
  /** Apiserver CPU ms, read and write syscalls per request. */
  cpu: number;
  reads: number;
  writes: number;
}

async function timed(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<Timed> {
  let next = 0;
  const lat: number[] = [];
  if (callgrindOut !== undefined && countInstructions) execFileSync('callgrind_control', ['-i', 'on', String(proc.child.pid ?? 0)], { stdio: 'ignore' });
  const cpu0 = serverCpuMs();
  const sys0 = serverSyscalls();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  if (callgrindOut !== undefined && countInstructions) execFileSync('callgrind_control', ['-i', 'off', String(proc.child.pid ?? 0)], { stdio: 'ignore' });
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  const sys1 = serverSyscalls();
  return { rate: n / secs, p50: q(0.5), p99: q(0.99), cpu: (serverCpuMs() - cpu0) / n, reads: (sys1.r - sys0.r) / n, writes: (sys1.w - sys0.w) / n };
}

const rows: string[] = [];
const row = (op: string, c: number, n: number, r: Timed): void => {
  rows.push(`| ${op} | ${c} | ${n} | ${Math.round(r.rate)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(3)} | ${r.reads.toFixed(2)} / ${r.writes.toFixed(2)} |`);
};

try {
  await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  if (only === 'create') {
    const n = Number(process.env['BENCH_N'] ?? 3000);
    await timed(500, 16, (i) => call('POST', '/api/v1/namespaces/bench/services', svc('bench', `warm-${i}`)));
    countInstructions = true;
    const c = Number(process.env['BENCH_C'] ?? 16);
    row('create', c, n, await timed(n, c, (i) => call('POST', '/api/v1/namespaces/bench/services', svc('bench', `c${c}-${i}`))));
    process.stdout.write(`${rows.join('\n')}\n`);
  } else if (only === 'wrk') {
    process.stdout.write(`${(await wrkRun()).join('\n')}\n`);
  } else if (only === 'watch') {
    const delays = await watchDelivery();
    const q = (p: number): number => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] ?? NaN;
    process.stdout.write(`watch delivery (${delays.length}): p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms\n`);
  } else await fullRun();
} finally {
  await agent.close();
  await proc.stop(callgrindOut === undefined ? 5000 : 120_000);
  if (callgrindOut !== undefined) {
    const totals = /^totals: (\d+)/m.exec(readFileSync(callgrindOut, 'utf8'));
    const n = Number(process.env['BENCH_N'] ?? 3000);
    process.stdout.write(`callgrind: ${((Number(totals?.[1]) / n) / 1e6).toFixed(3)} M instructions per create (${callgrindOut})\n`);
  }
  await Promise.all([redis.stop(), nats.stop()]);
}

async function fullRun(): Promise<void> {
  for (const c of [1, 16, 64]) {
    const n = c === 1 ? 500 : 3000;
    const created: string[] = [];
    row('create', c, n, await timed(n, c, async (i) => {
      const name = `c${c}-${i}`;
      await call('POST', '/api/v1/namespaces/bench/services', svc('bench', name));
      created.push(name);
    }));
    row('get', c, n, await timed(n, c, (i) => call('GET', `/api/v1/namespaces/bench/services/${created[i % created.length] ?? ''}`)));
    row('update', c, n, await timed(n, c, async (i) => {
      const name = created[i] ?? '';
      const cur = (await call('GET', `/api/v1/namespaces/bench/services/${name}`)) as { metadata: { labels: Record<string, string> } };
      cur.metadata.labels['rev'] = String(i);
      await call('PUT', `/api/v1/namespaces/bench/services/${name}`, cur);
    }));
    row('list (namespace, 100 per page)', c, 200, await timed(200, c, () => call('GET', '/api/v1/namespaces/bench/services?limit=100')));
  }
  // 10,000 Services in all, then list them whole and in kubectl's 500-chunks.
  const have = ((await call('GET', '/api/v1/services?limit=1')) as { metadata: { remainingItemCount?: number } }).metadata.remainingItemCount ?? 0;
  await timed(Math.max(0, 10_000 - have - 2), 64, (i) => call('POST', '/api/v1/namespaces/bench/services', svc('bench', `fill-${i}`)));
  row('list 10,000 (one response)', 1, 5, await timed(5, 1, () => call('GET', '/api/v1/services')));
  row('list 10,000 (chunks of 500)', 1, 5, await timed(5, 1, async () => {
    let cont = '';
    do {
      const l = (await call('GET', `/api/v1/services?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)) as { metadata: { continue?: string } };
      cont = l.metadata.continue ?? '';
    } while (cont !== '');
  }));

  const delays = await watchDelivery();
  const q = (p: number): number => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] ?? NaN;
  const wrkRows = await wrkRun();

  process.stdout.write(
    [
      '### apiserver over HTTP (issue 2)',
      '',
      'One apiserver process, real redis-server (`appendfsync always`) and nats-server on loopback; keep-alive HTTP/1.1 client in another process. Latencies in ms; server CPU is the user + system time of the apiserver process (all threads) per request, the figure that holds up on a busy machine. Targets: ≥ 3,000 creates/s at concurrency 16 with p99 ≤ 20 ms; watch delivery p99 ≤ 10 ms.',
      '',
      '| operation | concurrency | requests | req/s | p50 ms | p99 ms | server CPU ms/req | server read / write syscalls per req |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Watch delivery, 10 watchers × 300 creates (${delays.length} deliveries): p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms (write sent → event received).`,
      '',
      ...wrkRows,
      '',
    ].join('\n'),
  );
}

/**
 * Creates driven by wrk at concurrency 1, 16, 64 (after a 3 s warm-up), each into its own namespace;
 * every completed request must have created a Service. Returns a Markdown table (or a line saying
 * why there is none).
 */
async function wrkRun(): Promise<string[]> {
  if (!wrkAvailable()) return ['Creates driven by wrk: not run (no `wrk`; `scripts/bootstrap.sh --bench` installs it).'];
  const pinMode = process.env['BENCH_WRK_PIN'] ?? 'client';
  const seconds = Number(process.env['BENCH_WRK_SECONDS'] ?? 10);
  const pid = String(proc.child.pid ?? 0);
  const pinServer = (cpus: string): void => {
    for (const p of processTree(Number(pid))) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(p)], { stdio: 'ignore' });
  };
  const out: string[] = [];
  // A new connection per call (node:http, no agent): idle keep-alive sockets of any pool may have
  // been closed by the apiserver's keep-alive timeout while wrk ran.
  const once = (method: string, path: string, obj?: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${String(res.statusCode)} ${text}`));
          else resolve(JSON.parse(text) as unknown);
        });
      });
      req.on('error', reject);
      req.end(obj === undefined ? undefined : JSON.stringify(obj));
    });
  const post = async (path: string, obj: unknown): Promise<void> => {
    await once('POST', path, obj);
  };
  if (pinMode === 'both') pinServer('1');
  try {
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wrk-warm' } });
    wrkCreates(base, 'wrk-warm', 16, 3, pinMode !== 'none');
    for (const c of [1, 16, 64]) {
      const ns = `wrk-c${c}`;
      await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const cpu0 = serverCpuMs();
      const sys0 = serverSyscalls();
      const r = wrkCreates(base, ns, c, seconds, pinMode !== 'none');
      const cpu = serverCpuMs() - cpu0;
      const sys1 = serverSyscalls();
      const list = (await once('GET', `/api/v1/namespaces/${ns}/services?limit=1`)) as { items: unknown[]; metadata: { remainingItemCount?: number } };
      const created = list.items.length + (list.metadata.remainingItemCount ?? 0);
      const check = r.failed === 0 && created >= r.requests ? '' : ` **${r.failed} failed, ${created} created of ${r.requests}**`;
      out.push(`| create (wrk) | ${c} | ${r.requests} | ${Math.round(r.rate)}${check} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(cpu / r.requests).toFixed(3)} | ${((sys1.r - sys0.r) / r.requests).toFixed(2)} / ${((sys1.w - sys0.w) / r.requests).toFixed(2)} |`);
    }
  } finally {
    if (pinMode === 'both') pinServer(`0-${String(Math.max(1, cpus().length - 1))}`);
  }
  const how = pinMode === 'both' ? 'wrk on CPU 0 and the apiserver on CPU 1 (taskset; Redis and NATS unpinned)' : pinMode === 'client' ? 'wrk on CPU 0 (taskset), the apiserver, Redis and NATS unpinned' : 'nothing pinned';
  return [
    `Creates driven by \`wrk\` (C, one thread; \`wrk-create.lua\` POSTs a new Service per request), ${seconds} s per concurrency after a 3 s warm-up, ${how}; latencies are wrk's; every completed request is checked to have created its Service:`,
    '',
    '| operation | concurrency | requests | req/s | p50 ms | p99 ms | server CPU ms/req | server read / write syscalls per req |',
    '|---|---|---|---|---|---|---|---|',
    ...out,
  ];
}

/** Watch delivery: 10 HTTP watchers; latency = event received − write sent, sorted ascending. */
async function watchDelivery(): Promise<number[]> {
  const rv = ((await call('GET', '/api/v1/namespaces/bench/services?limit=1')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const sent = new Map<string, number>();
  const delays: number[] = [];
  const watchers = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const res = await request(`${base}/api/v1/namespaces/bench/services?watch=true&resourceVersion=${rv}`, { dispatcher: agent });
      let buf = '';
      res.body.setEncoding('utf8');
      res.body.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
          const t = sent.get(name);
          if (t !== undefined) delays.push(performance.now() - t);
        }
      });
      return res;
    }),
  );
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 300; i++) {
    const name = `w-${i}`;
    sent.set(name, performance.now());
    await call('POST', '/api/v1/namespaces/bench/services', svc('bench', name));
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 10_000;
  while (delays.length < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const w of watchers) {
    w.body.on('error', () => undefined);
    w.body.destroy();
  }
  delays.sort((a, b) => a - b);
  return delays;
}
