import { FakeClock } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import type { ConntrackTuple } from './conntrack.js';
import { ConntrackTable } from './conntrack.js';

const tcp = (srcPort: number): ConntrackTuple => ({ protocol: 'TCP', srcIP: '127.0.0.1', srcPort, dstIP: '127.96.0.10', dstPort: 80 });
const udp = (srcPort: number): ConntrackTuple => ({ protocol: 'UDP', srcIP: '127.0.0.1', srcPort, dstIP: '127.0.1.1', dstPort: 30053 });
const pod = { ip: '127.244.1.10', port: 8080, sourceIP: '127.0.1.1' };

interface Case {
  readonly name: string;
  readonly run: (t: ConntrackTable, clock: FakeClock) => unknown;
  readonly want: unknown;
  readonly max?: number;
}

const cases: Case[] = [
  { name: 'insert then lookup finds the backend', run: (t) => { t.insert(tcp(1), pod); return t.lookup(tcp(1))?.backendIP; }, want: '127.244.1.10' },
  { name: 'other tuple misses', run: (t) => { t.insert(tcp(1), pod); return t.lookup(tcp(2)); }, want: undefined },
  { name: 'UDP entry expires after 30 s', run: (t, c) => { t.insert(udp(1), pod); c.step(30_001); return t.lookup(udp(1)); }, want: undefined },
  { name: 'UDP entry lives before 30 s', run: (t, c) => { t.insert(udp(1), pod); c.step(29_000); return t.lookup(udp(1)) !== undefined; }, want: true },
  {
    name: 'assured UDP entry gets the 120 s stream timeout',
    run: (t, c) => { const e = t.insert(udp(1), pod); if (e) t.touch(e, true); c.step(100_000); return t.lookup(udp(1))?.assured; },
    want: true,
  },
  { name: 'touch restarts the timeout', run: (t, c) => { const e = t.insert(udp(1), pod); c.step(20_000); if (e) t.touch(e); c.step(20_000); return t.lookup(udp(1)) !== undefined; }, want: true },
  { name: 'TCP lives for the established timeout', run: (t, c) => { t.insert(tcp(1), pod); c.step(3_600_000); return t.size; }, want: 1 },
  { name: 'delete removes', run: (t) => { t.insert(tcp(1), pod); t.delete(tcp(1)); return t.size; }, want: 0 },
  { name: 'full table refuses new entries', max: 2, run: (t) => [t.insert(tcp(1), pod) !== undefined, t.insert(tcp(2), pod) !== undefined, t.insert(tcp(3), pod) !== undefined], want: [true, true, false] },
  {
    name: 'full table makes room by expiring stale entries',
    max: 1,
    run: (t, c) => { t.insert(udp(1), pod); c.step(31_000); return t.insert(udp(2), pod) !== undefined; },
    want: true,
  },
  { name: 'max 0 is unlimited', max: 0, run: (t) => { for (let i = 0; i < 1000; i++) t.insert(tcp(i), pod); return t.size; }, want: 1000 },
  {
    name: 'connections are counted per backend',
    run: (t) => {
      t.insert(tcp(1), pod);
      t.insert(tcp(2), pod);
      t.insert(tcp(3), { ...pod, ip: '127.244.2.10' });
      t.delete(tcp(1));
      return [t.connectionsTo('127.244.1.10', 8080), t.connectionsTo('127.244.2.10', 8080), t.connectionsTo('127.244.3.10', 8080)];
    },
    want: [1, 1, 0],
  },
  { name: 'expire returns the removed entries', run: (t, c) => { t.insert(udp(1), pod); t.insert(tcp(1), pod); c.step(60_000); return t.expire().map((e) => e.tuple.protocol); }, want: ['UDP'] },
];

describe('ConntrackTable', () => {
  it.each(cases)('$name', ({ run, want, max }) => {
    const clock = new FakeClock();
    const t = new ConntrackTable({ max: max ?? 100, clock });
    expect(run(t, clock)).toEqual(want);
  });

  it('counts exhaustion', () => {
    let dropped = 0;
    const t = new ConntrackTable({ max: 1, onExhausted: () => { dropped++; } });
    t.insert(tcp(1), pod);
    t.insert(tcp(2), pod);
    t.insert(tcp(3), pod);
    expect(dropped).toBe(2);
  });
});
