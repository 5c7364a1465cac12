import { describe, expect, it } from 'vitest';
import { firstServiceIP, ipv4ToInt, parseCIDR, parsePortRange } from './allocators.js';

describe('address helpers', () => {
  it.each([
    { name: 'kubeadm range', cidr: '10.96.0.0/12', want: '10.96.0.1' },
    { name: 'local range', cidr: '127.96.0.0/12', want: '127.96.0.1' },
    { name: 'host bits set', cidr: '10.0.0.77/24', want: '10.0.0.1' },
  ])('firstServiceIP: $name', ({ cidr, want }) => {
    expect(firstServiceIP(cidr)).toBe(want);
  });

  it.each([
    { name: 'valid', ip: '10.96.0.10', want: 10 * 2 ** 24 + 96 * 2 ** 16 + 10 },
    { name: 'leading zero', ip: '10.096.0.1', want: undefined },
    { name: 'octet too big', ip: '10.256.0.1', want: undefined },
    { name: 'IPv6', ip: 'fd00::1', want: undefined },
    { name: 'garbage', ip: 'abc', want: undefined },
  ])('ipv4ToInt: $name', ({ ip, want }) => {
    expect(ipv4ToInt(ip)).toBe(want);
  });

  it.each([
    { name: 'no prefix', cidr: '10.0.0.0' },
    { name: 'prefix too long', cidr: '10.0.0.0/31' },
    { name: 'IPv6', cidr: 'fd00::/108' },
  ])('parseCIDR rejects $name', ({ cidr }) => {
    expect(() => parseCIDR(cidr)).toThrow(RangeError);
  });

  it.each([
    { name: 'default', range: '30000-32767', want: { base: 30000, size: 2768 } },
    { name: 'one port', range: '30000-30000', want: { base: 30000, size: 1 } },
  ])('parsePortRange: $name', ({ range, want }) => {
    expect(parsePortRange(range)).toEqual(want);
  });

  it('parsePortRange rejects reversed ranges', () => {
    expect(() => parsePortRange('32767-30000')).toThrow(RangeError);
  });
});
