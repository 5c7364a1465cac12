import { describe, expect, it } from 'vitest';
import type { ProbeResult } from './probe-check.js';
import { ProbeWorker } from './prober.js';

const noTimers = { setTimeout: () => undefined, clearTimeout: () => undefined };

async function drive(kind: 'readiness' | 'liveness', probe: object, results: ProbeResult[]): Promise<boolean[]> {
  const changes: boolean[] = [];
  const queue = [...results];
  const w = new ProbeWorker({
    kind,
    probe,
    check: () => Promise.resolve(queue.shift() ?? 'success'),
    onChange: (ok) => changes.push(ok),
    timers: noTimers,
  });
  for (let i = 0; i < results.length; i++) await w.tick();
  return changes;
}

describe('ProbeWorker thresholds', () => {
  it.each<{ name: string; kind: 'readiness' | 'liveness'; probe: object; results: ProbeResult[]; want: boolean[] }>([
    { name: 'readiness becomes ready on the first success', kind: 'readiness', probe: {}, results: ['success'], want: [true] },
    { name: 'readiness waits for successThreshold', kind: 'readiness', probe: { successThreshold: 2 }, results: ['success', 'failure', 'success', 'success'], want: [true] },
    { name: 'readiness drops after failureThreshold failures', kind: 'readiness', probe: { failureThreshold: 3 }, results: ['success', 'failure', 'failure', 'failure'], want: [true, false] },
    { name: 'two failures are tolerated with the default threshold', kind: 'readiness', probe: {}, results: ['success', 'failure', 'failure', 'success'], want: [true] },
    { name: 'liveness starts healthy and fails after 3', kind: 'liveness', probe: {}, results: ['failure', 'failure', 'failure'], want: [false] },
    { name: 'liveness with failureThreshold 1', kind: 'liveness', probe: { failureThreshold: 1 }, results: ['failure'], want: [false] },
  ])('$name', async ({ kind, probe, results, want }) => {
    expect(await drive(kind, probe, results)).toEqual(want);
  });
});
