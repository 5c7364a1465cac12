import type { Endpoints } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { setEndpointsDefaults, validateEndpoints } from './endpoints-validation.js';

function ep(subsets: unknown): Endpoints {
  const e = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets,
  } as Endpoints;
  setEndpointsDefaults(e);
  return e;
}

describe('validateEndpoints', () => {
  it.each<{ name: string; subsets: unknown; want: string[] }>([
    { name: 'no subsets', subsets: undefined, want: [] },
    {
      name: 'valid with loopback pod IPs (svclab)',
      subsets: [
        { addresses: [{ ip: '127.244.1.5', nodeName: 'node-1' }], ports: [{ port: 8080 }] },
      ],
      want: [],
    },
    {
      name: 'headless without ports',
      subsets: [{ addresses: [{ ip: '10.0.0.1', hostname: 'web-0' }] }],
      want: [],
    },
    {
      name: 'addresses required',
      subsets: [{ ports: [{ port: 80 }] }],
      want: ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'],
    },
    {
      name: 'invalid ip',
      subsets: [{ addresses: [{ ip: 'x' }] }],
      want: [
        'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address',
      ],
    },
    {
      name: 'link-local not-ready address',
      subsets: [{ notReadyAddresses: [{ ip: '169.254.1.1' }] }],
      want: [
        'subsets[0].notReadyAddresses[0].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      ],
    },
    {
      name: 'hostname is a label',
      subsets: [{ addresses: [{ ip: '10.0.0.1', hostname: 'a.b' }] }],
      want: ['subsets[0].addresses[0].hostname: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: 'second port needs a name',
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'a', port: 80 }, { port: 81 }] },
      ],
      want: ['subsets[0].ports[1].name: Required value'],
    },
    {
      name: 'port range',
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 0 }] }],
      want: ['subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    },
    {
      name: 'protocol unsupported',
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'ICMP' }] }],
      want: [
        'subsets[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: 'garbage entries',
      subsets: [null, 'x'],
      want: [
        'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
        'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
      ],
    },
  ])('$name', ({ subsets, want }) => {
    expect(validateEndpoints(ep(subsets)).map(fieldErrorString)).toEqual(want);
  });

  it('defaults port protocol to TCP', () => {
    expect(
      ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]).subsets?.[0]?.ports?.[0]
        ?.protocol,
    ).toBe('TCP');
  });
});
