import { describe, expect, it } from 'vitest';
import type { IpvsScheduler } from './ipvs-render.js';
import type { SchedulerServer } from './ipvs-schedulers.js';
import { newSchedulerState, pickIpvs } from './ipvs-schedulers.js';

const s = (weight: number, activeConns = 0, inactConns = 0): SchedulerServer => ({
  weight,
  activeConns,
  inactConns,
});

function sequence(scheduler: IpvsScheduler, servers: SchedulerServer[], n: number): number[] {
  const state = newSchedulerState();
  return Array.from({ length: n }, () =>
    pickIpvs(scheduler, servers, { srcIP: '10.0.0.1', dstIP: '10.96.0.1', state }),
  );
}

describe('pickIpvs', () => {
  it.each([
    {
      name: 'rr cycles',
      scheduler: 'rr' as const,
      servers: [s(1), s(1), s(1)],
      want: [0, 1, 2, 0, 1],
    },
    {
      name: 'rr skips weight 0',
      scheduler: 'rr' as const,
      servers: [s(1), s(0), s(1)],
      want: [0, 2, 0, 2, 0],
    },
    {
      name: 'wrr 3:1',
      scheduler: 'wrr' as const,
      servers: [s(3), s(1)],
      want: [0, 0, 0, 1, 0, 0, 0, 1],
    },
    {
      name: 'wrr 4:2:1 (gcd steps)',
      scheduler: 'wrr' as const,
      servers: [s(4), s(2), s(1)],
      want: [0, 0, 0, 1, 0, 1, 2, 0],
    },
    {
      name: 'lc picks fewest connections',
      scheduler: 'lc' as const,
      servers: [s(1, 2), s(1, 1, 5), s(1, 1, 3)],
      want: [2],
    },
    {
      name: 'wlc weighs by weight',
      scheduler: 'wlc' as const,
      servers: [s(1, 2), s(3, 3)],
      want: [1],
    },
    {
      name: 'sed (active+1)/weight',
      scheduler: 'sed' as const,
      servers: [s(1, 0), s(3, 1)],
      want: [1],
    },
    {
      name: 'nq takes an idle server first',
      scheduler: 'nq' as const,
      servers: [s(5, 1), s(1, 0)],
      want: [1],
    },
    { name: 'nothing with weight', scheduler: 'rr' as const, servers: [s(0), s(0)], want: [-1] },
  ])('$name', ({ scheduler, servers, want }) => {
    expect(sequence(scheduler, servers, want.length)).toEqual(want);
  });

  it.each([
    { name: 'sh sticks per source', scheduler: 'sh' as const, key: 'srcIP' as const },
    { name: 'dh sticks per destination', scheduler: 'dh' as const, key: 'dstIP' as const },
  ])('$name and spreads over servers', ({ scheduler, key }) => {
    const servers = [s(1), s(1), s(1), s(1)];
    const state = newSchedulerState();
    const seen = new Set<number>();
    for (let i = 1; i < 200; i++) {
      const ip = `10.1.${i}.7`;
      const ctx = { srcIP: '10.0.0.1', dstIP: '10.96.0.1', state, [key]: ip };
      const a = pickIpvs(scheduler, servers, ctx);
      expect(pickIpvs(scheduler, servers, ctx)).toBe(a);
      seen.add(a);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
