// Micro-benchmark of the OpenAPI documents and PATCH paths:
// `node --conditions=@svclab/source --import tsx apps/apiserver/src/patch/patch.bench.ts`.
// Prints a Markdown section (as scripts/bench.mjs expects): cold build of every OpenAPI document,
// their sizes, and the median cost of unknownFields and of each patch type on realistic objects.
import { performance } from 'node:perf_hooks';
import { GroupVersionPaths, serializedOpenAPI, unknownFields } from '../openapi/index.js';
import { applyJsonMergePatch, applyJsonPatch, applyStrategicMergePatch } from './index.js';

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

const t0 = performance.now();
const v2 = serializedOpenAPI('/openapi/v2');
const coldMs = performance.now() - t0;

const containers = Array.from({ length: 10 }, (_, c) => ({
  name: `c${String(c)}`,
  image: 'echo',
  ports: [{ containerPort: 8000 + c, name: `p${String(c)}` }],
  env: Array.from({ length: 10 }, (__, e) => ({ name: `E${String(e)}`, value: String(e) })),
  readinessProbe: { httpGet: { path: '/', port: 8000 + c }, periodSeconds: 5 },
}));
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    labels: { app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' }],
  },
  spec: { containers, nodeName: 'node-1' },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    podIPs: [{ ip: '127.244.1.2' }],
  },
};
const smp = {
  metadata: { labels: { tier: 'fe' } },
  spec: {
    '$setElementOrder/containers': containers.map((c) => ({ name: c.name })),
    containers: [
      {
        name: 'c3',
        image: 'echo:2',
        env: [
          { name: 'E1', value: 'x' },
          { name: 'NEW', value: 'y' },
        ],
      },
    ],
  },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    ports: Array.from({ length: 10 }, (_, i) => ({
      name: `p${String(i)}`,
      port: 80 + i,
      targetPort: 8080 + i,
      protocol: 'TCP',
    })),
    selector: { app: 'web' },
  },
};

const rows: [string, string][] = [
  ['cold build + serialize of all documents', `${coldMs.toFixed(1)} ms`],
  ['/openapi/v2 size', `${((v2?.body.length ?? 0) / 1024).toFixed(0)} KiB`],
  ...GroupVersionPaths.map((gv): [string, string] => [
    `/openapi/v3/${gv} size`,
    `${((serializedOpenAPI(`/openapi/v3/${gv}`)?.body.length ?? 0) / 1024).toFixed(0)} KiB`,
  ]),
  [
    'serve a cached document (lookup)',
    `${(median(() => serializedOpenAPI('/openapi/v3/api/v1'), 10_000) * 1000).toFixed(2)} µs`,
  ],
  [
    'unknownFields, Pod with 10 containers × 10 env',
    `${(median(() => unknownFields('v1', 'Pod', pod), 2_000) * 1000).toFixed(1)} µs`,
  ],
  [
    'strategic merge patch, same Pod, kubectl-style patch',
    `${(median(() => applyStrategicMergePatch(pod, smp, 'v1', 'Pod'), 2_000) * 1000).toFixed(1)} µs`,
  ],
  [
    'strategic merge patch, Service with 10 ports, one port changed',
    `${(median(() => applyStrategicMergePatch(service, { spec: { ports: [{ port: 85, targetPort: 9000 }] } }, 'v1', 'Service'), 2_000) * 1000).toFixed(1)} µs`,
  ],
  [
    'JSON merge patch, same Pod',
    `${(median(() => applyJsonMergePatch(pod, { metadata: { labels: { tier: 'fe' } } }), 2_000) * 1000).toFixed(1)} µs`,
  ],
  [
    'JSON patch (test + replace), same Pod',
    `${(
      median(
        () =>
          applyJsonPatch(pod, [
            { op: 'test', path: '/metadata/name', value: 'p' },
            { op: 'replace', path: '/spec/nodeName', value: 'node-2' },
          ]),
        2_000,
      ) * 1000
    ).toFixed(1)} µs`,
  ],
];

process.stdout.write(
  `### OpenAPI documents and PATCH (apps/apiserver)\n\n| what | median |\n|---|---|\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}\n`,
);
