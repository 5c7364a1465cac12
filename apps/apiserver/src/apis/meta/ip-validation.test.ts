import { describe, expect, it } from 'vitest';
import {
  isValidCIDR,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  nonSpecialIPErrors,
  parseCIDR,
  parseIP,
} from './ip-validation.js';

const bad = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

describe('isValidIP', () => {
  it.each([
    { name: 'ipv4', value: '10.96.0.1', want: [] },
    { name: 'ipv6', value: '2001:db8::ffff', want: [] },
    { name: 'ipv6 all zero', value: '::', want: [] },
    { name: 'ipv6 with embedded v4', value: '64:ff9b::1.2.3.4', want: [] },
    { name: 'octet too big', value: '10.0.0.256', want: [bad] },
    { name: 'three octets', value: '10.0.0', want: [bad] },
    { name: 'word', value: 'x', want: [bad] },
    { name: 'empty', value: '', want: [bad] },
    { name: 'zone', value: 'fe80::1%eth0', want: [bad] },
    { name: 'double ::', value: '1::2::3', want: [bad] },
    { name: 'leading zeros', value: '010.0.0.1', want: ['must not have leading 0s'] },
    { name: 'single zero octets are fine', value: '10.0.0.0', want: [] },
    { name: 'trailing dot', value: '1.2.3.4.', want: [bad] },
    { name: 'leading dot', value: '.1.2.3', want: [bad] },
    { name: 'empty octet', value: '1..2.3', want: [bad] },
    { name: 'five octets', value: '1.2.3.4.5', want: [bad] },
    { name: 'sign', value: '+1.2.3.4', want: [bad] },
    { name: 'space', value: '1.2.3.4 ', want: [bad] },
    { name: 'huge octet', value: '1234567890.1.1.1', want: [bad] },
    {
      name: 'ipv4-mapped',
      value: '::ffff:1.2.3.4',
      want: ['must not be an IPv4-mapped IPv6 address'],
    },
  ])('$name', ({ value, want }) => {
    expect(isValidIP(value)).toEqual(want);
  });

  it('parses families and bytes', () => {
    expect(parseIP('1.2.3.4')).toMatchObject({ family: 'IPv4', bytes: [1, 2, 3, 4] });
    expect(parseIP('::1')?.bytes).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(parseIP(42)).toBeUndefined();
  });
});

describe('nonSpecialIPErrors', () => {
  it.each([
    { name: 'public', value: '80.11.12.10', loop: false, want: [] },
    {
      name: 'unspecified v4',
      value: '0.0.0.0',
      loop: false,
      want: ['may not be unspecified (0.0.0.0)'],
    },
    { name: 'unspecified v6', value: '::', loop: false, want: ['may not be unspecified (::)'] },
    {
      name: 'loopback',
      value: '127.0.0.1',
      loop: false,
      want: ['may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    },
    { name: 'loopback allowed in svclab', value: '127.0.0.1', loop: true, want: [] },
    {
      name: 'v6 loopback',
      value: '::1',
      loop: false,
      want: ['may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    },
    {
      name: 'link-local',
      value: '169.254.1.1',
      loop: false,
      want: ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    },
    {
      name: 'v6 link-local',
      value: 'fe80::1',
      loop: false,
      want: ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    },
    {
      name: 'link-local multicast',
      value: '224.0.0.5',
      loop: false,
      want: ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    },
    {
      name: 'v6 link-local multicast',
      value: 'ff02::1',
      loop: false,
      want: ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    },
  ])('$name', ({ value, loop, want }) => {
    expect(nonSpecialIPErrors(value, loop)).toEqual(want);
  });
});

describe('CIDR', () => {
  it.each([
    { name: 'v4', value: '10.0.0.0/8', ok: true },
    { name: 'v6', value: 'fd00::/64', ok: true },
    { name: 'prefix too long', value: '10.0.0.0/33', ok: false },
    { name: 'no prefix', value: '10.0.0.0', ok: false },
    { name: 'bad ip', value: 'x/8', ok: false },
  ])('$name', ({ value, ok }) => {
    expect(parseCIDR(value) !== undefined).toBe(ok);
    expect(isValidCIDR(value).length === 0).toBe(ok);
  });
});

describe('ports', () => {
  it.each([
    { name: '1', port: 1 as unknown, want: [] },
    { name: '65535', port: 65535, want: [] },
    { name: '0', port: 0, want: ['must be between 1 and 65535, inclusive'] },
    { name: '65536', port: 65536, want: ['must be between 1 and 65535, inclusive'] },
    { name: 'string', port: '80', want: ['must be between 1 and 65535, inclusive'] },
  ])('port num $name', ({ port, want }) => {
    expect(isValidPortNum(port)).toEqual(want);
  });

  it.each([
    { name: 'http', value: 'http', want: [] },
    { name: 'too long', value: 'a'.repeat(16), want: ['must be no more than 15 characters'] },
    {
      name: 'upper case',
      value: 'HTTP',
      want: [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
      ],
    },
    { name: 'digits only', value: '8080', want: ['must contain at least one letter (a-z)'] },
    { name: 'double hyphen', value: 'a--b', want: ['must not contain consecutive hyphens'] },
    { name: 'edge hyphen', value: '-ab', want: ['must not begin or end with a hyphen'] },
    {
      name: 'everything wrong',
      value: '--',
      want: [
        'must contain at least one letter (a-z)',
        'must not contain consecutive hyphens',
        'must not begin or end with a hyphen',
      ],
    },
  ])('port name $name', ({ value, want }) => {
    expect(isValidPortName(value)).toEqual(want);
  });
});
