// ProxierHealthServer's state (pkg/proxy/healthcheck/proxier_health.go): healthy unless a queued
// update has waited longer than healthTimeout without a successful sync. /healthz body and code.

/** Go's time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST` (UTC here). */
export function goTimeString(ms: number): string {
  if (ms === 0) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const frac = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '')}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
}

export interface HealthzResult {
  readonly code: 200 | 503;
  readonly body: string;
}

/**
 * Single event loop. `queuedUpdate()` when a change is queued for sync, `updated()` after a
 * successful sync. Upstream's healthTimeout is 2 × --sync-period.
 */
export class ProxierHealth {
  private lastUpdated = 0;
  private oldestPendingQueued: number | undefined;
  private nodeEligible = true;

  constructor(
    private readonly healthTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  queuedUpdate(): void {
    this.oldestPendingQueued ??= this.now();
  }

  updated(): void {
    this.lastUpdated = this.now();
    this.oldestPendingQueued = undefined;
  }

  /** False when the node is being deleted (upstream: nodeEligible). */
  setNodeEligible(eligible: boolean): void {
    this.nodeEligible = eligible;
  }

  isHealthy(): boolean {
    if (this.oldestPendingQueued === undefined) return true;
    return this.now() <= this.oldestPendingQueued + this.healthTimeoutMs;
  }

  lastUpdatedMs(): number {
    return this.lastUpdated;
  }

  /** The /healthz answer: 200 when healthy and the node eligible, else 503. */
  healthz(): HealthzResult {
    const healthy = this.isHealthy() && this.nodeEligible;
    const body = `{"lastUpdated": ${JSON.stringify(goTimeString(this.lastUpdated))},"currentTime": ${JSON.stringify(goTimeString(this.now()))}, "nodeEligible": ${String(this.nodeEligible)}}`;
    return { code: healthy ? 200 : 503, body };
  }

  /** /livez: like /healthz but ignores node eligibility. */
  livez(): HealthzResult {
    const h = this.healthz();
    return { code: this.isHealthy() ? 200 : 503, body: h.body };
  }
}
