// Micro-benchmark of defaulting + validation and of Table printing:
// `node --conditions=@svclab/source --import tsx apps/apiserver/src/apis/validation.bench.ts`.
// Prints a Markdown section (as scripts/bench.mjs expects) with the median cost per object.
import { performance } from 'node:perf_hooks';
import { Resources, type KubeObject, type ResourceName } from '@svclab/api';
import { printTable } from '../printers/index.js';
import { setDefaults, validateCreate, validateUpdate } from './index.js';

function median(fn: () => unknown, iterations: number): number {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'production',
    labels: { app: 'web', tier: 'frontend' },
    annotations: { 'example.com/owner': 'team-a' },
  },
  spec: {
    type: 'NodePort',
    selector: { app: 'web' },
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'http', port: 80, targetPort: 'http', nodePort: 31080 },
      { name: 'https', port: 443, targetPort: 8443, nodePort: 31443 },
    ],
  },
};

const slice = (n: number): unknown => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'web-abcde',
    namespace: 'production',
    labels: { 'kubernetes.io/service-name': 'web' },
  },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: Array.from({ length: n }, (_, i) => ({
    addresses: [`127.244.${String(Math.floor(i / 250) + 1)}.${String((i % 250) + 1)}`],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName: 'node-1',
    targetRef: {
      kind: 'Pod',
      namespace: 'production',
      name: `web-${String(i)}`,
      uid: `u${String(i)}`,
    },
  })),
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'production', labels: { app: 'web' } },
  spec: {
    containers: [
      {
        name: 'echo',
        image: 'svclab/echo:1',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { port: 'http' } },
      },
      { name: 'side', image: 'busybox:1', ports: [{ containerPort: 9090 }] },
    ],
    nodeName: 'node-1',
  },
};

/** Median of setDefaults + validateCreate on fresh copies (the copies are made outside the timing). */
function createCost(resource: ResourceName, obj: unknown, iterations = 2000): number {
  const copies = Array.from({ length: iterations }, () => structuredClone(obj) as KubeObject);
  let i = 0;
  return median(() => {
    const o = copies[i++] as KubeObject;
    setDefaults(resource, o);
    return validateCreate(resource, o);
  }, iterations);
}

const defaultedService = structuredClone(service) as unknown as KubeObject;
setDefaults('services', defaultedService);

const services = Array.from({ length: 1000 }, (_, i) => {
  const s = structuredClone(defaultedService) as KubeObject & { spec: { clusterIPs: string[] } };
  s.metadata.name = `web-${String(i)}`;
  s.metadata.creationTimestamp = new Date(Date.now() - i * 60_000).toISOString();
  s.spec.clusterIPs = [`10.96.${String(Math.floor(i / 250))}.${String((i % 250) + 1)}`];
  return s;
});
const now = new Date();

const rows: [string, number][] = [
  ['Service create (defaults + ValidateService), 2 ports', createCost('services', service)],
  [
    'Service update (prepare + ValidateServiceUpdate)',
    median(
      () => validateUpdate('services', structuredClone(defaultedService), defaultedService),
      2000,
    ),
  ],
  ['Pod create, 2 containers', createCost('pods', pod)],
  ['EndpointSlice create, 100 endpoints', createCost('endpointslices', slice(100), 1000)],
  ['EndpointSlice create, 1000 endpoints', createCost('endpointslices', slice(1000), 300)],
  [
    'printTable, 1000 Services',
    median(() => printTable(Resources.services, services, { includeObject: 'Metadata', now }), 50),
  ],
];

process.stdout.write(
  '### Validation and Table printing (apps/apiserver/src/apis/validation.bench.ts)\n\n| operation | median |\n|---|---|\n',
);
for (const [name, ms] of rows)
  process.stdout.write(
    `| ${name} | ${ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`} |\n`,
  );
