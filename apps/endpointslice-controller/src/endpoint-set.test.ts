import type { Endpoint } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { EndpointSet, hashEndpoint } from './endpoint-set.js';

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

describe('hashEndpoint', () => {
  const e = (
    addresses: string[],
    name = 'p',
    hostname?: string,
    namespace = 'default',
  ): Endpoint => ({
    addresses,
    ...(hostname === undefined ? {} : { hostname }),
    targetRef: { kind: 'Pod', namespace, name },
  });
  it.each([
    {
      name: 'address order does not matter',
      a: e(['10.0.0.2', '10.0.0.1']),
      b: e(['10.0.0.1', '10.0.0.2']),
      same: true,
    },
    {
      name: 'conditions and nodeName do not matter',
      a: { ...e(['10.0.0.1']), nodeName: 'n1', conditions: { ready: true } },
      b: e(['10.0.0.1']),
      same: true,
    },
    {
      name: 'absent hostname ≡ empty',
      a: e(['10.0.0.1'], 'p', ''),
      b: e(['10.0.0.1']),
      same: true,
    },
    { name: 'two addresses vs their concatenation', a: e(['1', '2']), b: e(['12']), same: false },
    {
      name: 'field boundary moved (name vs namespace)',
      a: e(['10.0.0.1'], 'b', undefined, 'a'),
      b: e(['10.0.0.1'], '', undefined, 'ab'),
      same: false,
    },
    {
      name: 'separator characters inside fields',
      a: e(['1:1|'], '1:x'),
      b: e(['1:1'], '|1:x'),
      same: false,
    },
    { name: 'hostname differs', a: e(['10.0.0.1'], 'p', 'h'), b: e(['10.0.0.1']), same: false },
  ])('$name → same: $same', ({ a, b, same }) => {
    expect(hashEndpoint(a) === hashEndpoint(b)).toBe(same);
  });
});
