import { describe, expect, it } from 'vitest';
import { hashPrefix16, portProtoHash, servicePortEndpointChainName } from './chain-names.js';

describe('chain names', () => {
  it.each([
    {
      name: 'svc1 tcp (reference §0)',
      portName: 'ns1/svc1:p80',
      protocol: 'tcp',
      want: 'XPGD46QRK7WJZT7O',
    },
    {
      name: 'svc2 tcp (fixture)',
      portName: 'ns2/svc2:p80',
      protocol: 'tcp',
      want: 'GNZBNJ2PO5MGZ6GT',
    },
    {
      name: 'svc3 tcp (fixture)',
      portName: 'ns3/svc3:p80',
      protocol: 'tcp',
      want: 'X27LE4BHSL4DOUIK',
    },
    {
      name: 'svc4 tcp (fixture)',
      portName: 'ns4/svc4:p80',
      protocol: 'tcp',
      want: '4SW47YFZTEDKD3PK',
    },
    {
      name: 'svc5 tcp (fixture)',
      portName: 'ns5/svc5:p80',
      protocol: 'tcp',
      want: 'NUKIZ6OKUXPJNT4C',
    },
  ])('portProtoHash $name', ({ portName, protocol, want }) => {
    expect(portProtoHash(portName, protocol)).toBe(want);
  });

  it.each([
    {
      name: 'svc1 endpoint',
      portName: 'ns1/svc1:p80',
      endpoint: '10.180.0.1:80',
      want: 'KUBE-SEP-SXIVWICOYRO3J4NJ',
    },
    {
      name: 'svc2 endpoint',
      portName: 'ns2/svc2:p80',
      endpoint: '10.180.0.2:80',
      want: 'KUBE-SEP-RS4RBKLTHTF2IUXJ',
    },
    {
      name: 'svc4 endpoint 5',
      portName: 'ns4/svc4:p80',
      endpoint: '10.180.0.5:80',
      want: 'KUBE-SEP-C6EBXVWJJZMIWKLZ',
    },
    {
      name: 'svc1 local endpoint',
      portName: 'ns1/svc1:p80',
      endpoint: '10.180.2.1:80',
      want: 'KUBE-SEP-ZX7GRIZKSNUQ3LAJ',
    },
  ])('servicePortEndpointChainName $name', ({ portName, endpoint, want }) => {
    expect(servicePortEndpointChainName(portName, 'tcp', endpoint)).toBe(want);
  });

  it('is 16 characters of the base32 alphabet', () => {
    expect(hashPrefix16('')).toMatch(/^[A-Z2-7]{16}$/);
  });
});
