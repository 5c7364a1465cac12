// discovery/v1 definitions: EndpointSlice and its parts.
import {
  arrOf,
  bool,
  CORE,
  DISCOVERY,
  enumStr,
  int32,
  kind,
  obj,
  ref,
  requiring,
  str,
  strList,
  strMap,
} from './builders.js';
import type { DefinitionTable } from './types.js';

export const discoveryV1Definitions: DefinitionTable = {
  [`${DISCOVERY}EndpointSlice`]: requiring(
    kind(
      { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
      'A slice of the endpoints behind a service (at most 100 by default), all of one address type.',
      {
        addressType: enumStr(
          ['FQDN', 'IPv4', 'IPv6'],
          'Type of every address in this slice: IPv4, IPv6 or FQDN. Immutable.',
        ),
        endpoints: arrOf(`${DISCOVERY}Endpoint`, 'The endpoints of this slice.', {
          listType: 'atomic',
          nullable: true,
        }),
        ports: arrOf(
          `${DISCOVERY}EndpointPort`,
          'Ports every endpoint serves; empty means all ports.',
          { listType: 'atomic', nullable: true },
        ),
      },
    ),
    ['addressType', 'endpoints'],
  ),
  [`${DISCOVERY}Endpoint`]: obj(
    'One backend: its addresses, readiness and location.',
    {
      addresses: strList('Addresses of this endpoint (one, by convention).', { listType: 'set' }),
      conditions: ref(`${DISCOVERY}EndpointConditions`, 'Readiness state of the endpoint.'),
      hostname: str('Hostname for DNS records of this endpoint.'),
      targetRef: ref(`${CORE}ObjectReference`, 'The object behind the endpoint, usually a pod.'),
      deprecatedTopology: strMap('Topology labels (deprecated; use nodeName and zone).'),
      nodeName: str('Node hosting the endpoint.'),
      zone: str('Zone the endpoint is in.'),
      hints: ref(`${DISCOVERY}EndpointHints`, 'Routing hints for topology-aware routing.'),
    },
    { required: ['addresses'] },
  ),
  [`${DISCOVERY}EndpointConditions`]: obj('Readiness state of an endpoint.', {
    ready: bool('The endpoint should receive traffic; unset means ready. False while terminating.'),
    serving: bool('The endpoint is ready, ignoring whether it is terminating.'),
    terminating: bool('The endpoint is shutting down.'),
  }),
  [`${DISCOVERY}EndpointHints`]: obj('Where an endpoint should be used.', {
    forZones: arrOf(`${DISCOVERY}ForZone`, 'Zones that should use this endpoint.', {
      listType: 'atomic',
    }),
    forNodes: arrOf(`${DISCOVERY}ForNode`, 'Nodes that should use this endpoint.', {
      listType: 'atomic',
    }),
  }),
  [`${DISCOVERY}ForZone`]: obj(
    'A zone that should use an endpoint.',
    { name: str('Zone name.') },
    { required: ['name'] },
  ),
  [`${DISCOVERY}ForNode`]: obj(
    'A node that should use an endpoint.',
    { name: str('Node name.') },
    { required: ['name'] },
  ),
  [`${DISCOVERY}EndpointPort`]: obj(
    'One port of an EndpointSlice.',
    {
      name: str('Matches the name of a service port; empty for an unnamed port.'),
      protocol: enumStr(['SCTP', 'TCP', 'UDP'], 'Port protocol: TCP (default), UDP or SCTP.'),
      port: int32('Port number; unset means all ports.'),
      appProtocol: str('Application protocol hint.'),
    },
    { mapType: 'atomic' },
  ),
};
