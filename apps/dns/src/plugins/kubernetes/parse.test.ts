import { describe, expect, it } from 'vitest';
import { endpointHostname } from './object.js';
import {
  extractAddressFromReverse,
  matchZone,
  parseRequest,
  podLabelToIP,
  reverseName,
} from './parse.js';

describe('parseRequest', () => {
  const Z = 'cluster.local';
  it.each([
    { name: 'apex', qname: Z, want: { podOrSvc: '', invalid: false } },
    { name: 'svc.<zone>', qname: `svc.${Z}`, want: { podOrSvc: '', invalid: false } },
    {
      name: 'namespace',
      qname: `ns.svc.${Z}`,
      want: { podOrSvc: 'svc', namespace: 'ns', service: '' },
    },
    {
      name: 'service',
      qname: `web.ns.svc.${Z}`,
      want: { podOrSvc: 'svc', namespace: 'ns', service: 'web' },
    },
    { name: 'endpoint', qname: `ep.web.ns.svc.${Z}`, want: { service: 'web', endpoint: 'ep' } },
    {
      name: 'port and protocol',
      qname: `_http._tcp.web.ns.svc.${Z}`,
      want: { port: 'http', protocol: 'tcp', endpoint: '' },
    },
    {
      name: 'port without underscores',
      qname: `http.tcp.web.ns.svc.${Z}`,
      want: { port: 'http', protocol: 'tcp' },
    },
    { name: 'too long', qname: `a.b.c.web.ns.svc.${Z}`, want: { invalid: true } },
    { name: 'not svc or pod', qname: `foo.${Z}`, want: { invalid: true } },
    {
      name: 'pod',
      qname: `1-2-3-4.ns.pod.${Z}`,
      want: { podOrSvc: 'pod', namespace: 'ns', service: '1-2-3-4' },
    },
  ])('$name', ({ qname, want }) => {
    expect(parseRequest(qname, Z)).toMatchObject(want);
  });
});

describe('names and addresses', () => {
  it.each([
    { name: 'v4 reverse', qname: '4.3.2.1.in-addr.arpa', want: '1.2.3.4' },
    { name: 'partial v4 reverse', qname: '3.2.1.in-addr.arpa', want: '' },
    { name: 'v6 reverse, canonical', qname: reverseName('2001:db8::1'), want: '2001:db8::1' },
    { name: 'forward name', qname: 'web.ns.svc.cluster.local', want: '' },
  ])('extractAddressFromReverse: $name', ({ qname, want }) => {
    expect(extractAddressFromReverse(qname)).toBe(want);
  });

  it.each([
    { label: '1-2-3-4', want: '1.2.3.4' },
    { label: 'fd00--1', want: 'fd00::1' },
    { label: '1-2-3', want: '' },
    { label: 'abc', want: '' },
  ])('podLabelToIP($label)', ({ label, want }) => {
    expect(podLabelToIP(label)).toBe(want);
  });

  it.each([
    {
      addr: { ip: '172.0.0.2', hostname: '', nodeName: '', targetRefName: 'pod-a' },
      podNames: false,
      want: '172-0-0-2',
    },
    {
      addr: { ip: '172.0.0.2', hostname: 'h', nodeName: '', targetRefName: 'pod-a' },
      podNames: true,
      want: 'h',
    },
    {
      addr: { ip: '172.0.0.2', hostname: '', nodeName: '', targetRefName: 'pod-a' },
      podNames: true,
      want: 'pod-a',
    },
    {
      addr: { ip: '5678:abcd::1', hostname: '', nodeName: '', targetRefName: '' },
      podNames: false,
      want: '5678-abcd--1',
    },
    {
      addr: { ip: '2001:db8:3333:4444:5555:6666::', hostname: '', nodeName: '', targetRefName: '' },
      podNames: false,
      want: '2001-db8-3333-4444-5555-6666--0',
    },
  ])('endpointHostname $want', ({ addr, podNames, want }) => {
    expect(endpointHostname(addr, podNames)).toBe(want);
  });

  it('matchZone picks the longest zone', () => {
    expect(
      matchZone(['cluster.local', 'svc.cluster.local', 'in-addr.arpa'], 'a.svc.cluster.local'),
    ).toBe('svc.cluster.local');
    expect(matchZone(['cluster.local'], 'example.org')).toBeUndefined();
    expect(matchZone(['cluster.local'], 'notcluster.local')).toBeUndefined();
  });
});
