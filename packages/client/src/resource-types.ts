// ResourceName → wire type: what makes `client.resource('services')` a TypedClient<Service>.
import type {
  Deployment,
  EndpointSlice,
  Endpoints,
  Event,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  ResourceName,
  Service,
  StatefulSet,
} from '@svclab/api';

export interface ResourceTypes {
  namespaces: Namespace;
  nodes: Node;
  pods: Pod;
  services: Service;
  endpoints: Endpoints;
  events: Event;
  endpointslices: EndpointSlice;
  leases: Lease;
  deployments: Deployment;
  replicasets: ReplicaSet;
  statefulsets: StatefulSet;
}

// Compile-time check: every registered resource has a type, and nothing else.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const resourceTypesCoverRegister: Exact<keyof ResourceTypes, ResourceName> = true;
