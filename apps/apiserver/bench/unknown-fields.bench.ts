// CPU cost of the fieldValidation unknown-field check (unknownFields) on the bodies the apiserver
// writes most: a 100-endpoint EndpointSlice, an Endpoints with 100 addresses, a Service and a Pod.
// Run: node --conditions=@svclab/source --import tsx apps/apiserver/bench/unknown-fields.bench.ts
// Prints a Markdown table: µs of CPU time (user + system, process.cpuUsage) per check, the median
// of Rounds rounds of Iterations checks each. Bodies go through JSON.parse as request bodies do.
import { unknownFields } from '../src/openapi/index.js';

/** Rounds per object; the median is reported (the machine is shared and noisy). */
const Rounds = 15;
/** Checks per round: enough CPU time per round (≥ ~20 ms) for process.cpuUsage's resolution. */
const Iterations = 2_000;

const ip = (i: number): string => `10.1.${String(i >> 8)}.${String(i & 255)}`;
const podRef = (i: number): Record<string, unknown> => ({
  kind: 'Pod',
  namespace: 'default',
  name: `web-${String(i)}`,
  uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
});
const objectMeta = (name: string): Record<string, unknown> => ({
  name,
  namespace: 'default',
  uid: '3f1c2a9e-0000-4000-8000-000000000001',
  resourceVersion: '123456',
  generation: 3,
  creationTimestamp: '2024-01-01T00:00:00Z',
  labels: { app: 'web', 'kubernetes.io/service-name': 'web' },
  annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z' },
  ownerReferences: [
    {
      apiVersion: 'v1',
      kind: 'Service',
      name: 'web',
      uid: 'u-1',
      controller: true,
      blockOwnerDeletion: true,
    },
  ],
});

const endpointSlice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: objectMeta('web-abc12'),
  addressType: 'IPv4',
  endpoints: Array.from({ length: 100 }, (_, i) => ({
    addresses: [ip(i)],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName: `node-${String(i % 10)}`,
    zone: 'zone-a',
    targetRef: podRef(i),
  })),
  ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
};

const endpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: objectMeta('web'),
  subsets: [
    {
      addresses: Array.from({ length: 100 }, (_, i) => ({
        ip: ip(i),
        nodeName: `node-${String(i % 10)}`,
        targetRef: podRef(i),
      })),
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    },
  ],
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: objectMeta('web'),
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
      { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
    ],
    selector: { app: 'web' },
    sessionAffinity: 'None',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  },
  status: { loadBalancer: {} },
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: objectMeta('web-0'),
  spec: {
    nodeName: 'node-1',
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'web',
        image: 'echo:1',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'fast' },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
      },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.1.0.7',
    podIPs: [{ ip: '10.1.0.7' }],
    hostIP: '192.168.0.1',
    startTime: '2024-01-01T00:00:00Z',
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' },
    ],
    containerStatuses: [
      {
        name: 'web',
        ready: true,
        restartCount: 0,
        image: 'echo:1',
        imageID: 'sha256:00',
        started: true,
        state: { running: { startedAt: '2024-01-01T00:00:00Z' } },
      },
    ],
  },
};

const cases: [string, string, string, unknown][] = [
  ['EndpointSlice, 100 endpoints', 'discovery.k8s.io/v1', 'EndpointSlice', endpointSlice],
  ['Endpoints, 100 addresses', 'v1', 'Endpoints', endpoints],
  ['Service, 2 ports', 'v1', 'Service', service],
  ['Pod, 1 container, with status', 'v1', 'Pod', pod],
  [
    'Service, 3 unknown fields (Warn/Strict path)',
    'v1',
    'Service',
    { ...service, spec: { ...service.spec, foo: 1, ports: [{ port: 80, bar: 1 }] }, baz: 1 },
  ],
];

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

console.log('| body | bytes | unknown fields | µs per check (median CPU) |');
console.log('|---|---:|---:|---:|');
for (const [what, apiVersion, kind, obj] of cases) {
  const text = JSON.stringify(obj);
  const body: unknown = JSON.parse(text);
  const found = unknownFields(apiVersion, kind, body).length;
  const samples: number[] = [];
  for (let r = 0; r < Rounds; r++) {
    const t = cpuMicros();
    for (let i = 0; i < Iterations; i++) unknownFields(apiVersion, kind, body);
    samples.push((cpuMicros() - t) / Iterations);
  }
  samples.sort((a, b) => a - b);
  const med = samples[Math.floor(samples.length / 2)] ?? 0;
  console.log(`| ${what} | ${String(text.length)} | ${String(found)} | ${med.toFixed(2)} |`);
}
