// BoundedFrequencyRunner as k8s.io/kubernetes/pkg/util/async: runs a function no more often than
// minInterval (with bursts), at least every maxInterval, merging run() requests in between.
import { realClock, type Clock, type Timer } from './clock.js';

/**
 * A token bucket (flowcontrol.NewTokenBucketRateLimiterWithClock): starts full with `burst`
 * tokens and refills `qps` tokens per second. Fractional tokens accumulate.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes a token if one is available now. */
  tryAccept(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Takes a token, possibly borrowing from the future; returns how long to wait for it, ms (rate.Limiter.Reserve). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
  }
}

export interface BoundedFrequencyRunnerOptions {
  /** Used in log lines and errors. */
  readonly name: string;
  /** The function to run; a returned promise is awaited before the next run starts. */
  readonly fn: () => void | Promise<void>;
  /** Minimum time between runs, ms; 0 disables the limit. */
  readonly minInterval: number;
  /** Maximum time between runs, ms: a run happens at least this often once `loop` started. */
  readonly maxInterval: number;
  /** Runs allowed back to back before `minInterval` applies; at least 1. */
  readonly burstRuns: number;
  /** For testing: drive time with a FakeClock. */
  readonly clock?: Clock;
  /** Called when `fn` throws or rejects; the runner keeps going. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Runs `fn` when asked (`run()`), rate-bounded, and periodically. Concurrent requests merge into
 * one run; `fn` never runs concurrently with itself. Nothing runs before `loop(signal)` is called.
 */
export class BoundedFrequencyRunner {
  private readonly clock: Clock;
  private readonly limiter: TokenBucket | undefined;
  private timer: Timer | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private lastRun = Number.NEGATIVE_INFINITY;
  private running = false;
  private pending = false;
  private scheduled = false;
  private stopped = true;
  private done: (() => void) | undefined;

  constructor(private readonly opts: BoundedFrequencyRunnerOptions) {
    if (opts.maxInterval < opts.minInterval) {
      throw new RangeError(
        `${opts.name}: maxInterval (${opts.maxInterval}) must be >= minInterval (${opts.minInterval})`,
      );
    }
    this.clock = opts.clock ?? realClock;
    this.limiter =
      opts.minInterval === 0
        ? undefined
        : new TokenBucket(1000 / opts.minInterval, Math.max(1, opts.burstRuns), this.clock);
  }

  /**
   * Runs until `signal` aborts; resolves after the last run finished. Like upstream, the first
   * run happens on `run()` or after `maxInterval`.
   */
  loop(signal: AbortSignal): Promise<void> {
    if (!this.stopped) throw new Error(`${this.opts.name}: loop already running`);
    this.stopped = false;
    this.arm(this.opts.maxInterval);
    if (this.pending) this.schedule();
    return new Promise((resolve) => {
      const stop = (): void => {
        this.stopped = true;
        this.timer?.stop();
        this.timer = undefined;
        this.timerDue = Number.POSITIVE_INFINITY;
        if (this.running) this.done = resolve;
        else resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** Requests a run as soon as the limits allow; never blocks, merges with pending requests. */
  run(): void {
    this.pending = true;
    this.schedule();
  }

  /** Makes sure a run happens within `ms` (after a failed sync), unless one is due sooner. */
  retryAfter(ms: number): void {
    if (this.stopped) return;
    if (this.clock.now() + ms < this.timerDue) this.arm(ms);
  }

  private schedule(): void {
    if (this.stopped || this.scheduled || this.running) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.tryRun();
    });
  }

  private arm(ms: number): void {
    const fire = (): void => {
      this.timerDue = Number.POSITIVE_INFINITY;
      this.pending = true;
      this.tryRun();
    };
    this.timerDue = this.clock.now() + ms;
    if (this.timer === undefined) this.timer = this.clock.afterFunc(ms, fire);
    else this.timer.reset(ms);
  }

  private tryRun(): void {
    if (this.stopped || this.running || !this.pending) return;
    if (this.limiter === undefined || this.limiter.tryAccept()) {
      this.pending = false;
      this.lastRun = this.clock.now();
      this.arm(this.opts.maxInterval);
      this.invoke();
      return;
    }
    // Rate-limited: make sure the timer fires no later than the next moment a run is allowed.
    const nextPossible = this.opts.minInterval - this.clock.since(this.lastRun);
    const nextScheduled = this.timerDue - this.clock.now();
    this.arm(Math.max(0, Math.min(nextPossible, nextScheduled)));
  }

  private invoke(): void {
    this.running = true;
    const finish = (): void => {
      this.running = false;
      if (this.stopped) {
        this.done?.();
        this.done = undefined;
        return;
      }
      if (this.pending) this.tryRun();
    };
    let result: void | Promise<void>;
    try {
      result = this.opts.fn();
    } catch (err) {
      this.opts.onError?.(err);
      finish();
      return;
    }
    if (result instanceof Promise) {
      result.then(finish, (err: unknown) => {
        this.opts.onError?.(err);
        finish();
      });
    } else {
      finish();
    }
  }
}
