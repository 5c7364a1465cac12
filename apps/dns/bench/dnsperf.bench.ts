// Cluster DNS against a native DNS server, measured by dnsperf (issue 6). The benchmark generates
// 10,000 Services (1,000 of them headless with 3 ready endpoints) twice: as an --objects file for
// svclab dns, and as the equivalent `cluster.local` zone file (the same A and SRV records, TTL 5,
// the same SOA) for knotd. knotd also serves an `example.test.` zone that stands in for the
// upstream of svclab's `forward` (the "cached forwarded names" mix). Both servers listen on loopback
// ports; dnsperf measures, for each server and mix: peak QPS, then QPS and latency (from `-v`, per
// query) at 80 % of that server's own peak. Before measuring, sample answers from both servers are
// compared record by record, so both really serve the same data.
// Two settings, each its own table:
// - pinned (first, the default rows): the load generator kept off the server's CPU, as if it ran on
//   another machine: `taskset -c 0` for dnsperf, `taskset -c 1` for the server under test (the whole
//   process, its helper threads included), 1 answering process each (svclab `--workers 1`, knotd
//   `udp-workers: 1`). Needs 2 CPUs and taskset (util-linux).
// - unpinned: dnsperf and the server share every CPU, once per entry of DNSPERF_WORKERS (default
//   "1,2"): svclab with `--workers N` against knotd with `udp-workers: N`, so both sides use the same
//   number of answering threads/processes.
// Prints a Markdown section for scripts/bench.mjs. Knobs: DNSPERF_SECONDS (80 % runs; peak runs 0.8 × that),
// DNSPERF_WORKERS (unpinned), DNSPERF_MODES (default "pinned,unpinned"), DNSPERF_SVCLAB_MAIN (a built
// main.js to run instead of apps/dns/dist, for A/B runs against another build), DNSPERF_SVCLAB_NODE_ARGS
// (node flags for svclab dns instead of the ones it is deployed with, for A/B runs of V8 settings),
// DNSPERF_CACHE_SECONDS (svclab's --cache; default: the server's own, 3600).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';

const SERVICES = 10_000;
const HEADLESS = 1_000;
const NAMESPACES = 50;
const ENDPOINTS = 3;
const TTL = 5;
const FORWARDED = 5_000;
const UPSTREAM_TTL = 300;
/**
 * svclab dns `--cache` (DNSPERF_CACHE_SECONDS), the cap on how long a forwarded answer is cached;
 * unset: the server's default (3600, so the upstream's TTL of UPSTREAM_TTL s holds and no cached
 * name expires during a run).
 */
const CACHE_SECONDS = process.env['DNSPERF_CACHE_SECONDS'];
const SECONDS = Number(process.env['DNSPERF_SECONDS'] ?? 10);
const PEAK_SECONDS = Math.max(2, Math.round(SECONDS * 0.8));
/** Unlimited runs per server and mix (DNSPERF_PEAK_ROUNDS); the peak is their median, not the best (a lucky run would put the "80 %" run past the sustained capacity). */
const PEAK_ROUNDS = Number(process.env['DNSPERF_PEAK_ROUNDS'] ?? 3);
const WORKERS = (process.env['DNSPERF_WORKERS'] ?? '1,2').split(',').map(Number);
const MODES = (process.env['DNSPERF_MODES'] ?? 'pinned,unpinned').split(',');
/** Pinned mode: the CPU of the load generator and the CPU of the server under test (taskset -c). */
const LOAD_CPU = '0';
const SERVER_CPU = '1';

/** Where the processes of one setting run: CPU lists for taskset, or everywhere (undefined). */
interface Pinning {
  readonly load?: string;
  readonly server?: string;
}

/** `command args` run on `cpus` through taskset when given. */
const pinned = (cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] =>
  cpus === undefined ? [command, [...args]] : ['taskset', ['-c', cpus, command, ...args]];
const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'svclab-dnsperf-'));

const svcName = (i: number): string => `svc${i}.ns${i % NAMESPACES}.svc.cluster.local`;
const clusterIP = (i: number): string => `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const endpointIP = (i: number, k: number): string => `10.244.${i >> 6}.${((i & 63) << 2) + k}`;
const dashed = (ip: string): string => ip.replaceAll('.', '-');
const headless = (i: number): boolean => i < HEADLESS;

function objectsFile(): string {
  const items: unknown[] = [];
  for (let n = 0; n < NAMESPACES; n++) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${n}` } });
  for (let i = 0; i < SERVICES; i++) {
    const ns = `ns${i % NAMESPACES}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc${i}`, namespace: ns },
      spec: { clusterIP: headless(i) ? 'None' : clusterIP(i), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    if (headless(i)) {
      items.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `svc${i}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': `svc${i}` } },
        addressType: 'IPv4',
        endpoints: Array.from({ length: ENDPOINTS }, (_, k) => ({ addresses: [endpointIP(i, k)], conditions: { ready: true } })),
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      });
    }
  }
  const file = join(dir, 'objects.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

/** The records svclab dns answers for the same objects (docs/dns.md "Answers"), as a zone file. */
function clusterZone(): string {
  const lines = [
    '$ORIGIN cluster.local.',
    `$TTL ${TTL}`,
    `@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 ${TTL}`,
    '@ IN NS ns.dns.cluster.local.',
    'ns.dns IN A 127.0.0.1',
  ];
  const weight = Math.max(1, Math.floor(100 / ENDPOINTS));
  for (let i = 0; i < SERVICES; i++) {
    const name = `${svcName(i)}.`;
    if (!headless(i)) {
      lines.push(`${name} IN A ${clusterIP(i)}`, `_http._tcp.${name} IN SRV 0 100 80 ${name}`);
      continue;
    }
    for (let k = 0; k < ENDPOINTS; k++) {
      const ip = endpointIP(i, k);
      lines.push(`${name} IN A ${ip}`, `${dashed(ip)}.${name} IN A ${ip}`, `_http._tcp.${name} IN SRV 0 ${weight} 8080 ${dashed(ip)}.${name}`);
    }
  }
  const file = join(dir, 'cluster.local.zone');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function upstreamZone(): string {
  const lines = ['$ORIGIN example.test.', `$TTL ${UPSTREAM_TTL}`, '@ IN SOA ns.example.test. hostmaster.example.test. 1 7200 1800 86400 60', '@ IN NS ns', 'ns IN A 127.0.0.1'];
  for (let i = 0; i < FORWARDED; i++) lines.push(`host${i} IN A 192.0.2.${i & 255}`);
  const file = join(dir, 'example.test.zone');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A deterministic shuffle, so every run sends the same query sequence. */
function shuffled<T>(xs: T[]): T[] {
  let s = 42;
  for (let i = xs.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

/** Cluster names: half A for ClusterIP services, a quarter A for headless services, a quarter SRV. */
function clusterQueries(): string {
  const q: string[] = [];
  for (let n = 0; n < 20_000; n++) {
    const r = n % 4;
    if (r < 2) q.push(`${svcName(HEADLESS + ((n * 7919) % (SERVICES - HEADLESS)))} A`);
    else if (r === 2) q.push(`${svcName((n * 7919) % HEADLESS)} A`);
    else q.push(`_http._tcp.${svcName((n * 7919) % SERVICES)} SRV`);
  }
  const file = join(dir, 'cluster.queries');
  writeFileSync(file, `${shuffled(q).join('\n')}\n`);
  return file;
}

function forwardedQueries(): string {
  const q = Array.from({ length: FORWARDED }, (_, i) => `host${i}.example.test A`);
  const file = join(dir, 'forwarded.queries');
  writeFileSync(file, `${shuffled(q).join('\n')}\n`);
  return file;
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

/** One UDP query; undefined on timeout. */
async function ask(port: number, name: string, type: dnsPacket.RecordType, timeoutMs = 1000): Promise<dnsPacket.Packet | undefined> {
  const s = createSocket('udp4');
  try {
    return await new Promise<dnsPacket.Packet | undefined>((resolve) => {
      const t = setTimeout(() => resolve(undefined), timeoutMs);
      s.on('message', (m) => {
        clearTimeout(t);
        resolve(dnsPacket.decode(m));
      });
      s.send(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

async function waitAnswering(port: number, name: string, what: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    const r = await ask(port, name, 'A', 500);
    if (r && ((r.flags ?? 0) & 0xf) === 0 && (r.answers?.length ?? 0) > 0) return;
    await new Promise((r2) => setTimeout(r2, 250));
  }
  throw new Error(`${what} did not answer ${name} on port ${port}`);
}

function startKnot(port: number, workers: number, cpus: string | undefined): ChildProcess {
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `  rundir: "${dir}"`,
      `  listen: 127.0.0.1@${port}`,
      // As many UDP workers as svclab has answering processes (--workers).
      `  udp-workers: ${workers}`,
      '  tcp-workers: 1',
      '  background-workers: 1',
      'database:',
      `  storage: "${dir}"`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      'template:',
      '  - id: default',
      `    storage: "${dir}"`,
      '    semantic-checks: off',
      '    zonefile-sync: -1',
      '    zonefile-load: whole',
      '    journal-content: none',
      'zone:',
      `  - domain: cluster.local.`,
      `    file: "${clusterZone()}"`,
      `  - domain: example.test.`,
      `    file: "${upstreamZone()}"`,
      '',
    ].join('\n'),
  );
  return spawn(...pinned(cpus, 'knotd', ['-c', conf]), { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The built server (`make bench` builds first) when dist is newer than every source file; otherwise
 * the sources through tsx, which run slower (esbuild's keepNames wraps every closure it creates).
 */
function serverEntry(): { args: string[]; label: string } {
  const main = process.env['DNSPERF_SVCLAB_MAIN'];
  if (main !== undefined && main !== '') return { args: [main], label: `built (\`${main}\`, DNSPERF_SVCLAB_MAIN)` };
  const dist = join(root, 'apps/dns/dist/main.js');
  const src = join(root, 'apps/dns/src');
  const newest = Math.max(...readdirSync(src, { recursive: true }).map((f) => statSync(join(src, String(f))).mtimeMs));
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest) return { args: [dist], label: 'built (`dist/main.js`)' };
  return { args: ['--conditions=@svclab/source', '--import', 'tsx', join(src, 'main.ts')], label: 'from source via tsx (dist missing or stale)' };
}

/** Node flags of the svclab dns process: DNSPERF_SVCLAB_NODE_ARGS when set, else none. */
function svclabNodeArgs(): string[] {
  return (process.env['DNSPERF_SVCLAB_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
}

async function startSvclab(upstreamPort: number, entry: string[], workers: number, cpus: string | undefined): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(
    ...pinned(cpus, process.execPath, [
      ...svclabNodeArgs(),
      ...entry,
      '--objects',
      objectsFile(),
      '--dns-address',
      '127.0.0.1:0',
      '--http-address',
      '127.0.0.1:0',
      '--ttl',
      String(TTL),
      '--upstream',
      `127.0.0.1:${upstreamPort}`,
      ...(CACHE_SECONDS === undefined ? [] : ['--cache', CACHE_SECONDS]),
      '--lameduck',
      '0',
      '--workers',
      String(workers),
    ]),
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`svclab dns did not start: ${out}`)), 180_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"listening".*?"dns":"127\.0\.0\.1:(\d+)"/.exec(out);
      if (m?.[1]) {
        clearTimeout(t);
        proc.stdout?.removeAllListeners('data');
        proc.stdout?.resume();
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', (code) => reject(new Error(`svclab dns exited with ${code}: ${out}`)));
  });
  return { proc, port };
}

/** Records as comparable strings, ignoring order and the id/flags that legitimately differ. */
function records(p: dnsPacket.Packet | undefined): string {
  if (!p) return 'timeout';
  const rr = (a: dnsPacket.Answer): string => `${a.name.toLowerCase()} ${a.type} ${'ttl' in a ? a.ttl : ''} ${JSON.stringify('data' in a ? a.data : '')}`;
  return [`rcode ${(p.flags ?? 0) & 0xf}`, [...(p.answers ?? [])].map(rr).sort().join(', ')].join(' | ');
}

async function sameAnswers(svclab: number, knot: number): Promise<string[]> {
  const samples: [string, dnsPacket.RecordType][] = [
    [svcName(HEADLESS + 1), 'A'],
    [svcName(SERVICES - 1), 'A'],
    [svcName(3), 'A'],
    [`_http._tcp.${svcName(HEADLESS + 5)}`, 'SRV'],
    [`_http._tcp.${svcName(7)}`, 'SRV'],
    [`${dashed(endpointIP(9, 1))}.${svcName(9)}`, 'A'],
    [`nope.ns1.svc.cluster.local`, 'A'],
  ];
  const diffs: string[] = [];
  for (const [name, type] of samples) {
    const [a, b] = [records(await ask(svclab, name, type)), records(await ask(knot, name, type))];
    if (a !== b) diffs.push(`${name} ${type}: svclab ${a} / knot ${b}`);
  }
  return diffs;
}

interface Perf {
  qps: number;
  avgMs: number;
  lostPct: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** Runs dnsperf; with maxQps it also reads every query's latency from `-v` for percentiles. */
function dnsperf(port: number, queries: string, opts: { seconds: number; maxQps?: number; once?: boolean; cpus?: string | undefined }): Perf {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-c', '8', '-T', '1', '-q', '200', '-t', '2'];
  if (opts.once) args.push('-n', '1');
  else args.push('-l', String(opts.seconds));
  if (opts.maxQps !== undefined) args.push('-Q', String(Math.round(opts.maxQps)), '-v');
  const r = spawnSync(...pinned(opts.cpus, 'dnsperf', args), { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`dnsperf failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = r.stdout;
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const perf: Perf = {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    lostPct: num(/Queries lost:\s+\d+ \(([\d.]+)%\)/),
  };
  if (opts.maxQps !== undefined) {
    // `-v` lines: "> NOERROR name TYPE 0.000123" (latency in seconds, last field).
    const lat: number[] = [];
    for (const line of out.split('\n')) {
      if (!line.startsWith('> ')) continue;
      const v = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(v)) lat.push(v * 1000);
    }
    lat.sort((a, b) => a - b);
    const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
    perf.p50Ms = pct(0.5);
    perf.p99Ms = pct(0.99);
  }
  return perf;
}

interface Row {
  pinned: boolean;
  workers: number;
  server: string;
  mix: string;
  peak: Perf;
  at80: Perf;
}

interface Target {
  readonly pin: Pinning;
  readonly workers: number;
  readonly server: string;
  readonly mix: string;
  readonly port: number;
  /** Ask every name once first (fills svclab's cache with the forwarded answers). */
  readonly fill?: boolean;
}

/**
 * One query mix against both servers. Peak runs alternate between the servers (PEAK_ROUNDS each) and
 * the best counts, so a burst of load from other work on the machine does not decide the ratio; then
 * each server gets one run at 80 % of its own peak.
 */
function measurePair(queries: string, targets: readonly [Target, Target]): [Row, Row] {
  for (const t of targets) {
    const cpus = t.pin.load;
    if (t.fill) dnsperf(t.port, queries, { seconds: SECONDS, once: true, maxQps: 20_000, cpus });
    // 3 s unmeasured so the JIT has compiled the hot path (and knotd's caches are warm too).
    dnsperf(t.port, queries, { seconds: 3, cpus });
  }
  const peaks: Perf[][] = [[], []];
  for (let r = 0; r < PEAK_ROUNDS; r++) targets.forEach((t, i) => peaks[i]?.push(dnsperf(t.port, queries, { seconds: PEAK_SECONDS, cpus: t.pin.load })));
  const rows = targets.map((t, i) => {
    const runs = peaks[i] ?? [];
    const peak = [...runs].sort((a, b) => a.qps - b.qps)[Math.floor((runs.length - 1) / 2)] ?? runs[0];
    if (peak === undefined) throw new Error('no peak run');
    const at80 = dnsperf(t.port, queries, { seconds: SECONDS, maxQps: peak.qps * 0.8, cpus: t.pin.load });
    const how = t.pin.server === undefined ? 'unpinned' : 'pinned';
    process.stderr.write(`dnsperf: ${how} ${t.server} ×${t.workers} ${t.mix}: peaks ${runs.map((p) => p.qps.toFixed(0)).join(', ')} QPS; at 80 %: ${JSON.stringify(at80)}\n`);
    return { pinned: t.pin.server !== undefined, workers: t.workers, server: t.server, mix: t.mix, peak, at80 };
  });
  return [rows[0] as Row, rows[1] as Row];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));

/** Both servers with `workers` answering threads/processes and the same pinning, both mixes. */
async function measureWith(workers: number, entry: string[], pin: Pinning): Promise<{ rows: Row[]; diffs: string[] }> {
  // A free UDP port can still be taken for TCP (outgoing connections): knotd then exits; try another.
  let knotPort = 0;
  let knot: ChildProcess | undefined;
  for (let attempt = 0; knot === undefined; attempt++) {
    knotPort = await freePort();
    const k = startKnot(knotPort, workers, pin.server);
    try {
      await waitAnswering(knotPort, svcName(HEADLESS), 'knotd', k);
      knot = k;
    } catch (err) {
      k.kill('SIGKILL');
      if (attempt >= 5) throw err;
    }
  }
  let svclab: ChildProcess | undefined;
  const kill = (): void => {
    knot?.kill('SIGKILL');
    svclab?.kill('SIGKILL');
  };
  process.on('exit', kill);
  try {
    const s = await startSvclab(knotPort, entry, workers, pin.server);
    svclab = s.proc;
    await waitAnswering(s.port, svcName(HEADLESS), 'svclab dns', s.proc);
    const diffs = await sameAnswers(s.port, knotPort);
    for (const d of diffs) process.stderr.write(`dnsperf: answers differ: ${d}\n`);
    const cq = clusterQueries();
    const fq = forwardedQueries();
    const rows: Row[] = [
      ...measurePair(cq, [
        { pin, workers, server: 'svclab dns', mix: 'cluster names', port: s.port },
        { pin, workers, server: 'knotd', mix: 'cluster names', port: knotPort },
      ]),
      ...measurePair(fq, [
        { pin, workers, server: 'svclab dns', mix: 'forwarded names, cached', port: s.port, fill: true },
        { pin, workers, server: 'knotd', mix: 'example.test, authoritative', port: knotPort },
      ]),
    ];
    return { rows, diffs };
  } finally {
    kill();
    process.off('exit', kill);
  }
}

/** Whether taskset can put processes on LOAD_CPU and SERVER_CPU (2 CPUs and util-linux). */
function canPin(): boolean {
  const r = spawnSync('taskset', ['-c', `${LOAD_CPU},${SERVER_CPU}`, 'true']);
  return r.status === 0;
}

/** One table of rows: pairs of svclab then knotd, with the ratio of peaks on the svclab line. */
function table(rows: readonly Row[]): string[] {
  return [
    '| procs | server | query mix | peak QPS | svclab / native | QPS at 80 % | p50 ms at 80 % | p99 ms at 80 % | avg ms at 80 % | lost at 80 % |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r, i) => {
      const ratio = i % 2 === 0 ? `${(((r.peak.qps) / (rows[i + 1]?.peak.qps ?? NaN)) * 100).toFixed(1)} %` : '';
      return `| ${r.workers} | ${r.server} | ${r.mix} | ${fmt(r.peak.qps)} | ${ratio} | ${fmt(r.at80.qps)} | ${ms(r.at80.p50Ms)} | ${ms(r.at80.p99Ms)} | ${ms(r.at80.avgMs)} | ${r.at80.lostPct.toFixed(2)} % |`;
    }),
  ];
}

async function main(): Promise<void> {
  const load0 = loadavg()[0] ?? 0;
  const entry = serverEntry();
  const pinning = MODES.includes('pinned') && canPin();
  if (MODES.includes('pinned') && !pinning) process.stderr.write(`dnsperf: cannot pin to CPUs ${LOAD_CPU} and ${SERVER_CPU} (taskset, 2 CPUs); pinned rows skipped\n`);
  try {
    const rows: Row[] = [];
    const diffs: string[] = [];
    const settings: { workers: number; pin: Pinning }[] = [
      ...(pinning ? [{ workers: 1, pin: { load: LOAD_CPU, server: SERVER_CPU } }] : []),
      ...(MODES.includes('unpinned') ? WORKERS.map((workers) => ({ workers, pin: {} })) : []),
    ];
    for (const { workers, pin } of settings) {
      const r = await measureWith(workers, entry.args, pin);
      rows.push(...r.rows);
      diffs.push(...r.diffs);
    }
    const load1 = loadavg()[0] ?? 0;
    const knotVersion = spawnSync('knotd', ['--version'], { encoding: 'utf8' }).stdout.trim();
    const dnsperfVersion = /Version ([\d.]+)/.exec((({ stdout, stderr }) => stdout + stderr)(spawnSync('dnsperf', ['-h'], { encoding: 'utf8' })))?.[1] ?? '?';
    const cores = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
    const pinnedRows = rows.filter((r) => r.pinned);
    const unpinnedRows = rows.filter((r) => !r.pinned);
    process.stdout.write(
      [
        '### cluster DNS vs knotd (dnsperf)',
        '',
        `${fmt(SERVICES)} Services in ${NAMESPACES} namespaces (${fmt(HEADLESS)} headless × ${ENDPOINTS} endpoints), TTL ${TTL}. dnsperf ${dnsperfVersion} over UDP, ` +
          `\`-c 8 -T 1 -q 200\`; peak = median of ${PEAK_ROUNDS} unlimited runs of ${PEAK_SECONDS} s, alternating between the servers, then ${SECONDS} s at \`-Q\` 80 % of that server's own peak with per-query latencies from \`-v\`. ` +
          `${knotVersion} serves the same records from a generated zone file with as many UDP workers as svclab dns has answering processes (\`--workers\`; column \"procs\"). svclab dns runs ${entry.label} with \`${CACHE_SECONDS === undefined ? '' : `--cache ${CACHE_SECONDS} `}--upstream\` knotd ` +
          `(\`example.test.\`, ${fmt(FORWARDED)} names, each asked once before measuring). Every run is preceded by 3 s of unmeasured warm-up (JIT). Cluster names: ½ A ClusterIP, ¼ A headless, ¼ SRV \`_http._tcp\`.`,
        '',
        ...(pinnedRows.length > 0
          ? [
              `**Pinned** (the default rows): dnsperf on CPU ${LOAD_CPU} (\`taskset -c ${LOAD_CPU}\`), the server under test on CPU ${SERVER_CPU} (\`taskset -c ${SERVER_CPU}\`, the whole process with its helper threads), ` +
                'as if the load came from another machine; 1 answering process each (svclab `--workers 1`, knotd `udp-workers: 1`). Other work on the machine is not pinned away.',
              '',
              ...table(pinnedRows),
              '',
            ]
          : []),
        ...(unpinnedRows.length > 0
          ? [
              `**Unpinned**: dnsperf and the server share all ${cores} cores (and with other work), for each worker count.`,
              '',
              ...table(unpinnedRows),
              '',
            ]
          : []),
        `Answers compared on sample names before the runs: ${diffs.length === 0 ? 'identical records and TTLs' : `${diffs.length} differ (see stderr)`}. ` +
          `Load average (1 min) ${load0.toFixed(1)} before, ${load1.toFixed(1)} after, on ${cores} cores shared with other work. ` +
          'The forwarded row for knotd is its authoritative answer for the same names (the upstream itself), not a cache.',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
