import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';

describe('FakeClock', () => {
  it.each([
    { name: 'nothing due', timers: [100, 200], step: 50, fired: [] },
    { name: 'exactly due', timers: [100, 200], step: 100, fired: [100] },
    { name: 'all due, in due order', timers: [200, 100, 150], step: 500, fired: [100, 150, 200] },
    { name: 'zero delay fires on any step', timers: [0], step: 0, fired: [0] },
  ])('$name', ({ timers, step, fired }) => {
    const clock = new FakeClock(0);
    const got: number[] = [];
    for (const t of timers) clock.afterFunc(t, () => got.push(clock.now()));
    clock.step(step);
    expect(got).toEqual(fired);
    expect(clock.now()).toBe(step);
  });

  it('fires timers armed by a firing callback within the same step', () => {
    const clock = new FakeClock(0);
    const got: number[] = [];
    clock.afterFunc(10, () => {
      got.push(clock.now());
      clock.afterFunc(10, () => got.push(clock.now()));
    });
    clock.step(25);
    expect(got).toEqual([10, 20]);
  });

  it('stop and reset', () => {
    const clock = new FakeClock(0);
    let n = 0;
    const t = clock.afterFunc(10, () => n++);
    expect(t.stop()).toBe(true);
    clock.step(20);
    expect(n).toBe(0);
    expect(t.reset(5)).toBe(false);
    clock.step(5);
    expect(n).toBe(1);
    expect(t.stop()).toBe(false);
  });

  it('sleep resolves on step and on abort', async () => {
    const clock = new FakeClock(0);
    let woke = false;
    const p = clock.sleep(100).then(() => (woke = true));
    clock.step(99);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.step(1);
    await p;
    expect(woke).toBe(true);
    const ac = new AbortController();
    const q = clock.sleep(1000, ac.signal);
    ac.abort();
    await q;
    expect(clock.hasWaiters()).toBe(false);
  });
});
