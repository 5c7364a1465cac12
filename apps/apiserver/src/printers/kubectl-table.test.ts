// Real kubectl as the judge: serve printTable() output behind minimal discovery on a loopback port
// and compare `kubectl get` text with the reference's expected rendering (kubectl-printing.md).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources, type KubeObject, type ResourceInfo } from '@svclab/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printTable } from './index.js';

const kubectl = '/usr/bin/kubectl';
const now = new Date();

const services = [
  {
    name: 'test1',
    spec: {
      type: 'ClusterIP',
      ports: [{ protocol: 'tcp', port: 2233 }],
      clusterIPs: ['10.9.8.7'],
      selector: { foo: 'bar' },
    },
  },
  {
    name: 'test2',
    spec: {
      type: 'NodePort',
      ports: [{ protocol: 'tcp', port: 8888, nodePort: 9999 }],
      clusterIPs: ['10.9.8.7'],
    },
  },
  {
    name: 'test3',
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'tcp', port: 8888 }],
      clusterIPs: ['10.9.8.7'],
    },
  },
  {
    name: 'test4',
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'tcp', port: 8888 }],
      clusterIPs: ['10.9.8.7'],
      externalIPs: ['80.11.12.10'],
    },
  },
  {
    name: 'test5',
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'tcp', port: 8888 }],
      clusterIPs: ['10.9.8.7'],
      externalIPs: ['80.11.12.10'],
    },
    status: { loadBalancer: { ingress: [{ ip: '3.4.5.6', hostname: 'test.cluster.com' }] } },
  },
  {
    name: 'test6',
    spec: {
      type: 'LoadBalancer',
      ports: [{ protocol: 'tcp', port: 8888 }],
      clusterIPs: ['10.9.8.7'],
      externalIPs: ['80.11.12.10', '80.11.12.11'],
    },
    status: {
      loadBalancer: {
        ingress: [
          { ip: '2.3.4.5', hostname: 'test.cluster.local' },
          { ip: '3.4.5.6', hostname: 'test.cluster.com' },
        ],
      },
    },
  },
  { name: 'test7', spec: { type: 'ExternalName', externalName: 'my.database.example.com' } },
].map((s) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: s.name, namespace: 'default' },
  spec: s.spec,
  status: s.status ?? {},
}));

const nodes = [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'foo3' },
    status: {
      addresses: [
        { type: 'ExternalIP', address: '2.2.2.2' },
        { type: 'InternalIP', address: '3.3.3.3' },
        { type: 'ExternalIP', address: '4.4.4.4' },
      ],
    },
  },
];

const fiveMinutesAgo = new Date(now.getTime() - 5 * 60_000).toISOString();
const ep = (name: string, subsets: unknown[]): unknown => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, namespace: 'default', creationTimestamp: fiveMinutesAgo },
  subsets,
});
const endpoints = [
  ep('kubernetes', [
    { addresses: [{ ip: '192.168.0.2' }], ports: [{ name: 'https', port: 6443 }] },
  ]),
  ep('web', [
    {
      addresses: ['10.244.1.5', '10.244.2.7', '10.244.3.9', '10.244.4.2', '10.244.5.1'].map(
        (ip) => ({ ip }),
      ),
      ports: [{ port: 8080 }],
    },
  ]),
  ep('empty', []),
];

const sliceEndpoints = [
  { addresses: ['10.1.2.3', '2001:db8::1234:5678'] },
  { addresses: ['10.2.3.4', '2001:db8::2345:6789'] },
];
const slice = (name: string, created: string, ports: unknown[], eps: unknown[]): unknown => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'default', creationTimestamp: created },
  addressType: 'IP',
  ports,
  endpoints: eps,
});
const slices = [
  slice(
    'abcslice.123',
    new Date(now.getTime() + 1900).toISOString(),
    [{ name: 'http', port: 80, protocol: 'TCP' }],
    [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }],
  ),
  slice(
    'longerslicename.123',
    fiveMinutesAgo,
    [
      { name: 'http', port: 80 },
      { name: 'https', port: 443 },
    ],
    sliceEndpoints,
  ),
  slice(
    'multiportslice.123',
    fiveMinutesAgo,
    [
      { name: 'http', port: 80 },
      { name: 'https', port: 443 },
      { name: 'extra1', port: 3000 },
      { name: 'extra2', port: 3001 },
    ],
    sliceEndpoints,
  ),
];

const podStatuses = [
  { name: 'a', ready: true, restartCount: 3, state: { running: {} } },
  { name: 'b', ready: false, restartCount: 3 },
];
const pods = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test1', namespace: 'default' },
    spec: {
      containers: [{ name: 'a' }, { name: 'b' }],
      nodeName: 'test1',
      readinessGates: [
        { conditionType: 'condition1' },
        { conditionType: 'condition2' },
        { conditionType: 'condition3' },
      ],
    },
    status: {
      phase: 'podPhase',
      containerStatuses: podStatuses,
      podIPs: [{ ip: '1.1.1.1' }],
      nominatedNodeName: 'node1',
      conditions: [
        { type: 'condition1', status: 'False' },
        { type: 'condition2', status: 'True' },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test2', namespace: 'default' },
    spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'podPhase',
      containerStatuses: [
        podStatuses[0],
        { ...podStatuses[1], state: { waiting: { reason: 'ContainerWaitingReason' } } },
      ],
    },
  },
];

function table(info: ResourceInfo, objs: unknown[]): unknown {
  const t = printTable(info, objs as KubeObject[], { includeObject: 'Metadata', now });
  t.metadata.resourceVersion = '1';
  return t;
}

let server: http.Server;
let base = '';
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svclab-kubectl-'));
  writeFileSync(join(dir, 'config'), '');
  server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (path) {
      case '/api':
        send(200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
        });
        return;
      case '/apis':
        send(200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            {
              name: 'discovery.k8s.io',
              versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' },
            },
          ],
        });
        return;
      case '/apis/discovery.k8s.io/v1':
        send(200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'discovery.k8s.io/v1',
          resources: [
            {
              name: 'endpointslices',
              singularName: 'endpointslice',
              namespaced: true,
              kind: 'EndpointSlice',
              verbs: ['get', 'list'],
            },
          ],
        });
        return;
      case '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices':
        send(200, table(Resources.endpointslices, slices));
        return;
      case '/api/v1/namespaces/default/endpoints':
        send(200, table(Resources.endpoints, endpoints));
        return;
      case '/api/v1/namespaces/default/pods':
        send(200, table(Resources.pods, pods));
        return;
      case '/api/v1':
        send(200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'services',
              singularName: 'service',
              namespaced: true,
              kind: 'Service',
              verbs: ['get', 'list'],
              shortNames: ['svc'],
            },
            {
              name: 'nodes',
              singularName: 'node',
              namespaced: false,
              kind: 'Node',
              verbs: ['get', 'list'],
              shortNames: ['no'],
            },
            {
              name: 'endpoints',
              singularName: 'endpoints',
              namespaced: true,
              kind: 'Endpoints',
              verbs: ['get', 'list'],
              shortNames: ['ep'],
            },
            {
              name: 'pods',
              singularName: 'pod',
              namespaced: true,
              kind: 'Pod',
              verbs: ['get', 'list'],
              shortNames: ['po'],
            },
          ],
        });
        return;
      case '/api/v1/namespaces/default/services':
        send(200, table(Resources.services, services));
        return;
      case '/api/v1/nodes':
        send(200, table(Resources.nodes, nodes));
        return;
      default:
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'not found',
        });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      kubectl,
      ['--server', base, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { ...process.env, KUBECONFIG: join(dir, 'config') }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

describe.skipIf(!existsSync(kubectl))('kubectl renders the server-side Table', () => {
  it.each([
    {
      name: 'get services',
      args: ['get', 'services', '-n', 'default'],
      want: [
        'NAME    TYPE           CLUSTER-IP   EXTERNAL-IP                               PORT(S)         AGE',
        'test1   ClusterIP      10.9.8.7     <none>                                    2233/tcp        <unknown>',
        'test2   NodePort       10.9.8.7     <none>                                    8888:9999/tcp   <unknown>',
        'test3   LoadBalancer   10.9.8.7     <pending>                                 8888/tcp        <unknown>',
        'test4   LoadBalancer   10.9.8.7     80.11.12.10                               8888/tcp        <unknown>',
        'test5   LoadBalancer   10.9.8.7     3.4.5.6,80.11.12.10                       8888/tcp        <unknown>',
        'test6   LoadBalancer   10.9.8.7     2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11   8888/tcp        <unknown>',
        'test7   ExternalName   <none>       my.database.example.com                   <none>          <unknown>',
      ],
    },
    {
      name: 'get nodes -o wide',
      args: ['get', 'nodes', '-o', 'wide'],
      want: [
        'NAME   STATUS    ROLES    AGE         VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE    KERNEL-VERSION   CONTAINER-RUNTIME',
        'foo3   Unknown   <none>   <unknown>             3.3.3.3       2.2.2.2       <unknown>   <unknown>        <unknown>',
      ],
    },
    {
      name: 'get endpoints',
      args: ['get', 'endpoints', '-n', 'default'],
      want: [
        'NAME         ENDPOINTS                                                     AGE',
        'kubernetes   192.168.0.2:6443                                              5m',
        'web          10.244.1.5:8080,10.244.2.7:8080,10.244.3.9:8080 + 2 more...   5m',
        'empty        <none>                                                        5m',
      ],
    },
    {
      name: 'get endpointslices',
      args: ['get', 'endpointslices', '-n', 'default'],
      want: [
        'NAME                  ADDRESSTYPE   PORTS                     ENDPOINTS                                           AGE',
        'abcslice.123          IP            80                        10.1.2.3,2001:db8::1234:5678                        0s',
        'longerslicename.123   IP            80,443                    10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m',
        'multiportslice.123    IP            80,443,3000 + 1 more...   10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m',
      ],
    },
    {
      name: 'get pods -o wide',
      args: ['get', 'pods', '-n', 'default', '-o', 'wide'],
      want: [
        'NAME    READY   STATUS                   RESTARTS   AGE         IP        NODE     NOMINATED NODE   READINESS GATES',
        'test1   1/2     podPhase                 6          <unknown>   1.1.1.1   test1    node1            1/3',
        'test2   1/2     ContainerWaitingReason   6          <unknown>   <none>    <none>   <none>           <none>',
      ],
    },
  ])('$name', async ({ args, want }) => {
    expect(await run(...args)).toBe(`${want.join('\n')}\n`);
  });

  it('get services -o wide adds SELECTOR', async () => {
    const out = (await run('get', 'services', '-n', 'default', '-o', 'wide')).split('\n');
    expect(out[0]).toMatch(/^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR$/);
    expect(out[1]).toMatch(
      /^test1 +ClusterIP +10\.9\.8\.7 +<none> +2233\/tcp +<unknown> +foo=bar$/,
    );
  });
});
