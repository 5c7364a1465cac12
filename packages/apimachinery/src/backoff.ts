// Capped, jittered exponential backoff as k8s.io/apimachinery/pkg/util/wait.Backoff, with the
// reset-after-quiet-period of ExponentialBackoffManager (what the Reflector uses).
import { realClock, type Clock } from './clock.js';

export interface BackoffOptions {
  /** First delay, ms. */
  readonly initial: number;
  /** Upper bound on the un-jittered delay, ms. */
  readonly cap: number;
  /** Multiplier per step; default 2. */
  readonly factor?: number;
  /** Adds up to `jitter * delay` at random; default 0 (none). */
  readonly jitter?: number;
  /** Start again from `initial` when no step was taken for this long, ms; default never. */
  readonly resetAfter?: number;
  readonly clock?: Clock;
  /** Source of randomness in [0, 1); injected for tests. */
  readonly random?: () => number;
}

/**
 * Successive delays initial, initial·factor, … up to `cap`, each plus up to `jitter` of itself.
 * Not safe to share between independent retry loops: each loop owns one Backoff.
 */
export class Backoff {
  private current: number;
  private lastStep: number | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    this.current = opts.initial;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay in ms; advances the sequence. */
  step(): number {
    const now = this.clock.now();
    if (
      this.opts.resetAfter !== undefined &&
      this.lastStep !== undefined &&
      now - this.lastStep >= this.opts.resetAfter
    ) {
      this.current = this.opts.initial;
    }
    this.lastStep = now;
    const base = Math.min(this.current, this.opts.cap);
    this.current = Math.min(this.current * (this.opts.factor ?? 2), this.opts.cap);
    const jitter = this.opts.jitter ?? 0;
    return jitter > 0 ? base + this.random() * jitter * base : base;
  }

  /** Starts the sequence again from `initial`. */
  reset(): void {
    this.current = this.opts.initial;
    this.lastStep = undefined;
  }
}

/** Returns `d` plus up to `maxFactor·d` at random (wait.Jitter). */
export function jitter(d: number, maxFactor: number, random: () => number = Math.random): number {
  return d + random() * (maxFactor > 0 ? maxFactor : 1) * d;
}
