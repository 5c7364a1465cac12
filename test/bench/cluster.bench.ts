// Whole-cluster benchmarks (issue 7), against the built cluster (`make build`; `make bench` builds
// it first): `node --conditions=@svclab/source --import tsx test/bench/cluster.bench.ts`.
//   1. time to ready: `svclab up --nodes 3` until it returns (every component answered its
//      readiness probe), median of BENCH_UP_RUNS (3) runs, each in a fresh SVCLAB_HOME and
//      followed by `svclab down`;
//   2. network programming latency: 3 nodes, 1,000 Services each selecting one pod on a hollow
//      node (./hollow-node.ts), BENCH_CHANGES (100) pod-readiness changes one at a time (the
//      kubelet's PATCH pods/status → EndpointSlice controller → slice → every kube-proxy), with
//      kube-proxy `--min-sync-period 0` and with its 1s default. Per change and node the latency
//      is kube-proxy's own `kubeproxy_network_programming_duration_seconds` sample (the pod's Ready
//      transition time, carried as the slice's last-change-trigger-time → rules applied), read
//      exactly as the delta of the histogram's _sum and _count; the time at which
//      the bench's 20 ms poll of /metrics saw that sample is reported beside it (an upper bound).
// Method and its honest limits: docs/benchmarks-method.md "Cluster benchmarks".
// Everything listens on loopback; every cluster is stopped and its temp SVCLAB_HOME removed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HollowNode } from './hollow-node.js';

const root = resolve(import.meta.dirname, '..', '..');
const cliMain = join(root, 'apps', 'cli', 'dist', 'main.js');
const NODES = 3;
const UP_RUNS = Number(process.env['BENCH_UP_RUNS'] ?? '3');
const SERVICES = Number(process.env['BENCH_SERVICES'] ?? '1000');
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? '100');
const NAMESPACE = 'default';
const HISTOGRAM = 'kubeproxy_network_programming_duration_seconds';
/** How often each node's /metrics is scraped while waiting for a change (the scrape costs kube-proxy CPU too). */
const POLL_MS = 20;

const log = (msg: string): void => {
  process.stderr.write(`cluster.bench: ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- svclab up / down in a temp SVCLAB_HOME ----

interface Cluster {
  readonly home: string;
  /** ms from spawning `svclab up` to its exit 0. */
  readonly upMs: number;
  readonly apiserver: string;
  readonly token: string;
  readonly ca: Buffer;
  readonly nodeIPs: readonly string[];
}

const homes = new Set<string>();

function svclab(home: string, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd: root,
      // No DNS forwarding beyond loopback.
      env: { ...process.env, SVCLAB_HOME: home, SVCLAB_DNS_UPSTREAM: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      resolveRun({ code: code ?? 1, out });
    });
  });
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host, port });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => {
      r(false);
    });
    s.once('timeout', () => {
      s.destroy();
      r(false);
    });
  });
}

/** The node addresses are fixed (127.0.1.N): wait until no other cluster holds them. */
async function waitNodeAddressesFree(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const busy = [];
    for (let n = 1; n <= NODES; n++) {
      if ((await portOpen(`127.0.1.${n}`, 10256)) || (await portOpen(`127.0.1.${n}`, 10249)))
        busy.push(`127.0.1.${n}`);
    }
    if (busy.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`node addresses still in use by another cluster: ${busy.join(', ')}`);
    log(`node addresses in use (${busy.join(', ')}); waiting`);
    await sleep(2000);
  }
}

async function up(extraArgs: readonly string[]): Promise<Cluster> {
  await waitNodeAddressesFree();
  const home = mkdtempSync(join(tmpdir(), 'svclab-bench-'));
  homes.add(home);
  const started = performance.now();
  const r = await svclab(home, ['up', '--nodes', String(NODES), ...extraArgs]);
  const upMs = performance.now() - started;
  if (r.code !== 0) {
    await down(home);
    throw new Error(`svclab up failed (exit ${r.code}):\n${r.out}`);
  }
  const info = JSON.parse(readFileSync(join(home, 'cluster.json'), 'utf8')) as {
    apiserver: string;
    nodes: { ip: string }[];
  };
  // The flag must really reach kube-proxy (a stale apps/cli/dist would drop it silently).
  const plan = JSON.parse(readFileSync(join(home, 'plan.json'), 'utf8')) as {
    components: { name: string; args: string[] }[];
  };
  const wanted = extraArgs.indexOf('--min-sync-period');
  for (const c of plan.components.filter((x) => x.name.startsWith('kube-proxy-'))) {
    const i = c.args.indexOf('--min-sync-period');
    const got = i < 0 ? undefined : c.args[i + 1];
    if (got !== (wanted < 0 ? undefined : extraArgs[wanted + 1])) {
      await down(home);
      throw new Error(
        `${c.name} got --min-sync-period ${got ?? '(unset)'}; is apps/cli/dist stale? (make build)`,
      );
    }
  }
  return {
    home,
    upMs,
    apiserver: info.apiserver,
    token: (readFileSync(join(home, 'tokens.csv'), 'utf8').split(',')[0] ?? '').trim(),
    ca: readFileSync(join(home, 'pki', 'ca.crt')),
    nodeIPs: info.nodes.map((n) => n.ip),
  };
}

async function down(home: string): Promise<void> {
  const r = await svclab(home, ['down']);
  if (r.code !== 0) log(`svclab down in ${home} exited ${r.code}: ${r.out}`);
  rmSync(home, { recursive: true, force: true });
  homes.delete(home);
}

// ---- HTTP on loopback: the apiserver (HTTPS, cluster CA) and kube-proxy's /metrics, /rules ----

interface Reply {
  readonly status: number;
  readonly body: string;
}

const plainAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });

function fetchText(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: HttpsAgent;
  } = {},
): Promise<Reply> {
  const u = new URL(url);
  const req = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveReq, reject) => {
    const r = req(
      u,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        agent: init.agent ?? plainAgent,
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolveReq({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${url}`)));
    r.on('error', reject);
    if (init.body !== undefined) r.write(init.body);
    r.end();
  });
}

class Api {
  private readonly agent: HttpsAgent;
  constructor(private readonly c: Cluster) {
    this.agent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ca: c.ca });
  }
  /** `method path` with a JSON `body` (sent as `contentType`, JSON by default); the decoded reply. */
  async call(
    method: string,
    path: string,
    send: { body?: unknown; contentType?: string } = {},
  ): Promise<unknown> {
    const { body, contentType = 'application/json' } = send;
    const r = await fetchText(`${this.c.apiserver}${path}`, {
      method,
      agent: this.agent,
      headers: {
        Authorization: `Bearer ${this.c.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': contentType }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 500)}`);
    return JSON.parse(r.body) as unknown;
  }
  close(): void {
    this.agent.destroy();
  }
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  fn: (x: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

interface HistogramReading {
  readonly count: number;
  readonly sum: number;
}

async function readHistogram(nodeIP: string): Promise<HistogramReading> {
  const r = await fetchText(`http://${nodeIP}:10249/metrics`);
  if (r.status !== 200) throw new Error(`${nodeIP}:10249/metrics: ${r.status}`);
  const value = (suffix: string): number => {
    const m = new RegExp(`^${HISTOGRAM}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(r.body);
    return m?.[1] === undefined ? 0 : Number(m[1]);
  };
  return { count: value('count'), sum: value('sum') };
}

/** Number of endpoint chains (KUBE-SEP-*) in the node's programmed ruleset. */
async function programmedEndpoints(nodeIP: string): Promise<number> {
  const r = await fetchText(`http://${nodeIP}:10256/rules?format=json`);
  if (r.status !== 200) return -1;
  const rs = JSON.parse(r.body) as { nat: Record<string, unknown> };
  return Object.keys(rs.nat).filter((k) => k.startsWith('KUBE-SEP-')).length;
}

// ---- the two measurements ----

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length); // nearest rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

async function timeToReady(): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < UP_RUNS; i++) {
    const c = await up([]);
    runs.push(c.upMs);
    log(`time to ready, run ${i + 1}: ${(c.upMs / 1000).toFixed(2)} s`);
    await down(c.home);
  }
  return runs;
}

interface LatencyResult {
  /** kube-proxy's histogram sample per change and node, ms. */
  readonly programmed: number[];
  /** When the bench's poll saw that sample, ms after the trigger time. */
  readonly observed: number[];
  readonly lost: number;
}

/** Deterministic gaps between changes, uniform in [0, 1000) ms, so changes land at every phase of the sync runner. */
function* gaps(): Generator<number> {
  let s = 7;
  for (;;) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    yield s % 1000;
  }
}

async function networkProgramming(minSyncPeriod: string | undefined): Promise<LatencyResult> {
  const c = await up(minSyncPeriod === undefined ? [] : ['--min-sync-period', minSyncPeriod]);
  const api = new Api(c);
  const hollow = new HollowNode((m, p, send) => api.call(m, p, send), NAMESPACE);
  try {
    const ids = Array.from({ length: SERVICES }, (_, i) => i);
    const t0 = performance.now();
    await hollow.register();
    // Service bench-<i> selects pod bench-<i> (app=bench-<i>) on the hollow node.
    await inParallel(ids, 16, async (i) => {
      await api.call('POST', `/api/v1/namespaces/${NAMESPACE}/services`, {
        body: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: `bench-${i}` },
          spec: {
            selector: { app: `bench-${i}` },
            ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
          },
        },
      });
    });
    await inParallel(ids, 16, (i) => hollow.startPod(i));
    log(
      `created ${SERVICES} Services + Ready pods in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const deadline = Date.now() + 300_000;
    for (const ip of c.nodeIPs) {
      while ((await programmedEndpoints(ip)) < SERVICES) {
        if (Date.now() > deadline)
          throw new Error(`${ip} did not program ${SERVICES} endpoints in 5 min`);
        await sleep(1000);
      }
    }
    log(
      `all nodes programmed ${SERVICES} Services after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await sleep(2000);

    const programmed: number[] = [];
    const observed: number[] = [];
    let lost = 0;
    const gap = gaps();
    for (let k = 0; k < CHANGES; k++) {
      // 100 distinct Services spread over the 1,000, each flips Ready → not ready.
      const i = Math.floor((k * SERVICES) / CHANGES);
      const before = await Promise.all(c.nodeIPs.map(readHistogram));
      const trigger = Date.now();
      // The kubelet's write: the pod's Ready condition turns False at `trigger`, which the
      // EndpointSlice controller copies into the slice's last-change-trigger-time.
      await hollow.setReady(i, false, trigger);
      await Promise.all(
        c.nodeIPs.map(async (ip, n) => {
          const base = before[n] as HistogramReading;
          const until = Date.now() + 30_000;
          while (Date.now() < until) {
            const now = await readHistogram(ip);
            if (now.count > base.count) {
              observed.push(Date.now() - trigger);
              programmed.push(((now.sum - base.sum) / (now.count - base.count)) * 1000);
              return;
            }
            await sleep(POLL_MS);
          }
          lost++;
        }),
      );
      await sleep(gap.next().value as number);
    }
    return { programmed, observed, lost };
  } finally {
    hollow.stop();
    api.close();
    await down(c.home);
  }
}

// ---- report ----

const ms = (x: number): string =>
  Number.isNaN(x) ? 'n/a' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  const readyRuns = await timeToReady();
  const zero = await networkProgramming('0');
  const dflt = await networkProgramming(undefined);
  const secs = (performance.now() - started) / 1000;
  const loadAfter = loadavg()[0] ?? 0;

  const row = (setting: string, r: LatencyResult, target: string): string => {
    const p = [...r.programmed].sort((a, b) => a - b);
    const o = [...r.observed].sort((a, b) => a - b);
    return `| ${setting} | ${p.length}${r.lost > 0 ? ` (${r.lost} lost)` : ''} | ${ms(percentile(p, 50))} | ${ms(percentile(p, 99))} | ${ms(p.at(-1) ?? Number.NaN)} | ${ms(percentile(o, 50))} / ${ms(percentile(o, 99))} | ${target} |`;
  };
  const out = [
    `### Whole cluster: time to ready and network programming latency (issue 7)`,
    '',
    `\`svclab up --nodes ${NODES}\` to every component ready (median of ${UP_RUNS}, fresh \`SVCLAB_HOME\` each, \`svclab down\` after each):`,
    '',
    '| measure | median | runs |',
    '|---|---|---|',
    `| time to ready, ${NODES} nodes | ${ms(median(readyRuns))} | ${readyRuns.map(ms).join(', ')} |`,
    '',
    `Network programming latency, ${NODES} nodes, ${SERVICES} Services with one pod each, ${CHANGES} pod-readiness changes one at a time ` +
      `(samples = changes × nodes; latency = the pod's Ready transition → EndpointSlice controller → slice → rules applied on the node, kube-proxy's histogram; ` +
      `"seen by poll" = when the bench's ${POLL_MS} ms poll of \`/metrics\` saw it):`,
    '',
    '| kube-proxy setting | samples | p50 | p99 | max | seen by poll p50 / p99 | target |',
    '|---|---|---|---|---|---|---|',
    row('`--min-sync-period 0`', zero, 'p99 ≤ 100 ms'),
    row('`--min-sync-period 1s` (default)', dflt, '—'),
    '',
    `Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on a shared machine; whole benchmark ${secs.toFixed(0)} s. Method: docs/benchmarks-method.md.`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

async function cleanup(): Promise<void> {
  for (const h of [...homes]) await down(h);
}

process.once('SIGINT', () => {
  void cleanup().finally(() => process.exit(130));
});
process.once('SIGTERM', () => {
  void cleanup().finally(() => process.exit(143));
});

try {
  await main();
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  plainAgent.destroy();
}
