import { describe, expect, it } from 'vitest';
import { goTimeString, ProxierHealth } from './proxier-health.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

describe('ProxierHealth', () => {
  it.each([
    { name: 'nothing queued: healthy', steps: [] as string[], at: 0, code: 200 },
    { name: 'queued and recent: healthy', steps: ['queue'], at: 59_000, code: 200 },
    { name: 'queued longer than the timeout without a sync: unhealthy', steps: ['queue'], at: 61_000, code: 503 },
    { name: 'synced after queueing: healthy', steps: ['queue', 'sync'], at: 600_000, code: 200 },
    { name: 'node being deleted: not eligible', steps: ['ineligible'], at: 0, code: 503 },
  ])('$name', ({ steps, at, code }) => {
    let now = t0;
    const h = new ProxierHealth(60_000, () => now);
    for (const s of steps) {
      if (s === 'queue') h.queuedUpdate();
      if (s === 'sync') h.updated();
      if (s === 'ineligible') h.setNodeEligible(false);
    }
    now = t0 + at;
    expect(h.healthz().code).toBe(code);
  });

  it('writes upstream body with Go time strings', () => {
    let now = t0;
    const h = new ProxierHealth(60_000, () => now);
    h.updated();
    now = t0 + 1500;
    expect(h.healthz().body).toBe('{"lastUpdated": "2026-01-01 00:00:00 +0000 UTC","currentTime": "2026-01-01 00:00:01.5 +0000 UTC", "nodeEligible": true}');
  });

  it.each([
    { name: 'zero time', ms: 0, want: '0001-01-01 00:00:00 +0000 UTC' },
    { name: 'milliseconds trimmed', ms: Date.parse('2026-03-04T05:06:07.120Z'), want: '2026-03-04 05:06:07.12 +0000 UTC' },
  ])('goTimeString $name', ({ ms, want }) => {
    expect(goTimeString(ms)).toBe(want);
  });
});
