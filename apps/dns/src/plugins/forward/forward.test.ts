import { describe, expect, it } from 'vitest';
import { Rcode, type DnsRequest } from '../../plugin.js';
import { allowList, DEFAULT_ALLOW, ForwardPlugin, isAllowed, parseHostPort } from './forward.js';

describe('allow list (not an open resolver)', () => {
  const list = allowList(DEFAULT_ALLOW);
  it.each([
    { address: '127.0.0.1', allowed: true },
    { address: '127.244.3.7', allowed: true },
    { address: '127.0.1.2', allowed: true },
    { address: '10.244.1.5', allowed: true },
    { address: '::1', allowed: true },
    { address: '::ffff:127.0.0.1', allowed: true },
    { address: '10.245.0.1', allowed: false },
    { address: '192.0.2.1', allowed: false },
    { address: '2001:db8::1', allowed: false },
    { address: 'garbage', allowed: false },
  ])('$address → $allowed', ({ address, allowed }) => {
    expect(isAllowed(list, address)).toBe(allowed);
  });

  it('refuses recursion to other clients without asking upstream', async () => {
    const fw = new ForwardPlugin({
      upstreams: ['127.0.0.1:1'],
      allow: ['127.0.0.0/8'],
      timeoutMs: 100,
    });
    const req = {
      qname: 'example.test',
      qtype: 1,
      client: { address: '192.0.2.1', port: 5, transport: 'udp' },
    } as unknown as DnsRequest;
    const r = await fw.serveDNS(req);
    expect(r.rcode).toBe(Rcode.REFUSED);
  });
});

describe('policy', () => {
  const upstreams = ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'];
  it('sequential keeps the order', () => {
    const fw = new ForwardPlugin({ upstreams, allow: [], timeoutMs: 1, policy: 'sequential' });
    expect(fw.order().map((u) => u.label)).toEqual(upstreams);
  });
  it('random shuffles every upstream in', () => {
    const fw = new ForwardPlugin({ upstreams, allow: [], timeoutMs: 1, random: () => 0 });
    expect(fw.order().map((u) => u.label)).toEqual(['127.0.0.1:2', '127.0.0.1:3', '127.0.0.1:1']);
  });
});

describe('parseHostPort', () => {
  it.each([
    { s: '127.0.0.1:1053', want: { host: '127.0.0.1', port: 1053 } },
    { s: '127.0.0.1', want: { host: '127.0.0.1', port: 53 } },
    { s: '[::1]:5353', want: { host: '::1', port: 5353 } },
    { s: '::1', want: { host: '::1', port: 53 } },
  ])('$s', ({ s, want }) => {
    expect(parseHostPort(s, 53)).toEqual(want);
  });
  it('rejects a bad port', () => {
    expect(() => parseHostPort('1.2.3.4:99999', 53)).toThrow(/invalid port/);
  });
});
