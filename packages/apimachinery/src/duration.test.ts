import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['40s', 40_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h0m0s', 3_600_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1500us', 1.5],
    ['1000000ns', 1],
  ])('%s → %d ms', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it.each(['', '10', '-1s', '1d', 's', '1m 30s', '1h0m0sx'])('rejects %j', (s) => {
    expect(parseDuration(s)).toBeUndefined();
  });
});
