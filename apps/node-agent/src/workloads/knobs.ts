// Failure knobs read from a container's env (documented in apps/node-agent/README.md):
//   READY_AFTER_SECONDS=N        not ready until N s after start
//   UNREADY_AFTER_SECONDS=N      readiness endpoint fails from N s after start on
//   READY_FLAP_PERIOD_SECONDS=N  readiness alternates ok/failing every N s
//   CRASH_AFTER_SECONDS=N        the container exits with code 1 after N s
//   LATENCY_MS=N                 every response is delayed by N ms

export interface Knobs {
  readonly readyAfterMs: number;
  readonly unreadyAfterMs: number | undefined;
  readonly flapPeriodMs: number | undefined;
  readonly crashAfterMs: number | undefined;
  readonly latencyMs: number;
}

function num(env: Readonly<Record<string, string>>, key: string): number | undefined {
  const v = env[key];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function parseKnobs(env: Readonly<Record<string, string>>): Knobs {
  const s = (k: string): number | undefined => {
    const n = num(env, k);
    return n === undefined ? undefined : n * 1000;
  };
  return {
    readyAfterMs: s('READY_AFTER_SECONDS') ?? 0,
    unreadyAfterMs: s('UNREADY_AFTER_SECONDS'),
    flapPeriodMs: s('READY_FLAP_PERIOD_SECONDS'),
    crashAfterMs: s('CRASH_AFTER_SECONDS'),
    latencyMs: num(env, 'LATENCY_MS') ?? 0,
  };
}

/** Whether a workload started `elapsedMs` ago reports ready under `k`. */
export function readyAt(k: Knobs, elapsedMs: number): boolean {
  if (elapsedMs < k.readyAfterMs) return false;
  if (k.unreadyAfterMs !== undefined && elapsedMs >= k.unreadyAfterMs) return false;
  if (k.flapPeriodMs !== undefined && k.flapPeriodMs > 0) {
    return Math.floor((elapsedMs - k.readyAfterMs) / k.flapPeriodMs) % 2 === 0;
  }
  return true;
}
