// discovery/v1 wire types (k8s.io/api/discovery/v1).
import type { ObjectReference, Protocol } from './core-v1.js';
import type { ObjectMeta } from './meta-v1.js';

export const AddressType = { IPv4: 'IPv4', IPv6: 'IPv6', FQDN: 'FQDN' } as const;
export type AddressType = (typeof AddressType)[keyof typeof AddressType];

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface ForZone {
  name: string;
}

export interface EndpointHints {
  forZones?: ForZone[];
  forNodes?: { name: string }[];
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  deprecatedTopology?: Record<string, string>;
  nodeName?: string;
  zone?: string;
  hints?: EndpointHints;
}

/** discovery/v1 EndpointPort: every field optional (nil port = all ports). */
export interface EndpointSlicePort {
  name?: string;
  protocol?: Protocol;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: AddressType;
  endpoints: Endpoint[] | null;
  ports?: EndpointSlicePort[] | null;
}
