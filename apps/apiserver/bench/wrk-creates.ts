// Service creates driven by wrk (a C load generator, Debian's `wrk`), so the load generator's own CPU
// stays small beside the apiserver's: the Node client of http.bench.ts spends ~0.35 ms of CPU per
// create, about as much as the apiserver, on the same two cores. Closed loop, `connections`
// requests in flight, each a POST of a new Service (wrk-create.lua); latency percentiles are wrk's.
// With `pin`, wrk runs on CPU 0 (taskset) so it never takes the apiserver's core.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(import.meta.dirname, 'wrk-create.lua');

export interface WrkResult {
  /** Completed requests per second. */
  rate: number;
  p50: number;
  p99: number;
  /** Completed requests, and how many answered other than 2xx/3xx (must be 0). */
  requests: number;
  failed: number;
}

/** Whether wrk (and taskset, for pinning) can run here. */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

/** A wrk latency like "812.00us", "8.34ms" or "1.02s", in ms. */
export function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (m === null) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** The figures of one `wrk --latency` report. */
export function parseWrk(out: string): WrkResult {
  const pct = (p: string): number => wrkMs(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  return {
    rate: Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1] ?? NaN),
    p50: pct('50'),
    p99: pct('99'),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    failed: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** Runs wrk for `seconds` with `connections` in flight, creating Services in `namespace`. */
export function wrkCreates(base: string, namespace: string, connections: number, seconds: number, pin: boolean): WrkResult {
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', script, base, '--', namespace];
  const r = pin ? spawnSync('taskset', ['-c', '0', 'wrk', ...args], { encoding: 'utf8' }) : spawnSync('wrk', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed (${String(r.status)}): ${r.stderr}`);
  return parseWrk(r.stdout);
}
