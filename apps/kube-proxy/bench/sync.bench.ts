// Benchmark of the real proxier's sync: `npx tsx apps/kube-proxy/bench/sync.bench.ts [sizes…]`.
// Drives Proxier (apps/kube-proxy) at N Services × 10 endpoints: the first sync, a full resync
// (a Node label change), then partial syncs each after one EndpointSlice update. A sync is what
// `kubeproxy_sync_proxy_rules_duration_seconds` spans: syncProxyRules() from checkout of the
// changes to the end of the data plane's apply (render, RuleSet, restore text, apply), plus the
// service health pass that follows. Data planes: the userspace one (iptables mode, reads the
// RuleSet; the first decide() after a sync pays for its chain index, shown apart), and a stand-in
// for the kernel one that only reads the iptables-restore input (no iptables call). Medians,
// "wall / CPU ms" of this process; memory as the heap held at each size. Target (issue 5): partial at 10k ≤ 20 ms, full ≤ 500 ms.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EndpointSlice, Service } from '@svclab/api';
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { nopLogger } from '@svclab/telemetry';
import type { Dataplane, DataplaneSnapshot } from '../src/dataplane/dataplane.js';
import { UserspaceDataplane } from '../src/dataplane/userspace.js';
import { KubeProxyMetrics } from '../src/metrics.js';
import { ProxierHealth } from '../src/proxier-health.js';
import { Proxier } from '../src/proxier.js';

// A full GC on demand for the memory column (bench.mjs starts node without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const endpointsPerService = 10;
const nodeName = 'node-1';
const nodeIP = '127.0.1.98';

function ip(base: number, n: number): string {
  const v = base + n;
  return `${String((v >>> 24) & 255)}.${String((v >>> 16) & 255)}.${String((v >>> 8) & 255)}.${String(v & 255)}`;
}

function slice(i: number, gen: number): EndpointSlice {
  return makeEndpointSlice(`ns${String(i % 50)}`, `svc${String(i)}`, {
    n: 1,
    endpoints: Array.from({ length: endpointsPerService }, (_, e) => ({
      addresses: [ip(0x0ab40000, i * endpointsPerService + e + gen)],
      nodeName: `node-${String((e % 5) + 1)}`,
      conditions: { ready: true },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}

function service(i: number): Service {
  return makeService(`ns${String(i % 50)}`, `svc${String(i)}`, {
    spec: { type: 'ClusterIP', clusterIP: ip(0x0a600000, i + 1), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  });
}

/** Stand-in for KernelDataplane: reads the iptables-restore input, as it would hand it over. */
class RestoreTextDataplane implements Dataplane {
  bytes = 0;
  apply(snapshot: DataplaneSnapshot): Promise<void> {
    this.bytes = snapshot.restoreText.length;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface Timing {
  wall: number;
  cpu: number;
}

async function time(fn: () => Promise<void>): Promise<Timing> {
  const t = performance.now();
  const c = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (d.user + d.system) / 1000 };
}

function median(xs: Timing[]): Timing {
  const m = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
  return { wall: m(xs.map((x) => x.wall)), cpu: m(xs.map((x) => x.cpu)) };
}

const fmt = (t: Timing): string => `${t.wall.toFixed(1)} / ${t.cpu.toFixed(1)}`;

/** Heap in use after a full collection, MB. */
function heapMB(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function run(n: number, kind: 'userspace' | 'restore-text'): Promise<string[]> {
  const heapBefore = heapMB();
  const metrics = new KubeProxyMetrics();
  const userspace = kind === 'userspace' ? new UserspaceDataplane({ nodeName, nodeIP, entryPort: 0, conntrackMax: 0, metrics, logger: nopLogger }) : undefined;
  const dp = userspace ?? new RestoreTextDataplane();
  const p = new Proxier({ mode: 'iptables', nodeName, nodeIP, clusterCIDR: '10.244.0.0/16', minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, dataplane: dp, metrics, health: new ProxierHealth(60_000), logger: nopLogger });
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    p.onServiceUpdate(undefined, service(i));
    slices.push(slice(i, 1));
    p.onEndpointSliceUpdate(undefined, slices[i]);
  }
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  const first = await time(() => p.syncProxyRules());
  const fulls: Timing[] = [];
  for (let r = 0; r < 3; r++) {
    p.onNodeUpdate({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { resync: String(r) } } });
    fulls.push(await time(() => p.syncProxyRules()));
  }
  const partials: Timing[] = [];
  const decides: Timing[] = [];
  let gen = 2;
  for (let r = 0; r < 11; r++) {
    const i = (r * 7919) % n;
    const next = slice(i, gen++);
    p.onEndpointSliceUpdate(slices[i], next);
    slices[i] = next;
    partials.push(await time(() => p.syncProxyRules()));
    if (userspace !== undefined) {
      const dst = ip(0x0a600000, ((r * 31) % n) + 1);
      decides.push(await time(() => {
        userspace.route({ srcIP: '10.244.1.5', dstIP: dst, dstPort: 80, protocol: 'TCP', fromLocalPod: true });
        return Promise.resolve();
      }));
    }
  }
  // What a kube-proxy holds at this size: the Services and slices (its informer caches) plus the
  // Proxier's and the data plane's state, with everything still referenced.
  const held = heapMB() - heapBefore;
  await dp.close();
  const part = median(partials);
  return [String(n), kind, fmt(first), fmt(median(fulls)), fmt(part), `${part.cpu.toFixed(1)}–${Math.max(...partials.map((t) => t.cpu)).toFixed(1)}`, decides.length > 0 ? fmt(median(decides)) : '–', held.toFixed(0)];
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[][] = [['services', 'data plane', 'first sync', 'full resync', 'partial sync', 'partial CPU median–max', 'first route() after partial', 'heap held, MB']];
for (const n of sizes.length > 0 ? sizes : [1000, 10000]) {
  for (const kind of ['userspace', 'restore-text'] as const) {
    process.stderr.write(`[bench] ${String(n)} ${kind}\n`);
    rows.push(await run(n, kind));
  }
}
const out = (s: string): void => void process.stdout.write(`${s}\n`);
out('### kube-proxy sync (Proxier, iptables mode)');
out('');
out(`Node ${process.version}, ${String(endpointsPerService)} endpoints per Service, one EndpointSlice update per partial sync; wall / CPU ms (medians of 3 full, 11 partial). Target: partial at 10k ≤ 20 ms, full ≤ 500 ms.`);
out('');
out(`| ${rows[0]?.join(' | ') ?? ''} |`);
out(`|${rows[0]?.map(() => '---:').join('|') ?? ''}|`);
for (const r of rows.slice(1)) out(`| ${r.join(' | ')} |`);
out('');
out(`"heap held": V8 heap in use after a full GC with the Services, slices, Proxier and data plane alive, minus before. Peak RSS of the bench process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB.`);
