// RateLimitingQueue: a delaying queue whose retries are paced by a RateLimiter (client-go rate_limiting_queue.go).
import { realClock, type Clock } from '@svclab/apimachinery';
import { DelayingFIFOQueue, type DelayingQueue } from './delaying-queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './default-rate-limiters.js';

export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /** Adds `item` after the rate limiter's delay for it (counts a failure). */
  addRateLimited(item: T): void;
  /** Clears the item's failure history (call after a successful sync). Does not remove it from the queue. */
  forget(item: T): void;
  numRequeues(item: T): number;
}

export interface RateLimitingQueueOptions<T> {
  /** Default: defaultControllerRateLimiter(). */
  readonly rateLimiter?: RateLimiter<T>;
  readonly clock?: Clock;
  /** For logs and metrics. */
  readonly name?: string;
}

class RateLimitingQueueImpl<T> extends DelayingFIFOQueue<T> implements RateLimitingQueue<T> {
  private readonly limiter: RateLimiter<T>;

  constructor(opts: RateLimitingQueueOptions<T>) {
    const clock = opts.clock ?? realClock;
    super(clock);
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(clock);
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.limiter.when(item));
  }

  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }
}

export function newRateLimitingQueue<T>(
  opts: RateLimitingQueueOptions<T> = {},
): RateLimitingQueue<T> {
  return new RateLimitingQueueImpl<T>(opts);
}
