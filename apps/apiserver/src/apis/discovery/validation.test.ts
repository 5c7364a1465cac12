import type { EndpointSlice } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import {
  setEndpointSliceDefaults,
  validateEndpointSlice,
  validateEndpointSliceUpdate,
} from './validation.js';

function slice(edit: (s: EndpointSlice) => void = () => undefined): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', namespace: 'default' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.244.1.5'], conditions: { ready: true }, nodeName: 'node-1' }],
    ports: [{ name: 'http', port: 8080 }],
  };
  edit(s);
  setEndpointSliceDefaults(s);
  return s;
}

const msgs = (s: EndpointSlice): string[] => validateEndpointSlice(s).map(fieldErrorString);

describe('validateEndpointSlice', () => {
  it.each<{ name: string; edit: (s: EndpointSlice) => void; want: string[] }>([
    { name: 'valid', edit: () => undefined, want: [] },
    {
      name: 'null endpoints and ports',
      edit: (s) => ((s.endpoints = null), (s.ports = null)),
      want: [],
    },
    {
      name: 'addressType required',
      edit: (s) => (s.addressType = '' as never),
      want: ['addressType: Required value'],
    },
    {
      name: 'addressType unsupported',
      edit: (s) => (s.addressType = 'IP' as never),
      want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    },
    {
      name: 'too many endpoints',
      edit: (s) =>
        (s.endpoints = Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] }))),
      want: ['endpoints: Too many: 1001: must have at most 1000 items'],
    },
    {
      name: '1000 endpoints are fine',
      edit: (s) =>
        (s.endpoints = Array.from({ length: 1000 }, () => ({ addresses: ['10.0.0.1'] }))),
      want: [],
    },
    {
      name: 'address required',
      edit: (s) => (s.endpoints = [{ addresses: [] }]),
      want: ['endpoints[0].addresses: Required value: must contain at least 1 address'],
    },
    {
      name: 'too many addresses',
      edit: (s) => (s.endpoints = [{ addresses: Array.from({ length: 101 }, () => '10.0.0.1') }]),
      want: ['endpoints[0].addresses: Too many: 101: must have at most 100 items'],
    },
    {
      name: 'IPv6 address in an IPv4 slice',
      edit: (s) => (s.endpoints = [{ addresses: ['fd00::1'] }]),
      want: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
    },
    {
      name: 'IPv4 address in an IPv6 slice',
      edit: (s) => ((s.addressType = 'IPv6'), (s.endpoints = [{ addresses: ['10.0.0.1'] }])),
      want: ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address'],
    },
    {
      name: 'unspecified address',
      edit: (s) => (s.endpoints = [{ addresses: ['0.0.0.0'] }]),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      ],
    },
    {
      name: 'not an IP at all',
      edit: (s) => (s.endpoints = [{ addresses: ['x'] }]),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "x": must be a valid IPv4 address',
        'endpoints[0].addresses[0]: Invalid value: "x": must be a valid IP address',
      ],
    },
    {
      name: 'duplicate and invalid zone hints',
      edit: (s) =>
        (s.endpoints = [
          { addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'a' }, { name: 'a' }] } },
        ]),
      want: ['endpoints[0].hints.forZones[1].name: Duplicate value: "a"'],
    },
    {
      name: 'too many zone hints',
      edit: (s) =>
        (s.endpoints = [
          {
            addresses: ['10.0.0.1'],
            hints: { forZones: Array.from({ length: 9 }, (_, i) => ({ name: `z${i}` })) },
          },
        ]),
      want: ['endpoints[0].hints.forZones: Too many: 9: must have at most 8 items'],
    },
    {
      name: 'FQDN',
      edit: (s) => ((s.addressType = 'FQDN'), (s.endpoints = [{ addresses: ['db.example.com'] }])),
      want: [],
    },
    {
      name: 'FQDN with one segment',
      edit: (s) => ((s.addressType = 'FQDN'), (s.endpoints = [{ addresses: ['db'] }])),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots',
      ],
    },
    {
      name: 'hostname is a label',
      edit: (s) => (s.endpoints = [{ addresses: ['10.0.0.1'], hostname: 'a.b' }]),
      want: ['endpoints[0].hostname: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: 'deprecatedTopology zone',
      edit: (s) =>
        (s.endpoints = [
          { addresses: ['10.0.0.1'], deprecatedTopology: { 'topology.kubernetes.io/zone': 'a' } },
        ]),
      want: [
        'endpoints[0].deprecatedTopology[topology.kubernetes.io/zone]: Internal error: reserved key was not removed in conversion',
      ],
    },
    {
      name: 'too many ports',
      edit: (s) =>
        (s.ports = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i }))),
      want: ['ports: Too many: 101: must have at most 100 items'],
    },
    {
      name: 'duplicate port names',
      edit: (s) =>
        (s.ports = [
          { name: 'a', port: 1 },
          { name: 'a', port: 2 },
        ]),
      want: ['ports[1].name: Duplicate value: "a"'],
    },
    {
      name: 'two unnamed ports are duplicates',
      edit: (s) => (s.ports = [{ port: 1 }, { port: 2 }]),
      want: ['ports[1].name: Duplicate value: ""'],
    },
    {
      name: 'port name must be a label',
      edit: (s) => (s.ports = [{ name: 'HTTP', port: 80 }]),
      want: [
        `ports[0].name: Invalid value: "HTTP": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    },
    {
      name: 'protocol unsupported',
      edit: (s) => (s.ports = [{ name: 'a', port: 1, protocol: 'ICMP' as never }]),
      want: [
        'ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
  ])('$name', ({ edit, want }) => {
    expect(msgs(slice(edit))).toEqual(want);
  });

  it('defaults port name and protocol', () => {
    expect(slice((s) => (s.ports = [{ port: 80 }])).ports).toEqual([
      { name: '', port: 80, protocol: 'TCP' },
    ]);
  });

  it('addressType is immutable', () => {
    const old = slice();
    const cur = slice(
      (s) => ((s.addressType = 'IPv6'), (s.endpoints = [{ addresses: ['fd00::1'] }])),
    );
    expect(validateEndpointSliceUpdate(cur, old).map(fieldErrorString)).toEqual([
      'addressType: Invalid value: "IPv6": field is immutable',
    ]);
  });
});
