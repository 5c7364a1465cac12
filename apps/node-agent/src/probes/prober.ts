// A probe worker per (container, probe kind), with the kubelet's thresholds:
// initialDelaySeconds, periodSeconds (10), timeoutSeconds (1), successThreshold (1), failureThreshold (3).
// Readiness starts false; liveness starts true. `onChange` fires when the thresholded result flips.
import type { Probe } from '@svclab/api';
import type { ProbeResult } from './probe-check.js';

export interface ProberTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ProberTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout); },
};

export interface ProbeWorkerOptions {
  readonly kind: 'readiness' | 'liveness';
  readonly probe: Probe;
  readonly check: () => Promise<ProbeResult>;
  readonly onChange: (ok: boolean) => void;
  readonly timers?: ProberTimers;
}

export class ProbeWorker {
  private ok: boolean;
  private successes = 0;
  private failures = 0;
  private handle: unknown;
  private stopped = false;
  private readonly timers: ProberTimers;

  constructor(private readonly opts: ProbeWorkerOptions) {
    this.ok = opts.kind === 'liveness';
    this.timers = opts.timers ?? realTimers;
  }

  get result(): boolean {
    return this.ok;
  }

  start(): void {
    this.schedule((this.opts.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.handle = this.timers.setTimeout(() => {
      void this.tick();
    }, ms);
  }

  /** One probe attempt and the threshold logic; exposed for tests. */
  async tick(): Promise<void> {
    const r = await this.opts.check();
    if (this.stopped) return;
    const p = this.opts.probe;
    if (r === 'success') {
      this.successes++;
      this.failures = 0;
      if (!this.ok && this.successes >= (p.successThreshold ?? 1)) this.flip(true);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.ok && this.failures >= (p.failureThreshold ?? 3)) this.flip(false);
    }
    this.schedule((p.periodSeconds ?? 10) * 1000);
  }

  private flip(ok: boolean): void {
    this.ok = ok;
    // Liveness restarts reset the counters as a restarted container's new worker would.
    if (!ok && this.opts.kind === 'liveness') this.failures = 0;
    this.opts.onChange(ok);
  }
}
