import { describe, expect, it } from 'vitest';
import { TriggerTimeTracker } from './trigger-time-tracker.js';
import { formatRFC3339Nano } from './trigger-time.js';
import { makePod, makeService } from './testing-fixtures.js';

const pod = (name: string, readySince: string) => makePod({ name, ips: ['10.0.0.1'], readySince });
const iso = (d: Date | undefined) => (d === undefined ? undefined : formatRFC3339Nano(d));

describe('TriggerTimeTracker', () => {
  it.each([
    {
      name: 'first sync → Service creationTimestamp',
      syncs: [[pod('a', '2024-05-01T00:00:00Z')]],
      want: ['2024-01-01T00:00:00Z'],
    },
    {
      name: 'nothing changed → no trigger time',
      syncs: [[pod('a', '2024-05-01T00:00:00Z')], [pod('a', '2024-05-01T00:00:00Z')]],
      want: ['2024-01-01T00:00:00Z', undefined],
    },
    {
      name: 'two pods changed → the earlier of their times',
      syncs: [
        [pod('a', '2024-05-01T00:00:00Z'), pod('b', '2024-05-01T00:00:00Z')],
        [pod('a', '2024-06-02T00:00:00Z'), pod('b', '2024-06-01T00:00:00Z')],
      ],
      want: ['2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'],
    },
    {
      name: 'new pod → its time',
      syncs: [
        [pod('a', '2024-05-01T00:00:00Z')],
        [pod('a', '2024-05-01T00:00:00Z'), pod('c', '2024-07-01T00:00:00.5Z')],
      ],
      want: ['2024-01-01T00:00:00Z', '2024-07-01T00:00:00.5Z'],
    },
  ])('$name', ({ syncs, want }) => {
    const t = new TriggerTimeTracker();
    expect(syncs.map((pods) => iso(t.compute(makeService(), pods)))).toEqual(want);
  });

  it('deleteService starts over', () => {
    const t = new TriggerTimeTracker();
    t.compute(makeService(), []);
    t.deleteService('default', 'web');
    expect(iso(t.compute(makeService(), []))).toBe('2024-01-01T00:00:00Z');
  });
});
