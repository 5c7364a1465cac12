// Benchmark of the kube-proxy data plane: `npx tsx apps/kube-proxy/bench/dataplane.bench.ts [seconds]`.
// Prints a Markdown `### kube-proxy data plane` section:
//  - requests/s (new TCP connection per request, 32 in flight) direct to the pod vs through the
//    node entry (SOCKS5 to the ClusterIP: handshake + decide() + conntrack + connect + splice) and
//    through a NodePort listener, in rounds with the order rotated; the ratio is the target (≥ 50 %);
//  - added latency on an established connection (64-byte ping-pong, p50/p99) and bulk throughput;
//  - the proxier's full sync (render + RuleSet + data plane apply) at 1k and 10k Services;
//  - iptables-restore apply time of 10k Services in a fresh network namespace (root only).
// Everything on loopback (and in a namespace the bench creates).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Service } from '@svclab/api';
import { renderIptables } from '@svclab/proxy-rules';
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { nopLogger } from '@svclab/telemetry';
import { KernelDataplane } from '../src/dataplane/kernel.js';
import { UserspaceDataplane } from '../src/dataplane/userspace.js';
import { KubeProxyMetrics } from '../src/metrics.js';
import { ProxierHealth } from '../src/proxier-health.js';
import { Proxier } from '../src/proxier.js';
import { socksConnect } from '../src/testing.js';

const seconds = Number(process.argv[2] ?? '3');
/** Rounds of direct / node entry / NodePort rate runs (BENCH_ROUNDS, default 5). */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? '5');
/** Services × endpoints for the iptables-restore figure (`10000x1` default; `10000x10` takes minutes under nf_tables). */
const [restoreServices, restoreEndpoints] = (process.argv[3] ?? '10000x1').split('x').map(Number) as [number, number];
const nodeIP = '127.0.1.99';
const podIP = '127.244.99.10';
const clusterIP = '127.96.99.1';

function progress(s: string): void {
  process.stderr.write(`[bench] ${s}\n`);
}

function out(s: string): void {
  process.stdout.write(`${s}\n`);
}

async function echoServer(): Promise<{ server: Server; port: number }> {
  // An echo; a request starting "GET " is answered as an HTTP/1.0 server does: echoed, then the
  // server closes first, so TIME_WAIT stays on the server side (as with a real web server) and
  // the client's ephemeral ports do not run out over the rate runs.
  const server = createServer((s) => {
    s.on('error', () => undefined);
    let http: boolean | undefined;
    s.on('data', (b: Buffer) => {
      http ??= b.subarray(0, 4).toString('latin1') === 'GET ';
      if (!s.write(b)) {
        s.pause();
        s.once('drain', () => s.resume());
      }
      if (http && b.includes('\r\n\r\n')) s.end();
    });
  });
  await new Promise<void>((r) => { server.listen(0, podIP, () => { r(); }); });
  const a = server.address();
  return { server, port: typeof a === 'object' && a !== null ? a.port : 0 };
}

/** One request on a fresh connection, read until the server closes; false when the whole echo did not come. */
function once(sock: Socket, payload: Buffer, extra = 0): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let got = 0;
    sock.on('data', (b: Buffer) => {
      got += b.length;
    });
    sock.on('error', reject);
    sock.on('close', () => { resolve(got >= payload.length + extra); });
    sock.write(payload);
  });
}

/** Connections that closed without an answer, per rate run (reported instead of hanging the run). */
const failures = new Map<string, number>();

/** Requests per second with `open` making a fresh connection per request. */
async function rps(open: () => Promise<Socket>, durationS: number, label = '', extra = 0): Promise<number> {
  const payload = Buffer.from('GET / HTTP/1.0\r\n\r\n');
  const end = performance.now() + durationS * 1000;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      if (await once(await open(), payload, extra)) n++;
      else failures.set(label, (failures.get(label) ?? 0) + 1);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 32 }, worker));
  return n / ((performance.now() - t0) / 1000);
}

function directOpen(port: number): () => Promise<Socket> {
  return () =>
    new Promise((resolve, reject) => {
      const s = connect({ host: podIP, port, noDelay: true });
      s.once('connect', () => { resolve(s); });
      s.once('error', reject);
    });
}

function socksOpen(entry: { host: string; port: number }): () => Promise<Socket> {
  return async () => {
    const { reply, socket } = await socksConnect(entry, { host: clusterIP, port: 80 });
    if (reply !== 0) throw new Error(`SOCKS reply ${String(reply)}`);
    socket.setNoDelay(true);
    return socket;
  };
}

/** Round-trip times (µs) of `n` 64-byte ping-pongs on one connection. */
async function pingPong(sock: Socket, n: number): Promise<number[]> {
  const msg = Buffer.alloc(64, 7);
  const rtts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      const on = (b: Buffer): void => {
        got += b.length;
        if (got >= msg.length) {
          sock.off('data', on);
          resolve();
        }
      };
      sock.on('data', on);
      sock.write(msg);
    });
    rtts.push((performance.now() - t) * 1000);
  }
  sock.destroy();
  return rtts;
}

/** MB/s of `mb` megabytes echoed through one connection. */
async function bulk(sock: Socket, mb: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const total = mb * 1024 * 1024;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    sock.on('data', (b: Buffer) => {
      got += b.length;
      if (got >= total) resolve();
    });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!sock.write(chunk)) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  const s = (performance.now() - t0) / 1000;
  sock.destroy();
  return mb / s;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

function services(n: number, podPort: number, eps = 10): { services: Service[]; endpointSlices: EndpointSlice[] } {
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `127.${String(96 + (i >> 16))}.${String((i >> 8) & 255)}.${String(i & 255)}`;
    svcs.push(makeService(`ns${String(i % 50)}`, `svc${String(i)}`, { spec: { clusterIP: i === 0 ? clusterIP : ip === clusterIP ? '127.111.0.1' : ip, ports: [{ name: 'http', port: 80, targetPort: podPort, protocol: 'TCP' }] } }));
    slices.push(
      makeEndpointSlice(`ns${String(i % 50)}`, `svc${String(i)}`, {
        endpoints: i === 0 ? [{ addresses: [podIP], nodeName: 'node-99', conditions: { ready: true } }] : Array.from({ length: eps }, (_, e) => ({ addresses: [`127.245.${String((i * 10 + e) >> 8 & 255)}.${String((i * 10 + e) & 255)}`], nodeName: `node-${String(e % 5)}`, conditions: { ready: true } })),
        ports: [{ name: 'http', port: podPort, protocol: 'TCP' }],
      }),
    );
  }
  return { services: svcs, endpointSlices: slices };
}

async function proxierFullSync(n: number, podPort: number): Promise<{ first: number; full: number }> {
  const metrics = new KubeProxyMetrics();
  const dp = new UserspaceDataplane({ nodeName: 'node-99', nodeIP, entryPort: 0, conntrackMax: 0, metrics, logger: nopLogger });
  const p = new Proxier({ mode: 'iptables', nodeName: 'node-99', nodeIP, clusterCIDR: '127.244.0.0/16', minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, dataplane: dp, metrics, health: new ProxierHealth(60_000), logger: nopLogger });
  const st = services(n, podPort);
  for (const s of st.services) p.onServiceUpdate(undefined, s);
  for (const s of st.endpointSlices) p.onEndpointSliceUpdate(undefined, s);
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  let t = performance.now();
  await p.syncProxyRules();
  const first = performance.now() - t;
  p.onNodeUpdate({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-99', labels: { resync: 'yes' } } }); // forces a full sync
  t = performance.now();
  await p.syncProxyRules();
  const full = performance.now() - t;
  await dp.close();
  return { first, full };
}

async function restoreInNetns(n: number, eps: number): Promise<string> {
  if (process.getuid?.() !== 0) return 'skipped (not root)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'skipped (no ip netns)';
  const ns = `svclab-kpbench-${String(process.pid)}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const st = services(n, 8080, eps);
    const r = renderIptables(st, { name: 'node-99', ip: '10.1.0.2' }, { clusterCIDR: '10.244.0.0/16', nfacct: false });
    const dp = new KernelDataplane({ netns: ns, logger: nopLogger });
    await dp.ensureJumps();
    const t0 = performance.now();
    await dp.restore(r.text);
    const first = performance.now() - t0;
    return `${first.toFixed(0)} ms (${String(r.stats.natRules)} nat + ${String(r.stats.filterRules)} filter rules, ${(r.text.length / 1e6).toFixed(1)} MB)`;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** The data plane process, killed if the bench fails (else it outlives us, holding our stderr). */
let proxyChild: ChildProcess | undefined;

/** Starts the data plane in its own process (proxy-process.ts); resolves with its ports. */
async function startProxyProcess(podPort: number): Promise<{ child: ChildProcess; entry: { host: string; port: number }; nodePort: number }> {
  const np = createServer();
  await new Promise<void>((r) => { np.listen(0, nodeIP, () => { r(); }); });
  const a = np.address();
  const nodePort = typeof a === 'object' && a !== null ? a.port : 0;
  await new Promise<void>((r) => { np.close(() => { r(); }); });
  const file = fileURLToPath(new URL('./proxy-process.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, file, nodeIP, podIP, String(podPort), clusterIP, String(nodePort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  proxyChild = child;
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0] ?? '');
    });
    child.once('exit', (c) => { reject(new Error(`proxy process exited ${String(c)}`)); });
  });
  const j = JSON.parse(line) as { entry: number; nodePort: number };
  return { child, entry: { host: nodeIP, port: j.entry }, nodePort: j.nodePort };
}

async function main(): Promise<void> {
  const echo = await echoServer();
  const proxy = await startProxyProcess(echo.port);
  const entry = proxy.entry;
  const nodePort = proxy.nodePort;

  const nodePortOpen = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect({ host: nodeIP, port: nodePort, noDelay: true });
      s.once('connect', () => { resolve(s); });
      s.once('error', reject);
    });

  progress('rps');
  await rps(directOpen(echo.port), 0.5, 'warm-up'); // warm-up
  await rps(socksOpen(entry), 0.5, 'warm-up');
  // Rounds of the three paths back to back, the order rotated each round, so that a drift of the
  // machine (load, TIME_WAIT sockets piling up) falls on all three alike; a ratio compares the
  // paths within one round, and the table gives the median round.
  const paths = [
    { label: 'direct', open: directOpen(echo.port) },
    { label: 'node entry', open: socksOpen(entry) },
    { label: 'NodePort', open: nodePortOpen },
  ];
  const perRound: { direct: number; entry: number; nodePort: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    progress(`rps round ${String(r + 1)}`);
    const got = new Map<string, number>();
    for (let k = 0; k < paths.length; k++) {
      const path = paths[(k + r) % paths.length] as (typeof paths)[number];
      got.set(path.label, await rps(path.open, seconds, path.label));
    }
    perRound.push({ direct: got.get('direct') ?? 0, entry: got.get('node entry') ?? 0, nodePort: got.get('NodePort') ?? 0 });
  }
  const median = (xs: number[]): number => pct(xs, 50);
  const direct = median(perRound.map((x) => x.direct));
  const viaEntry = median(perRound.map((x) => x.entry));
  const viaNodePort = median(perRound.map((x) => x.nodePort));
  const entryRatios = perRound.map((x) => x.entry / x.direct);
  const nodePortRatios = perRound.map((x) => x.nodePort / x.direct);
  const ratioCell = (xs: number[]): string =>
    `${(median(xs) * 100).toFixed(0)} % (rounds ${xs.map((x) => (x * 100).toFixed(0)).join(', ')} %)`;
  const n = 3000;
  progress('rttDirect');
  const rttDirect = await pingPong(await directOpen(echo.port)(), n);
  progress('rttEntry');
  const rttEntry = await pingPong(await socksOpen(entry)(), n);
  progress('bulkDirect');
  const bulkDirect = await bulk(await directOpen(echo.port)(), 512);
  progress('bulkEntry');
  const bulkEntry = await bulk(await socksOpen(entry)(), 512);
  proxy.child.kill('SIGTERM');
  echo.server.close();

  progress('s1k');
  const s1k = await proxierFullSync(1000, echo.port);
  progress('s10k');
  const s10k = await proxierFullSync(10_000, echo.port);
  progress('restore');
  const restore = restoreServices > 0 ? await restoreInNetns(restoreServices, restoreEndpoints) : 'skipped (0 services asked)';

  out('### kube-proxy data plane');
  out('');
  out(`Loopback, Node ${process.version}, ${String(seconds)} s per rate run, 32 requests in flight, ${String(rounds)} rounds of the three paths in rotated order (medians; a ratio is the median of the per-round ratios); client and echo pod in one process, the data plane (Proxier + UserspaceDataplane) in its own process as kube-proxy runs.`);
  out('');
  out('| measure | direct to the pod | through kube-proxy | ratio |');
  out('|---|---:|---:|---:|');
  out(`| requests/s, new connection each (node entry: SOCKS5 → ClusterIP) | ${direct.toFixed(0)} | ${viaEntry.toFixed(0)} | ${ratioCell(entryRatios)} |`);
  out(`| requests/s, new connection each (NodePort listener) | ${direct.toFixed(0)} | ${viaNodePort.toFixed(0)} | ${ratioCell(nodePortRatios)} |`);
  out(`| round trip p50 on an open connection, 64 B (µs) | ${pct(rttDirect, 50).toFixed(0)} | ${pct(rttEntry, 50).toFixed(0)} | +${(pct(rttEntry, 50) - pct(rttDirect, 50)).toFixed(0)} µs added |`);
  out(`| round trip p99 on an open connection, 64 B (µs) | ${pct(rttDirect, 99).toFixed(0)} | ${pct(rttEntry, 99).toFixed(0)} | ${(pct(rttEntry, 99) - pct(rttDirect, 99)).toFixed(0)} µs |`);
  out(`| bulk echo, 512 MB (MB/s) | ${bulkDirect.toFixed(0)} | ${bulkEntry.toFixed(0)} | ${((bulkEntry / bulkDirect) * 100).toFixed(0)} % |`);
  if (failures.size > 0) out(`\nConnections closed without an answer (not counted): ${[...failures].map(([k, v]) => `${k} ${String(v)}`).join(', ')}.`);
  out('');
  out('| control plane | 1k Services | 10k Services |');
  out('|---|---:|---:|');
  out(`| proxier first sync (render + RuleSet + apply), ms | ${s1k.first.toFixed(0)} | ${s10k.first.toFixed(0)} |`);
  out(`| proxier full resync, ms | ${s1k.full.toFixed(0)} | ${s10k.full.toFixed(0)} |`);
  out('');
  out(`iptables-restore (nf_tables backend) of ${String(restoreServices)} Services × ${String(restoreEndpoints)} endpoints into a fresh network namespace: ${restore}.`);
}

main().then(
  () => { process.exit(0); },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    proxyChild?.kill('SIGKILL');
    process.exit(1);
  },
);
