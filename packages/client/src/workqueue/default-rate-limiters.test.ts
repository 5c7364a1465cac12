import { describe, expect, it } from 'vitest';
import { FakeClock } from '@svclab/apimachinery';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
} from './default-rate-limiters.js';

describe('rate limiters', () => {
  it.each([
    {
      name: 'exponential 5ms → 1000s (the controller sequence)',
      make: () => new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
      n: 20,
      want: [
        5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10_240, 20_480, 40_960, 81_920, 163_840,
        327_680, 655_360, 1_000_000, 1_000_000,
      ],
    },
    {
      name: 'exponential 1ms → 1s',
      make: () => new ItemExponentialFailureRateLimiter<string>(1, 1000),
      n: 12,
      want: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000],
    },
    {
      name: 'fast-slow',
      make: () =>
        new ItemFastSlowRateLimiter<string>({
          fastDelay: 5,
          slowDelay: 10_000,
          maxFastAttempts: 3,
        }),
      n: 5,
      want: [5, 5, 5, 10_000, 10_000],
    },
    {
      name: 'bucket 1 qps burst 2 (no time passes)',
      make: () => new BucketRateLimiter<string>(1, 2, new FakeClock(0)),
      n: 4,
      want: [0, 0, 1000, 2000],
    },
    {
      name: 'default controller limiter is the max of both',
      make: () => defaultControllerRateLimiter<string>(new FakeClock(0)),
      n: 4,
      want: [5, 10, 20, 40],
    },
  ])('$name', ({ make, n, want }) => {
    const l = make();
    expect(Array.from({ length: n }, () => l.when('one'))).toEqual(want);
  });

  it('tracks items separately and forgets', () => {
    const l = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter<string>(1, 100),
      new ItemFastSlowRateLimiter<string>({ fastDelay: 2, slowDelay: 50, maxFastAttempts: 1 }),
    );
    expect([l.when('a'), l.when('a'), l.when('b')]).toEqual([2, 50, 2]);
    expect(l.numRequeues('a')).toBe(2);
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(2);
  });

  it('default limiter: the bucket kicks in after 100 rapid failures of distinct items', () => {
    const l = defaultControllerRateLimiter<string>(new FakeClock(0));
    const delays = Array.from({ length: 102 }, (_, i) => l.when(`k${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[100]).toBe(100);
    expect(delays[101]).toBe(200);
  });
});
