import type { Endpoint } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { EndpointSet } from './endpoint-set.js';

const ep = (ip: string, ready = true): Endpoint => ({
  addresses: [ip],
  conditions: { ready },
  targetRef: { kind: 'Pod', namespace: 'default', name: `p-${ip}`, uid: `u-${ip}` },
});

describe('EndpointSet.take', () => {
  it.each([
    {
      name: 'member with other conditions: returned and removed',
      probe: ep('10.0.0.1', false),
      want: '10.0.0.1',
      size: 1,
    },
    {
      name: 'unknown endpoint: undefined, set unchanged',
      probe: ep('10.0.0.9'),
      want: undefined,
      size: 2,
    },
  ])('$name', ({ probe, want, size }) => {
    const set = new EndpointSet();
    set.insert(ep('10.0.0.1'));
    set.insert(ep('10.0.0.2'));
    const got = set.take(probe);
    expect(got?.addresses[0]).toBe(want);
    expect(got?.conditions?.ready).toBe(want === undefined ? undefined : true);
    expect(set.size).toBe(size);
    expect(set.has(probe)).toBe(false);
  });
});
