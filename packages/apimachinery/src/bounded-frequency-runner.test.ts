import { describe, expect, it } from 'vitest';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';
import { FakeClock } from './clock.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

type Step =
  | { op: 'run' }
  | { op: 'step'; ms: number }
  | { op: 'retry'; ms: number }
  | { op: 'expect'; runs: number };

function setup(
  min: number,
  max: number,
  burst: number,
): { clock: FakeClock; runs: () => number; bfr: BoundedFrequencyRunner; ac: AbortController } {
  const clock = new FakeClock(0);
  let n = 0;
  const bfr = new BoundedFrequencyRunner({
    name: 'test',
    fn: () => {
      n++;
    },
    minInterval: min,
    maxInterval: max,
    burstRuns: burst,
    clock,
  });
  const ac = new AbortController();
  void bfr.loop(ac.signal);
  return { clock, runs: () => n, bfr, ac };
}

describe('BoundedFrequencyRunner', () => {
  const cases: { name: string; min: number; max: number; burst: number; steps: Step[] }[] = [
    {
      name: 'no run before run() or maxInterval',
      min: 1000,
      max: 10_000,
      burst: 1,
      steps: [
        { op: 'step', ms: 9999 },
        { op: 'expect', runs: 0 },
        { op: 'step', ms: 1 },
        { op: 'expect', runs: 1 },
      ],
    },
    {
      name: 'run() runs immediately, then is bounded by minInterval',
      min: 1000,
      max: 10_000,
      burst: 1,
      steps: [
        { op: 'run' },
        { op: 'expect', runs: 1 },
        { op: 'run' },
        { op: 'run' },
        { op: 'expect', runs: 1 },
        { op: 'step', ms: 999 },
        { op: 'expect', runs: 1 },
        { op: 'step', ms: 1 },
        { op: 'expect', runs: 2 },
        { op: 'step', ms: 5000 },
        { op: 'expect', runs: 2 },
      ],
    },
    {
      name: 'burst allows back-to-back runs',
      min: 1000,
      max: 10_000,
      burst: 2,
      steps: [
        { op: 'run' },
        { op: 'expect', runs: 1 },
        { op: 'run' },
        { op: 'expect', runs: 2 },
        { op: 'run' },
        { op: 'expect', runs: 2 },
        { op: 'step', ms: 1000 },
        { op: 'expect', runs: 3 },
      ],
    },
    {
      name: 'maxInterval runs periodically after the last run',
      min: 1000,
      max: 5000,
      burst: 1,
      steps: [
        { op: 'run' },
        { op: 'expect', runs: 1 },
        { op: 'step', ms: 4999 },
        { op: 'expect', runs: 1 },
        { op: 'step', ms: 1 },
        { op: 'expect', runs: 2 },
        { op: 'step', ms: 5000 },
        { op: 'expect', runs: 3 },
      ],
    },
    {
      name: 'retryAfter brings the next run forward',
      min: 100,
      max: 10_000,
      burst: 1,
      steps: [
        { op: 'run' },
        { op: 'expect', runs: 1 },
        { op: 'retry', ms: 500 },
        { op: 'step', ms: 499 },
        { op: 'expect', runs: 1 },
        { op: 'step', ms: 1 },
        { op: 'expect', runs: 2 },
      ],
    },
    {
      name: 'retryAfter later than the scheduled run changes nothing',
      min: 100,
      max: 1000,
      burst: 1,
      steps: [
        { op: 'run' },
        { op: 'retry', ms: 5000 },
        { op: 'step', ms: 1000 },
        { op: 'expect', runs: 2 },
      ],
    },
    {
      name: 'minInterval 0 never limits',
      min: 0,
      max: 1000,
      burst: 1,
      steps: [{ op: 'run' }, { op: 'run' }, { op: 'run' }, { op: 'expect', runs: 3 }],
    },
  ];

  it.each(cases)('$name', async ({ min, max, burst, steps }) => {
    const { clock, runs, bfr, ac } = setup(min, max, burst);
    for (const s of steps) {
      switch (s.op) {
        case 'run':
          bfr.run();
          await flush();
          break;
        case 'step':
          clock.step(s.ms);
          await flush();
          break;
        case 'retry':
          bfr.retryAfter(s.ms);
          break;
        case 'expect':
          expect(runs()).toBe(s.runs);
          break;
      }
    }
    ac.abort();
  });

  it('never runs an async fn concurrently and merges requests made meanwhile', async () => {
    const clock = new FakeClock(0);
    let active = 0;
    let maxActive = 0;
    let n = 0;
    let release: (() => void) | undefined;
    const bfr = new BoundedFrequencyRunner({
      name: 'async',
      minInterval: 0,
      maxInterval: 10_000,
      burstRuns: 1,
      clock,
      fn: async () => {
        n++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => (release = r));
        active--;
      },
    });
    const ac = new AbortController();
    const done = bfr.loop(ac.signal);
    bfr.run();
    await flush();
    bfr.run();
    bfr.run();
    await flush();
    expect(n).toBe(1);
    release?.();
    await flush();
    expect(n).toBe(2);
    ac.abort();
    release?.();
    await done;
    expect(maxActive).toBe(1);
  });

  it('rejects maxInterval < minInterval', () => {
    expect(
      () =>
        new BoundedFrequencyRunner({
          name: 'x',
          fn: () => undefined,
          minInterval: 10,
          maxInterval: 5,
          burstRuns: 1,
        }),
    ).toThrow(RangeError);
  });
});
