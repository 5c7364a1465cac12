import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { FakeClock } from './clock.js';

describe('Backoff', () => {
  it.each([
    {
      name: 'doubles up to the cap',
      opts: { initial: 100, cap: 1000 },
      want: [100, 200, 400, 800, 1000, 1000],
    },
    { name: 'factor 3', opts: { initial: 1, cap: 50, factor: 3 }, want: [1, 3, 9, 27, 50, 50] },
    {
      name: 'full jitter at random=1',
      opts: { initial: 100, cap: 400, jitter: 1, random: () => 1 },
      want: [200, 400, 800, 800],
    },
    {
      name: 'half jitter at random=0.5',
      opts: { initial: 100, cap: 400, jitter: 0.5, random: () => 0.5 },
      want: [125, 250, 500],
    },
  ])('$name', ({ opts, want }) => {
    const b = new Backoff(opts);
    expect(want.map(() => b.step())).toEqual(want);
  });

  it('resets after a quiet period and on reset()', () => {
    const clock = new FakeClock(0);
    const b = new Backoff({ initial: 10, cap: 1000, resetAfter: 500, clock });
    expect([b.step(), b.step(), b.step()]).toEqual([10, 20, 40]);
    clock.step(499);
    expect(b.step()).toBe(80);
    clock.step(500);
    expect(b.step()).toBe(10);
    b.reset();
    expect(b.step()).toBe(10);
  });
});
