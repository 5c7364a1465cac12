import { describe, expect, it } from 'vitest';
import { humanDuration, translateTimestampSince } from './human-duration.js';

const now = new Date('2026-01-01T00:00:00Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('translateTimestampSince (upstream TestTranslateTimestampSince)', () => {
  it.each([
    { name: 'now + 2.1s is invalid', ts: ago(-2.1 * S), want: '<invalid>' },
    { name: 'now + 1.9s is 0s', ts: ago(-1.9 * S), want: '0s' },
    { name: 'now', ts: ago(0), want: '0s' },
    { name: 'missing', ts: undefined, want: '<unknown>' },
    { name: 'zero time', ts: '0001-01-01T00:00:00Z', want: '<unknown>' },
    { name: 'garbage', ts: 'yesterday', want: '<unknown>' },
    { name: '30s', ts: ago(30 * S), want: '30s' },
    { name: '5m', ts: ago(5 * M), want: '5m' },
    { name: '100m', ts: ago(100 * M), want: '100m' },
    { name: '2d', ts: ago(2 * D), want: '2d' },
    { name: '90d', ts: ago(90 * D), want: '90d' },
    { name: '10y', ts: ago(10 * 365 * D), want: '10y' },
  ])('$name', ({ ts, want }) => {
    expect(translateTimestampSince(ts, now)).toBe(want);
  });
});

describe('humanDuration thresholds', () => {
  it.each([
    { name: '119s', ms: 119 * S, want: '119s' },
    { name: '2m', ms: 120 * S, want: '2m' },
    { name: '2m5s', ms: 125 * S, want: '2m5s' },
    { name: '9m59s', ms: 599 * S, want: '9m59s' },
    { name: '10m drops seconds', ms: 10 * M + 30 * S, want: '10m' },
    { name: '179m', ms: 179 * M, want: '179m' },
    { name: '3h', ms: 3 * H, want: '3h' },
    { name: '3h10m', ms: 3 * H + 10 * M, want: '3h10m' },
    { name: '8h drops minutes', ms: 8 * H + 10 * M, want: '8h' },
    { name: '47h', ms: 47 * H, want: '47h' },
    { name: '2d3h', ms: 51 * H, want: '2d3h' },
    { name: '7d23h', ms: 191 * H, want: '7d23h' },
    { name: '8d drops hours', ms: 8 * D + 5 * H, want: '8d' },
    { name: '729d', ms: 729 * D, want: '729d' },
    { name: '2y', ms: 730 * D, want: '2y' },
    { name: '2y10d', ms: 740 * D, want: '2y10d' },
    { name: '8y', ms: 8 * 365 * D, want: '8y' },
  ])('$name', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
