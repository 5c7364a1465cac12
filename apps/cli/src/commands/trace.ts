// `svclab trace [--last N] [--service S]`: recent traces from Jaeger (cluster.json "jaeger") as a
// text waterfall, with the UI link; without Jaeger, how to enable it.
import type { Io } from '../io.js';
import { isUsageError, loadCluster, UsageError } from './cluster-context.js';

export const traceUsage = `usage: svclab trace [--last N] [--service NAME]
  The N (default 5) most recent traces of NAME (default apiserver) from Jaeger, as text waterfalls.
`;

/** Jaeger query API (`/api/traces`) span, the fields we use. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references?: readonly { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  /** µs since the epoch. */
  readonly startTime: number;
  /** µs. */
  readonly duration: number;
  readonly processID: string;
}

export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, { serviceName: string }>>;
}

export function parseTraceArgs(argv: readonly string[]): { last: number; service: string } {
  let last = 5;
  let service = 'apiserver';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--last' || a.startsWith('--last=')) {
      const v = a === '--last' ? argv[++i] : a.slice(7);
      last = Number(v);
      if (!Number.isInteger(last) || last < 1) throw new UsageError(`--last wants a positive integer, got "${v ?? ''}"`);
    } else if (a === '--service') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--service needs a name');
      service = v;
    } else throw new UsageError(`unknown argument "${a}"`);
  }
  return { last, service };
}

const BAR = 40;

/**
 * One trace as a waterfall: spans in parent/child order (FOLLOWS_FROM links count as children),
 * indented by depth, each with `service operation`, its offset from the trace start, its duration
 * and a bar on a common time scale.
 */
export function formatWaterfall(t: JaegerTrace): string {
  if (t.spans.length === 0) return `trace ${t.traceID}: no spans\n`;
  const start = Math.min(...t.spans.map((s) => s.startTime));
  const end = Math.max(...t.spans.map((s) => s.startTime + s.duration));
  const total = Math.max(end - start, 1);
  const ids = new Set(t.spans.map((s) => s.spanID));
  const children = new Map<string, JaegerSpan[]>();
  const roots: JaegerSpan[] = [];
  for (const s of t.spans) {
    const parent = s.references?.find((r) => ids.has(r.spanID) && r.spanID !== s.spanID)?.spanID;
    if (parent === undefined) roots.push(s);
    else children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const byStart = (a: JaegerSpan, b: JaegerSpan): number => a.startTime - b.startTime;
  const services = new Set(t.spans.map((s) => t.processes[s.processID]?.serviceName ?? '?'));
  const lines = [`trace ${t.traceID}  ${t.spans.length} spans  ${(total / 1000).toFixed(2)} ms  services: ${[...services].sort().join(', ')}`];
  const seen = new Set<string>();
  const walk = (s: JaegerSpan, depth: number): void => {
    if (seen.has(s.spanID)) return;
    seen.add(s.spanID);
    const off = s.startTime - start;
    const from = Math.min(BAR - 1, Math.floor((off / total) * BAR));
    const width = Math.max(1, Math.min(BAR - from, Math.round((s.duration / total) * BAR)));
    const bar = `${' '.repeat(from)}${'█'.repeat(width)}${' '.repeat(BAR - from - width)}`;
    const label = `${'  '.repeat(depth)}${t.processes[s.processID]?.serviceName ?? '?'} ${s.operationName}`;
    lines.push(`  |${bar}| ${`+${(off / 1000).toFixed(2)}ms`.padStart(10)} ${`${(s.duration / 1000).toFixed(2)}ms`.padStart(9)}  ${label}`);
    for (const c of [...(children.get(s.spanID) ?? [])].sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  return `${lines.join('\n')}\n`;
}

export async function trace(argv: readonly string[], io: Io): Promise<number> {
  let opts;
  try {
    opts = parseTraceArgs(argv);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab trace: ${err.message}\n${traceUsage}`);
    return 2;
  }
  const { info } = loadCluster();
  if (info.jaeger === null || info.jaeger === '') {
    io.stdout(
      [
        'svclab trace: this cluster exports no traces (cluster.json "jaeger" is null).',
        'To see every change as one trace, run a Jaeger all-in-one on loopback and point the components at it:',
        '  jaeger-all-in-one --collector.otlp.enabled=true   # UI http://127.0.0.1:16686, OTLP/HTTP :4318',
        '  (or: docker compose up jaeger, from deploy/)',
        'then start the components with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 and set "jaeger" in cluster.json.',
        '',
      ].join('\n'),
    );
    return 1;
  }
  const base = info.jaeger.replace(/\/$/, '');
  io.stdout(`Jaeger UI: ${base}/search?service=${encodeURIComponent(opts.service)}\n\n`);
  let body: { data?: JaegerTrace[] };
  try {
    const res = await fetch(`${base}/api/traces?service=${encodeURIComponent(opts.service)}&limit=${opts.last}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) {
      io.stderr(`svclab trace: Jaeger answered ${res.status}: ${await res.text()}\n`);
      return 1;
    }
    body = (await res.json()) as { data?: JaegerTrace[] };
  } catch (err) {
    io.stderr(`svclab trace: Jaeger at ${base} does not answer: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const traces = [...(body.data ?? [])]
    .sort((a, b) => Math.min(...b.spans.map((s) => s.startTime)) - Math.min(...a.spans.map((s) => s.startTime)))
    .slice(0, opts.last);
  if (traces.length === 0) io.stdout(`no traces of service "${opts.service}" yet\n`);
  for (const t of traces) io.stdout(`${formatWaterfall(t)}\n`);
  return 0;
}
