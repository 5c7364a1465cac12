// Builders for Services and EndpointSlices in tests and benchmarks (the `./testing` export),
// shaped like upstream's makeTestService / makeTestEndpointSlice.
import type {
  Endpoint,
  EndpointSlice,
  EndpointSlicePort,
  Service,
  ServiceSpec,
  ServiceStatus,
} from '@svclab/api';
import { wellKnown } from '@svclab/api';

export interface ServiceOverrides {
  readonly spec?: ServiceSpec;
  readonly status?: ServiceStatus;
  readonly labels?: Record<string, string>;
}

/** A Service with `spec.clusterIP` etc. from `o`; type defaults to ClusterIP. */
export function makeService(namespace: string, name: string, o: ServiceOverrides = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, ...(o.labels === undefined ? {} : { labels: o.labels }) },
    spec: { type: 'ClusterIP', ...o.spec },
    ...(o.status === undefined ? {} : { status: o.status }),
  };
}

export interface SliceOverrides {
  /** Suffix of the slice name `<service>-<n>`, default 1. */
  readonly n?: number;
  readonly endpoints: Endpoint[];
  readonly ports: EndpointSlicePort[];
  readonly addressType?: EndpointSlice['addressType'];
  readonly labels?: Record<string, string>;
}

/** An EndpointSlice `<svc>-<n>` labelled with its Service name, like upstream's makeTestEndpointSlice. */
export function makeEndpointSlice(
  namespace: string,
  service: string,
  o: SliceOverrides,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: `${service}-${o.n ?? 1}`,
      labels: { [wellKnown.LabelServiceName]: service, ...o.labels },
    },
    addressType: o.addressType ?? 'IPv4',
    endpoints: o.endpoints,
    ports: o.ports,
  };
}

/** A single `p80`/TCP/80 slice port, the fixtures' usual shape. */
export const tcp80: EndpointSlicePort[] = [{ name: 'p80', port: 80, protocol: 'TCP' }];

/** The node name upstream's fake proxier uses. */
export const testNodeName = 'test-node';

/**
 * The services and slices of upstream TestOverallIPTablesRules (pkg/proxy/iptables/proxier_test.go).
 * Render with node `{name: testNodeName, ip: '192.168.0.2'}` and `{clusterCIDR: '10.0.0.0/8'}`.
 */
export function overallIptablesFixture(): { services: Service[]; endpointSlices: EndpointSlice[] } {
  const p80 = { name: 'p80', port: 80, protocol: 'TCP' } as const;
  const services = [
    makeService('ns1', 'svc1', { spec: { clusterIP: '172.30.0.41', ports: [p80] } }),
    makeService('ns2', 'svc2', {
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '172.30.0.42',
        ports: [{ ...p80, nodePort: 3001 }],
        externalIPs: ['192.168.99.22'],
        healthCheckNodePort: 30000,
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    }),
    makeService('ns3', 'svc3', {
      spec: { type: 'NodePort', clusterIP: '172.30.0.43', ports: [{ ...p80, nodePort: 3003 }] },
    }),
    makeService('ns4', 'svc4', {
      spec: {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
        ports: [{ ...p80, targetPort: 80 }],
      },
    }),
    makeService('ns5', 'svc5', {
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Cluster',
        clusterIP: '172.30.0.45',
        ports: [{ ...p80, nodePort: 3002 }],
        healthCheckNodePort: 30000,
        loadBalancerSourceRanges: [' 203.0.113.0/25'],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      },
      status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } },
    }),
    makeService('ns6', 'svc6', {
      spec: { type: 'ClusterIP', clusterIP: '172.30.0.46', ports: [{ ...p80, targetPort: 80 }] },
    }),
  ];
  const endpointSlices = [
    makeEndpointSlice('ns1', 'svc1', { endpoints: [{ addresses: ['10.180.0.1'] }], ports: tcp80 }),
    makeEndpointSlice('ns2', 'svc2', { endpoints: [{ addresses: ['10.180.0.2'] }], ports: tcp80 }),
    makeEndpointSlice('ns3', 'svc3', { endpoints: [{ addresses: ['10.180.0.3'] }], ports: tcp80 }),
    makeEndpointSlice('ns4', 'svc4', {
      endpoints: [
        { addresses: ['10.180.0.4'] },
        { addresses: ['10.180.0.5'], nodeName: testNodeName },
      ],
      ports: tcp80,
    }),
    makeEndpointSlice('ns5', 'svc5', { endpoints: [{ addresses: ['10.180.0.3'] }], ports: tcp80 }),
  ];
  return { services, endpointSlices };
}
