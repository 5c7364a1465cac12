// Rate limiters of client-go util/workqueue/default_rate_limiters.go.
import { realClock, TokenBucket, type Clock } from '@svclab/apimachinery';

/** Decides how long an item waits before it is retried. */
export interface RateLimiter<T> {
  /** The delay for the next retry of `item`, ms; counts a failure. */
  when(item: T): number;
  /** Stops tracking `item` (call on success). */
  forget(item: T): void;
  /** How many failures `item` had since the last `forget`. */
  numRequeues(item: T): number;
}

/** baseDelay·2^failures, capped at maxDelay (ms). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly baseDelay: number,
    private readonly maxDelay: number,
  ) {}

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseDelay * 2 ** exp;
    return Number.isFinite(backoff) && backoff < this.maxDelay ? backoff : this.maxDelay;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** fastDelay for the first maxFastAttempts failures, then slowDelay. */
export class ItemFastSlowRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly opts: { fastDelay: number; slowDelay: number; maxFastAttempts: number },
  ) {}

  when(item: T): number {
    const n = (this.failures.get(item) ?? 0) + 1;
    this.failures.set(item, n);
    return n <= this.opts.maxFastAttempts ? this.opts.fastDelay : this.opts.slowDelay;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket (qps, burst) shared by all items; does not track items. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;

  constructor(qps: number, burst: number, clock: Clock = realClock) {
    this.bucket = new TokenBucket(qps, burst, clock);
  }

  when(): number {
    return this.bucket.reserve();
  }

  forget(): void {
    // Not per item.
  }

  numRequeues(): number {
    return 0;
  }
}

/** The worst (longest) delay of several limiters. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: readonly RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/**
 * client-go's DefaultControllerRateLimiter: per item 5 ms·2^n up to 1000 s, combined with an
 * overall bucket of 10 qps / 100 burst (the bucket only matters under mass failures).
 */
export function defaultControllerRateLimiter<T>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>(5, 1_000_000),
    new BucketRateLimiter<T>(10, 100, clock),
  );
}
