import type { Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { parseCidr, unmapIpv4 } from './ipv4.js';
import { loadBalancerSourceRanges, sourceAllowed } from './source-ranges.js';

function svc(ranges?: string[], annotation?: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'ns', ...(annotation === undefined ? {} : { annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': annotation } }) },
    spec: { type: 'LoadBalancer', ...(ranges === undefined ? {} : { loadBalancerSourceRanges: ranges }) },
  };
}

describe('loadBalancerSourceRanges', () => {
  it.each([
    { name: 'no ranges: everyone', s: svc(), client: '127.9.9.9', want: true },
    { name: 'inside the spec range', s: svc(['127.3.0.0/16']), client: '127.3.4.5', want: true },
    { name: 'outside the spec range', s: svc(['127.3.0.0/16']), client: '127.4.0.1', want: false },
    { name: 'documentation range refuses loopback', s: svc(['203.0.113.0/24']), client: '127.0.0.1', want: false },
    { name: 'second range matches', s: svc(['10.0.0.0/8', '127.0.0.1/32']), client: '127.0.0.1', want: true },
    { name: 'annotation when the field is empty', s: svc(undefined, '127.5.0.0/24, 10.0.0.0/8'), client: '127.5.0.9', want: true },
    { name: 'annotation refuses', s: svc(undefined, '127.5.0.0/24'), client: '127.6.0.9', want: false },
    { name: 'field wins over annotation', s: svc(['127.7.0.0/24'], '127.5.0.0/24'), client: '127.5.0.9', want: false },
    { name: 'IPv6 client never matches an IPv4 range', s: svc(['127.0.0.0/8']), client: '::1', want: false },
  ])('$name', ({ s, client, want }) => {
    expect(sourceAllowed(loadBalancerSourceRanges(s), client)).toBe(want);
  });

  it.each([
    { name: 'host route', in: '127.0.0.1/32', want: { base: 0x7f000001, prefix: 32, size: 1 } },
    { name: 'bare address', in: '127.0.0.1', want: { base: 0x7f000001, prefix: 32, size: 1 } },
    { name: 'host bits cleared', in: '127.200.0.9/24', want: { base: 0x7fc80000, prefix: 24, size: 256 } },
    { name: 'everything', in: '0.0.0.0/0', want: { base: 0, prefix: 0, size: 2 ** 32 } },
    { name: 'bad octet', in: '127.0.0.256/8', want: undefined },
    { name: 'bad prefix', in: '127.0.0.0/x', want: undefined },
  ])('parseCidr: $name', ({ in: s, want }) => {
    expect(parseCidr(s)).toEqual(want);
  });

  it.each([['::ffff:127.0.0.1', '127.0.0.1'], ['127.0.0.2', '127.0.0.2'], ['::1', '::1']])('unmapIpv4(%s)', (a, want) => {
    expect(unmapIpv4(a)).toBe(want);
  });
});
