import { describe, expect, it } from 'vitest';
import { canonicalIP, compareIPs, ipTo16, isIPv6String } from './ip.js';

describe('canonicalIP (ParseIPSloppy + String)', () => {
  it.each([
    { name: 'plain v4', ip: '10.0.0.1', want: '10.0.0.1' },
    { name: 'v4 with leading zeros', ip: '010.000.000.001', want: '10.0.0.1' },
    { name: 'v4 part over 255', ip: '10.0.0.256', want: undefined },
    { name: 'v4 part with 4 digits', ip: '10.0.0.0001', want: undefined },
    { name: 'three parts', ip: '10.0.1', want: undefined },
    { name: 'five parts', ip: '10.0.0.1.2', want: undefined },
    { name: 'empty part', ip: '10..0.1', want: undefined },
    { name: 'trailing dot', ip: '10.0.0.1.', want: undefined },
    { name: 'sign', ip: '+10.0.0.1', want: undefined },
    { name: 'empty', ip: '', want: undefined },
    { name: 'v6 compressed', ip: '2001:0db8:0:0:0:0:0:1', want: '2001:db8::1' },
    { name: 'v4-mapped v6 → v4', ip: '::ffff:10.0.0.1', want: '10.0.0.1' },
    { name: 'not an IP', ip: 'web', want: undefined },
  ])('$name', ({ ip, want }) => {
    expect(canonicalIP(ip)).toBe(want);
  });
});

describe('isIPv6String', () => {
  it.each([
    { name: 'v4', ip: '10.0.0.1', want: false },
    { name: 'v6', ip: 'fd00::1', want: true },
    { name: 'v4-mapped', ip: '::ffff:10.0.0.1', want: false },
    { name: 'garbage', ip: 'a:b:c', want: false },
    { name: 'empty', ip: '', want: false },
  ])('$name', ({ ip, want }) => {
    expect(isIPv6String(ip)).toBe(want);
  });
});

describe('compareIPs / ipTo16', () => {
  it('orders by bytes, v4 as ::ffff:a.b.c.d, unparsable first', () => {
    const ips = ['10.0.0.10', 'fd00::1', '10.0.0.9', 'junk', '9.255.0.1'];
    expect([...ips].sort(compareIPs)).toEqual([
      'junk',
      '9.255.0.1',
      '10.0.0.9',
      '10.0.0.10',
      'fd00::1',
    ]);
    expect(ipTo16('1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
  });
});
