// DNS throughput with 10,000 Services: the dns app runs as a child process (from source, via tsx)
// with a generated --objects file; an in-process UDP load generator keeps a fixed number of queries
// in flight for a few seconds per query mix and reports QPS, latency and the server's memory.
// Also times answer() alone (no network) to show lookups are index-based.
// Prints a Markdown section for scripts/bench.mjs.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { stringify } from 'yaml';
import { parseObjects, staticSource } from '../src/objects-file.js';
import { answer } from '../src/plugins/kubernetes/handler.js';
import { kubernetesOptions } from '../src/plugins/kubernetes/setup.js';
import { QType } from '../src/plugin.js';

const SERVICES = 10_000;
const HEADLESS = 1_000;
const NAMESPACES = 50;
const DURATION_MS = Number(process.env['DNS_BENCH_MS'] ?? 4000);
const IN_FLIGHT = 256;
const root = new URL('../../../', import.meta.url).pathname;

function objects(): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n < NAMESPACES; n++) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${n}` } });
  for (let i = 0; i < SERVICES; i++) {
    const ns = `ns${i % NAMESPACES}`;
    const headless = i < HEADLESS;
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc${i}`, namespace: ns },
      spec: { clusterIP: headless ? 'None' : `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    if (headless) {
      out.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `svc${i}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': `svc${i}` } },
        addressType: 'IPv4',
        endpoints: [0, 1, 2].map((k) => ({ addresses: [`10.244.${i >> 6}.${((i & 63) << 2) + k}`], conditions: { ready: true } })),
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      });
    }
  }
  return out;
}

type Mix = (i: number) => { name: string; type: dnsPacket.RecordType };
const mixes: { label: string; mix: Mix }[] = [
  { label: 'A, ClusterIP service', mix: (i) => ({ name: `svc${HEADLESS + (i % (SERVICES - HEADLESS))}.ns${(HEADLESS + (i % (SERVICES - HEADLESS))) % NAMESPACES}.svc.cluster.local`, type: 'A' }) },
  { label: 'A, headless (3 endpoints)', mix: (i) => ({ name: `svc${i % HEADLESS}.ns${(i % HEADLESS) % NAMESPACES}.svc.cluster.local`, type: 'A' }) },
  { label: 'SRV _http._tcp', mix: (i) => ({ name: `_http._tcp.svc${i % SERVICES}.ns${(i % SERVICES) % NAMESPACES}.svc.cluster.local`, type: 'SRV' }) },
  { label: 'NXDOMAIN (search-path miss)', mix: (i) => ({ name: `svc${i % SERVICES}.ns${i % NAMESPACES}.svc.cluster.local.svc.cluster.local`, type: 'A' }) },
];

async function load(port: number, mix: Mix): Promise<{ qps: number; p50: number; p99: number; errors: number }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const sent = new Map<number, number>();
  const lat: number[] = [];
  let i = 0;
  let done = 0;
  let errors = 0;
  const end = performance.now() + DURATION_MS;
  const send = (): void => {
    if (performance.now() > end) return;
    const id = i & 0xffff;
    const q = mix(i++);
    sent.set(id, performance.now());
    sock.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: q.name, type: q.type, class: 'IN' }] }), port, '127.0.0.1');
  };
  await new Promise<void>((resolve) => {
    sock.on('message', (m) => {
      const id = m.readUInt16BE(0);
      const t = sent.get(id);
      if (t !== undefined) {
        sent.delete(id);
        lat.push(performance.now() - t);
        done++;
        if ((m.readUInt16BE(2) & 0xf) === 2) errors++;
      }
      if (performance.now() > end) {
        if (sent.size === 0 || performance.now() > end + 2000) resolve();
        return;
      }
      send();
    });
    for (let k = 0; k < IN_FLIGHT; k++) send();
    // Lost datagrams: top the window up every 200 ms so the load never stalls.
    const timer = setInterval(() => {
      const now = performance.now();
      for (const [id, t] of sent) if (now - t > 1000) sent.delete(id);
      for (let k = sent.size; k < IN_FLIGHT; k++) send();
      if (now > end + 2000) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    setTimeout(() => clearInterval(timer), DURATION_MS + 2500).unref();
  });
  sock.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
  return { qps: done / (DURATION_MS / 1000), p50: pct(0.5), p99: pct(0.99), errors };
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : 0;
}

async function main(): Promise<void> {
  const objs = objects();
  const dir = mkdtempSync(join(tmpdir(), 'svclab-dns-bench-'));
  const file = join(dir, 'objects.yaml');
  writeFileSync(file, objs.map((o) => stringify(o)).join('---\n'));

  // answer() alone.
  const src = staticSource(parseObjects(readFileSync(file, 'utf8')));
  const opts = kubernetesOptions();
  const N = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const q = mixes[0]?.mix(i);
    if (q) answer({ qname: q.name, qtype: QType.A }, src, opts);
  }
  const answerRate = N / ((performance.now() - t0) / 1000);

  const child = spawn(
    process.execPath,
    ['--conditions=@svclab/source', '--import', 'tsx', join(root, 'apps/dns/src/main.ts'), '--objects', file, '--dns-address', '127.0.0.1:0', '--http-address', '127.0.0.1:0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  let out = '';
  process.on('exit', () => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new Error(`dns did not start: ${out}`));
    }, 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"dns":"127\.0\.0\.1:(\d+)"/.exec(out);
      if (m?.[1]) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
  const idle = rssMB(child.pid ?? 0);
  await load(port, mixes[0]?.mix ?? ((): never => { throw new Error('no mix'); })); // warm-up
  const rows: string[] = [];
  for (const m of mixes) {
    const r = await load(port, m.mix);
    rows.push(`| ${m.label} | ${Math.round(r.qps).toLocaleString('en-US')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`);
  }
  const busy = rssMB(child.pid ?? 0);
  child.kill('SIGKILL');
  process.stdout.write(
    [
      `### dns: QPS with ${SERVICES.toLocaleString('en-US')} Services (${HEADLESS} headless × 3 endpoints), UDP, ${IN_FLIGHT} in flight, ${DURATION_MS / 1000} s per mix`,
      '',
      '| query | QPS | p50 ms | p99 ms | SERVFAIL |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `answer() alone (no network): ${Math.round(answerRate).toLocaleString('en-US')} lookups/s. Server RSS: ${idle.toFixed(0)} MB loaded, ${busy.toFixed(0)} MB after load. Load generator and server share the machine.`,
      '',
    ].join('\n'),
  );
}

await main();
