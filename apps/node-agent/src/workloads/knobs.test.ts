import { describe, expect, it } from 'vitest';
import { parseKnobs, readyAt } from './knobs.js';

describe('failure knobs', () => {
  it.each<{ name: string; env: Record<string, string>; at: number; want: boolean }>([
    { name: 'no knobs: ready at once', env: {}, at: 0, want: true },
    { name: 'ready after 5 s: not yet', env: { READY_AFTER_SECONDS: '5' }, at: 4_999, want: false },
    { name: 'ready after 5 s: now', env: { READY_AFTER_SECONDS: '5' }, at: 5_000, want: true },
    { name: 'unready after 10 s', env: { UNREADY_AFTER_SECONDS: '10' }, at: 10_000, want: false },
    { name: 'flap 2 s, first period ok', env: { READY_FLAP_PERIOD_SECONDS: '2' }, at: 1_000, want: true },
    { name: 'flap 2 s, second period failing', env: { READY_FLAP_PERIOD_SECONDS: '2' }, at: 3_000, want: false },
    { name: 'flap 2 s, third period ok', env: { READY_FLAP_PERIOD_SECONDS: '2' }, at: 4_500, want: true },
    { name: 'garbage is ignored', env: { READY_AFTER_SECONDS: 'soon' }, at: 0, want: true },
  ])('$name', ({ env, at, want }) => {
    expect(readyAt(parseKnobs(env), at)).toBe(want);
  });

  it('reads crash and latency', () => {
    expect(parseKnobs({ CRASH_AFTER_SECONDS: '3', LATENCY_MS: '20' })).toMatchObject({ crashAfterMs: 3000, latencyMs: 20 });
  });
});
