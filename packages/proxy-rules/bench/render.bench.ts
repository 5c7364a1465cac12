// Benchmarks for the renderers: `npx tsx packages/proxy-rules/bench/render.bench.ts [sizes…]`.
// Prints a table (medians, wall-clock ms and CPU ms of this process): cold render (projection +
// hashing + text, as a restarted proxy), full resync (cache.forceFullSync(): every service port
// re-rendered, projections and chain names kept — upstream's full sync), partial re-render after
// one Service's EndpointSlice changes (render + the partial iptables-restore input upstream would
// write), full resync building the RuleSet too, IPVS render, and decide() per packet.
// Targets: full 10k×10 ≤ 500 ms, partial ≤ 20 ms. On a shared machine look at the CPU column.
import type { EndpointSlice, Service } from '@svclab/api';
import { performance } from 'node:perf_hooks';
import { AffinityTable, decide, IptablesCache, renderIptables, renderIpvs } from '../src/index.js';
import { makeEndpointSlice, makeService } from '../src/testing.js';

const endpointsPerService = 10;
const node = { name: 'node-1', ip: '192.168.0.2' };
const opts = { clusterCIDR: '10.0.0.0/8' };

function ip(base: number, n: number): string {
  const v = base + n;
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function slice(i: number, gen: number): EndpointSlice {
  return makeEndpointSlice(`ns${i % 50}`, `svc${i}`, {
    n: gen,
    endpoints: Array.from({ length: endpointsPerService }, (_, e) => ({
      addresses: [ip(0x0ab40000, i * endpointsPerService + e + gen)],
      nodeName: `node-${(e % 5) + 1}`,
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}

function cluster(n: number): { services: Service[]; endpointSlices: EndpointSlice[] } {
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const nodePort = i % 10 === 0;
    services.push(
      makeService(`ns${i % 50}`, `svc${i}`, {
        spec: {
          type: nodePort ? 'NodePort' : 'ClusterIP',
          clusterIP: ip(0x0a600000, i + 1),
          ports: [
            {
              name: 'http',
              port: 80,
              protocol: 'TCP',
              ...(nodePort ? { nodePort: 30000 + (i % 2700) } : {}),
            },
          ],
        },
      }),
    );
    endpointSlices.push(slice(i, 1));
  }
  return { services, endpointSlices };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

interface Timing {
  wall: number;
  cpu: number;
}

function time(runs: number, fn: () => void): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const fmt = (t: Timing, digits = 0): string =>
  `${t.wall.toFixed(digits)} / ${t.cpu.toFixed(digits)}`;

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const rows: string[][] = [
  [
    'services',
    'endpoints',
    'cold',
    'full resync',
    'partial',
    'ruleSet',
    'text MB',
    'ipvs',
    'decide µs',
  ],
];
for (const n of sizes.length > 0 ? sizes : [1000, 10000, 30000]) {
  const state = cluster(n);
  const runs = n >= 30000 ? 3 : 5;
  const cold = time(
    runs,
    () => void renderIptables(state, node, { ...opts, cache: new IptablesCache() }).text,
  );
  const cache = new IptablesCache();
  renderIptables(state, node, { ...opts, cache });
  let text = '';
  const full = time(runs, () => {
    cache.forceFullSync();
    text = renderIptables(state, node, { ...opts, cache }).text;
  });
  let gen = 2;
  const partial = time(7, () => {
    const i = gen % n;
    const slices = [...state.endpointSlices];
    slices[i] = slice(i, gen++);
    state.endpointSlices = slices;
    void renderIptables(state, node, { ...opts, cache }).restoreText;
  });
  const ruleSetTime = time(runs, () => {
    cache.forceFullSync();
    void renderIptables(state, node, { ...opts, cache }).ruleSet;
  });
  const ipvs = time(runs, () => renderIpvs(state, node, opts));
  const { ruleSet } = renderIptables(state, node, { ...opts, cache });
  const affinity = new AffinityTable();
  const k = 20000;
  const t0 = performance.now();
  for (let j = 0; j < k; j++) {
    decide(
      ruleSet,
      {
        srcIP: '10.244.1.5',
        dstIP: ip(0x0a600000, (j % n) + 1),
        dstPort: 80,
        protocol: 'TCP',
        fromLocalPod: true,
      },
      Math.random,
      affinity,
    );
  }
  const decideUs = ((performance.now() - t0) * 1000) / k;
  rows.push([
    String(n),
    String(n * endpointsPerService),
    fmt(cold),
    fmt(full),
    fmt(partial, 1),
    fmt(ruleSetTime),
    (text.length / 1e6).toFixed(1),
    fmt(ipvs),
    decideUs.toFixed(1),
  ]);
}
process.stdout.write('times: wall ms / cpu ms (median)\n');
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of rows)
  process.stdout.write(`${r.map((v, c) => v.padStart(widths[c] ?? 0)).join('  ')}\n`);
