import { Resources, type KubeObject } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { printTable } from './index.js';

const now = new Date('2026-01-01T00:00:00Z');
const created = (msAgo: number): string => new Date(now.getTime() - msAgo).toISOString();

function cells(resource: keyof typeof Resources, obj: unknown, wide = true): unknown[] {
  return (
    printTable(Resources[resource], [obj as KubeObject], { includeObject: 'None', now, wide })
      .rows[0]?.cells ?? []
  );
}

function svc(
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
): unknown {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec, status };
}

describe('column definitions', () => {
  it.each([
    {
      name: 'services',
      r: 'services' as const,
      cols: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
      wide: ['Selector'],
    },
    { name: 'endpoints', r: 'endpoints' as const, cols: ['Name', 'Endpoints', 'Age'], wide: [] },
    {
      name: 'endpointslices',
      r: 'endpointslices' as const,
      cols: ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'],
      wide: [],
    },
    {
      name: 'pods',
      r: 'pods' as const,
      cols: [
        'Name',
        'Ready',
        'Status',
        'Restarts',
        'Age',
        'IP',
        'Node',
        'Nominated Node',
        'Readiness Gates',
      ],
      wide: ['IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    },
    {
      name: 'nodes',
      r: 'nodes' as const,
      cols: [
        'Name',
        'Status',
        'Roles',
        'Age',
        'Version',
        'Internal-IP',
        'External-IP',
        'OS-Image',
        'Kernel-Version',
        'Container-Runtime',
      ],
      wide: ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'],
    },
    { name: 'namespaces', r: 'namespaces' as const, cols: ['Name', 'Status', 'Age'], wide: [] },
    { name: 'leases', r: 'leases' as const, cols: ['Name', 'Holder', 'Age'], wide: [] },
    {
      name: 'deployments',
      r: 'deployments' as const,
      cols: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
      wide: ['Containers', 'Images', 'Selector'],
    },
    {
      name: 'replicasets',
      r: 'replicasets' as const,
      cols: ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
      wide: ['Containers', 'Images', 'Selector'],
    },
    {
      name: 'statefulsets',
      r: 'statefulsets' as const,
      cols: ['Name', 'Ready', 'Age', 'Containers', 'Images'],
      wide: ['Containers', 'Images'],
    },
  ])('$name', ({ r, cols, wide }) => {
    const t = printTable(Resources[r], [], { includeObject: 'None', now });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(cols);
    expect(t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(wide);
    expect(t.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name' });
    expect(t).toMatchObject({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'Table',
      metadata: {},
      rows: [],
    });
  });
});

describe('services (TestPrintService and derived rows)', () => {
  it.each([
    {
      name: 'test1 ClusterIP with selector',
      obj: svc('test1', {
        type: 'ClusterIP',
        ports: [{ protocol: 'tcp', port: 2233 }],
        clusterIPs: ['10.9.8.7'],
        selector: { foo: 'bar' },
      }),
      want: ['test1', 'ClusterIP', '10.9.8.7', '<none>', '2233/tcp', '<unknown>', 'foo=bar'],
    },
    {
      name: 'test2 NodePort',
      obj: svc('test2', {
        type: 'NodePort',
        ports: [{ protocol: 'tcp', port: 8888, nodePort: 9999 }],
        clusterIPs: ['10.9.8.7'],
      }),
      want: ['test2', 'NodePort', '10.9.8.7', '<none>', '8888:9999/tcp', '<unknown>', '<none>'],
    },
    {
      name: 'test3 LoadBalancer pending',
      obj: svc('test3', {
        type: 'LoadBalancer',
        ports: [{ protocol: 'tcp', port: 8888 }],
        clusterIPs: ['10.9.8.7'],
      }),
      want: ['test3', 'LoadBalancer', '10.9.8.7', '<pending>', '8888/tcp', '<unknown>', '<none>'],
    },
    {
      name: 'test4 LoadBalancer with externalIPs, no status',
      obj: svc('test4', {
        type: 'LoadBalancer',
        ports: [{ protocol: 'tcp', port: 8888 }],
        clusterIPs: ['10.9.8.7'],
        externalIPs: ['80.11.12.10'],
      }),
      want: ['test4', 'LoadBalancer', '10.9.8.7', '80.11.12.10', '8888/tcp', '<unknown>', '<none>'],
    },
    {
      name: 'test5 ingress ip before externalIPs',
      obj: svc(
        'test5',
        {
          type: 'LoadBalancer',
          ports: [{ protocol: 'tcp', port: 8888 }],
          clusterIPs: ['10.9.8.7'],
          externalIPs: ['80.11.12.10'],
        },
        { loadBalancer: { ingress: [{ ip: '3.4.5.6', hostname: 'test.cluster.com' }] } },
      ),
      want: [
        'test5',
        'LoadBalancer',
        '10.9.8.7',
        '3.4.5.6,80.11.12.10',
        '8888/tcp',
        '<unknown>',
        '<none>',
      ],
    },
    {
      name: 'test6 two ingresses and two externalIPs',
      obj: svc(
        'test6',
        {
          type: 'LoadBalancer',
          ports: [{ protocol: 'tcp', port: 8888 }],
          clusterIPs: ['10.9.8.7'],
          externalIPs: ['80.11.12.10', '80.11.12.11'],
        },
        {
          loadBalancer: {
            ingress: [
              { ip: '2.3.4.5', hostname: 'test.cluster.local' },
              { ip: '3.4.5.6', hostname: 'test.cluster.com' },
            ],
          },
        },
      ),
      want: [
        'test6',
        'LoadBalancer',
        '10.9.8.7',
        '2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11',
        '8888/tcp',
        '<unknown>',
        '<none>',
      ],
    },
    {
      name: 'test7 ExternalName',
      obj: svc('test7', { type: 'ExternalName', externalName: 'my.database.example.com' }),
      want: [
        'test7',
        'ExternalName',
        '<none>',
        'my.database.example.com',
        '<none>',
        '<unknown>',
        '<none>',
      ],
    },
    {
      name: 'headless',
      obj: svc('h', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
      want: ['h', 'ClusterIP', 'None', '<none>', '<none>', '<unknown>', '<none>'],
    },
    {
      name: 'only clusterIPs is consulted',
      obj: svc('c', {
        type: 'ClusterIP',
        clusterIP: '10.0.0.1',
        ports: [{ protocol: 'TCP', port: 80 }],
      }),
      want: ['c', 'ClusterIP', '<none>', '<none>', '80/TCP', '<unknown>', '<none>'],
    },
    {
      name: 'NodePort externalIPs in spec order, mixed ports',
      obj: svc('n', {
        type: 'NodePort',
        clusterIPs: ['10.0.0.2'],
        externalIPs: ['5.6.7.8', '1.2.3.4'],
        ports: [
          { protocol: 'TCP', port: 80, nodePort: 31080 },
          { protocol: 'TCP', port: 443 },
        ],
      }),
      want: [
        'n',
        'NodePort',
        '10.0.0.2',
        '5.6.7.8,1.2.3.4',
        '80:31080/TCP,443/TCP',
        '<unknown>',
        '<none>',
      ],
    },
    {
      name: 'unknown type',
      obj: svc('u', { clusterIPs: ['10.0.0.3'] }),
      want: ['u', '', '10.0.0.3', '<unknown>', '<none>', '<unknown>', '<none>'],
    },
    {
      name: 'selector sorted by key, AGE 5m',
      obj: {
        metadata: { name: 's', creationTimestamp: created(5 * 60_000) },
        spec: {
          type: 'ClusterIP',
          clusterIPs: ['10.0.0.4'],
          selector: { z: '1', a: '2' },
          ports: [{ port: 53, protocol: 'UDP' }],
        },
      },
      want: ['s', 'ClusterIP', '10.0.0.4', '<none>', '53/UDP', '5m', 'a=2,z=1'],
    },
  ])('$name', ({ obj, want }) => {
    expect(cells('services', obj)).toEqual(want);
  });

  it.each([
    {
      name: 'hostname truncated when not wide',
      ingress: [{ hostname: 'a1b2c3d4e5f6.elb.us-east-1.amazonaws.com' }],
      ext: [],
      wide: false,
      want: 'a1b2c3d4e5f6....',
    },
    {
      name: 'hostname in full when wide',
      ingress: [{ hostname: 'a1b2c3d4e5f6.elb.us-east-1.amazonaws.com' }],
      ext: [],
      wide: true,
      want: 'a1b2c3d4e5f6.elb.us-east-1.amazonaws.com',
    },
    {
      name: 'string sort, 16 chars not truncated',
      ingress: [{ ip: '1.1.1.3' }, { ip: '1.1.1.20' }],
      ext: [],
      wide: false,
      want: '1.1.1.20,1.1.1.3',
    },
    {
      name: '18 chars truncated',
      ingress: [{ ip: '10.0.0.20' }, { ip: '10.0.0.3' }],
      ext: [],
      wide: false,
      want: '10.0.0.20,10....',
    },
    {
      name: 'truncated then externalIPs',
      ingress: [{ ip: '10.0.0.20' }, { ip: '10.0.0.3' }],
      ext: ['1.2.3.4'],
      wide: false,
      want: '10.0.0.20,10....,1.2.3.4',
    },
    {
      name: 'wide keeps all',
      ingress: [{ ip: '10.0.0.20' }, { ip: '10.0.0.3' }],
      ext: ['1.2.3.4'],
      wide: true,
      want: '10.0.0.20,10.0.0.3,1.2.3.4',
    },
    {
      name: 'duplicates removed',
      ingress: [{ ip: '1.2.3.4' }, { ip: '1.2.3.4' }],
      ext: [],
      wide: true,
      want: '1.2.3.4',
    },
  ])('LoadBalancer EXTERNAL-IP: $name', ({ ingress, ext, wide, want }) => {
    const obj = svc(
      'lb',
      {
        type: 'LoadBalancer',
        clusterIPs: ['10.0.0.9'],
        externalIPs: ext,
        ports: [{ port: 80, protocol: 'TCP' }],
      },
      { loadBalancer: { ingress } },
    );
    expect(cells('services', obj, wide)[3]).toBe(want);
  });
});

describe('endpoints (formatEndpoints)', () => {
  const ep = (subsets: unknown): unknown => ({
    metadata: { name: 'web', creationTimestamp: created(5 * 60_000) },
    subsets,
  });
  it.each([
    { name: 'none', subsets: undefined, want: '<none>' },
    {
      name: 'two addresses',
      subsets: [
        {
          addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }],
          ports: [{ name: 'http', port: 8080 }],
        },
      ],
      want: '10.244.1.5:8080,10.244.2.7:8080',
    },
    {
      name: 'five addresses',
      subsets: [
        {
          addresses: ['10.244.1.5', '10.244.2.7', '10.244.3.9', '10.244.4.2', '10.244.5.1'].map(
            (ip) => ({ ip }),
          ),
          ports: [{ port: 8080 }],
        },
      ],
      want: '10.244.1.5:8080,10.244.2.7:8080,10.244.3.9:8080 + 2 more...',
    },
    {
      name: 'grouped by port',
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443 },
          ],
        },
      ],
      want: '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    },
    {
      name: 'portless',
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }],
      want: '10.0.0.1,10.0.0.2',
    },
    {
      name: 'ipv6 bracketed',
      subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }],
      want: '[fd00::1]:80',
    },
    {
      name: 'only not-ready',
      subsets: [{ notReadyAddresses: [{ ip: '10.0.0.9' }], ports: [{ port: 80 }] }],
      want: '',
    },
    {
      name: 'across subsets',
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] },
        {
          addresses: [{ ip: '10.0.1.1' }, { ip: '10.0.1.2' }, { ip: '10.0.1.3' }],
          ports: [{ port: 81 }],
        },
      ],
      want: '10.0.0.1:80,10.0.1.1:81,10.0.1.2:81 + 1 more...',
    },
    {
      name: 'exactly three',
      subsets: [
        {
          addresses: [{ ip: '1.1.1.1' }, { ip: '1.1.1.2' }, { ip: '1.1.1.3' }],
          ports: [{ port: 80 }],
        },
      ],
      want: '1.1.1.1:80,1.1.1.2:80,1.1.1.3:80',
    },
  ])('$name', ({ subsets, want }) => {
    expect(cells('endpoints', ep(subsets))).toEqual(['web', want, '5m']);
  });
});

describe('endpointslices (TestPrintEndpointSlice)', () => {
  const endpoints = [
    { addresses: ['10.1.2.3', '2001:db8::1234:5678'] },
    { addresses: ['10.2.3.4', '2001:db8::2345:6789'] },
  ];
  it.each([
    {
      name: 'abcslice.123',
      obj: {
        metadata: { name: 'abcslice.123', creationTimestamp: created(-1900) },
        addressType: 'IP',
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }],
      },
      want: ['abcslice.123', 'IP', '80', '10.1.2.3,2001:db8::1234:5678', '0s'],
    },
    {
      name: 'longerslicename.123',
      obj: {
        metadata: { name: 'longerslicename.123', creationTimestamp: created(5 * 60_000) },
        addressType: 'IP',
        ports: [
          { name: 'http', port: 80 },
          { name: 'https', port: 443 },
        ],
        endpoints,
      },
      want: [
        'longerslicename.123',
        'IP',
        '80,443',
        '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...',
        '5m',
      ],
    },
    {
      name: 'multiportslice.123',
      obj: {
        metadata: { name: 'multiportslice.123', creationTimestamp: created(5 * 60_000) },
        addressType: 'IP',
        ports: [
          { name: 'http', port: 80 },
          { name: 'https', port: 443 },
          { name: 'extra1', port: 3000 },
          { name: 'extra2', port: 3001 },
        ],
        endpoints,
      },
      want: [
        'multiportslice.123',
        'IP',
        '80,443,3000 + 1 more...',
        '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...',
        '5m',
      ],
    },
    {
      name: 'name when no port',
      obj: {
        metadata: { name: 'a' },
        addressType: 'IPv4',
        ports: [{ name: 'dns' }],
        endpoints: [],
      },
      want: ['a', 'IPv4', 'dns', '<unset>', '<unknown>'],
    },
    {
      name: 'star when empty port',
      obj: { metadata: { name: 'a' }, addressType: 'IPv4', ports: [{}], endpoints: null },
      want: ['a', 'IPv4', '*', '<unset>', '<unknown>'],
    },
    {
      name: 'unset ports',
      obj: {
        metadata: { name: 'a' },
        addressType: 'FQDN',
        ports: [],
        endpoints: [{ addresses: ['x.example.com'], conditions: { ready: false } }],
      },
      want: ['a', 'FQDN', '<unset>', 'x.example.com', '<unknown>'],
    },
  ])('$name', ({ obj, want }) => {
    expect(cells('endpointslices', obj)).toEqual(want);
  });
});

describe('pods (printPod)', () => {
  const statuses = [
    { name: 'a', ready: true, restartCount: 3, state: { running: {} } },
    { name: 'b', ready: false, restartCount: 3 },
  ];
  const pod = (extra: {
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
    metadata?: Record<string, unknown>;
  }): unknown => ({
    metadata: { name: 'test1', ...extra.metadata },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], ...extra.spec },
    status: { phase: 'podPhase', containerStatuses: statuses, ...extra.status },
  });
  it.each([
    {
      name: 'TestPrintPodwide test1',
      obj: pod({
        spec: {
          nodeName: 'test1',
          readinessGates: [
            { conditionType: 'condition1' },
            { conditionType: 'condition2' },
            { conditionType: 'condition3' },
          ],
        },
        status: {
          podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }],
          nominatedNodeName: 'node1',
          conditions: [
            { type: 'condition1', status: 'False' },
            { type: 'condition2', status: 'True' },
          ],
        },
      }),
      want: ['test1', '1/2', 'podPhase', '6', '<unknown>', '1.1.1.1', 'test1', 'node1', '1/3'],
    },
    {
      name: 'TestPrintPodwide test2 waiting reason',
      obj: pod({
        metadata: { name: 'test2' },
        status: {
          containerStatuses: [
            statuses[0],
            { ...statuses[1], state: { waiting: { reason: 'ContainerWaitingReason' } } },
          ],
        },
      }),
      want: [
        'test2',
        '1/2',
        'ContainerWaitingReason',
        '6',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'phase Running',
      obj: pod({ status: { phase: 'Running' } }),
      want: ['test1', '1/2', 'Running', '6', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'status.reason wins over phase',
      obj: pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
      want: ['test1', '1/2', 'Evicted', '6', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'Terminating',
      obj: pod({
        metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
        status: { phase: 'Running' },
      }),
      want: [
        'test1',
        '1/2',
        'Terminating',
        '6',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'NodeLost is Unknown',
      obj: pod({
        metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
        status: { phase: 'Running', reason: 'NodeLost' },
      }),
      want: ['test1', '1/2', 'Unknown', '6', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'ErrImagePull',
      obj: pod({
        spec: { containers: [{ name: 'a' }] },
        status: {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'a',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ErrImagePull' } },
            },
          ],
        },
      }),
      want: [
        'test1',
        '0/1',
        'ErrImagePull',
        '0',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'terminated without reason gives ExitCode',
      obj: pod({
        spec: { containers: [{ name: 'a' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } },
          ],
        },
      }),
      want: [
        'test1',
        '0/1',
        'ExitCode:2',
        '0',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'terminated by signal',
      obj: pod({
        spec: { containers: [{ name: 'a' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'a',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 137, signal: 9 } },
            },
          ],
        },
      }),
      want: ['test1', '0/1', 'Signal:9', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'Completed with a running container and Ready',
      obj: pod({
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
            {
              name: 'b',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: 'Completed' } },
            },
          ],
        },
      }),
      want: ['test1', '1/2', 'Running', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'Completed with a running container, not Ready',
      obj: pod({
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
            {
              name: 'b',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: 'Completed' } },
            },
          ],
        },
      }),
      want: ['test1', '1/2', 'NotReady', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container waiting',
      obj: pod({
        spec: { initContainers: [{ name: 'i' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            {
              name: 'i',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'PodInitializing' } },
            },
          ],
          containerStatuses: [],
        },
      }),
      want: ['test1', '0/2', 'Init:0/1', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container crash',
      obj: pod({
        spec: { initContainers: [{ name: 'i' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            {
              name: 'i',
              ready: false,
              restartCount: 2,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
          ],
          containerStatuses: [],
        },
      }),
      want: [
        'test1',
        '0/2',
        'Init:CrashLoopBackOff',
        '2',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'init exit code',
      obj: pod({
        spec: { initContainers: [{ name: 'i' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i', ready: false, restartCount: 0, state: { terminated: { exitCode: 1 } } },
          ],
          containerStatuses: [],
        },
      }),
      want: [
        'test1',
        '0/2',
        'Init:ExitCode:1',
        '0',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'restarts with last termination age',
      obj: pod({
        spec: { containers: [{ name: 'a' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'a',
              ready: true,
              restartCount: 4,
              state: { running: {} },
              lastState: { terminated: { exitCode: 1, finishedAt: created(5 * 60_000) } },
            },
          ],
        },
      }),
      want: [
        'test1',
        '1/1',
        'Running',
        '4 (5m ago)',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'SchedulingGated',
      obj: pod({
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
          containerStatuses: [],
        },
      }),
      want: [
        'test1',
        '0/2',
        'SchedulingGated',
        '0',
        '<unknown>',
        '<none>',
        '<none>',
        '<none>',
        '<none>',
      ],
    },
    {
      name: 'sidecar counts in total',
      obj: pod({
        spec: {
          containers: [{ name: 'a' }],
          initContainers: [{ name: 's', restartPolicy: 'Always' }],
        },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [
            { name: 's', ready: true, started: true, restartCount: 0, state: { running: {} } },
          ],
          containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }],
        },
      }),
      want: ['test1', '2/2', 'Running', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'],
    },
  ])('$name', ({ obj, want }) => {
    expect(cells('pods', obj)).toEqual(want);
  });

  it.each([
    {
      name: 'Succeeded',
      phase: 'Succeeded',
      cond: {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    },
    {
      name: 'Failed',
      phase: 'Failed',
      cond: { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    },
  ])('row condition for $name', ({ phase, cond }) => {
    const t = printTable(Resources.pods, [pod({ status: { phase } }) as KubeObject], {
      includeObject: 'None',
      now,
    });
    expect(t.rows[0]?.cells[2]).toBe(phase);
    expect(t.rows[0]?.conditions).toEqual([cond]);
  });
});

describe('nodes (TestPrintNodeStatus, TestPrintNodeRole, wide)', () => {
  const node = (
    name: string,
    extra: { labels?: Record<string, string>; spec?: unknown; status?: unknown } = {},
  ): unknown => ({
    metadata: { name, labels: extra.labels },
    spec: extra.spec,
    status: extra.status,
  });
  const ready = (s: string): unknown => ({ type: 'Ready', status: s });
  it.each([
    {
      name: 'foo1 Ready',
      obj: node('foo1', { status: { conditions: [ready('True')] } }),
      want: ['foo1', 'Ready', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo2 unschedulable',
      obj: node('foo2', { spec: { unschedulable: true }, status: { conditions: [ready('True')] } }),
      want: ['foo2', 'Ready,SchedulingDisabled', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo3 two Ready',
      obj: node('foo3', { status: { conditions: [ready('True'), ready('True')] } }),
      want: ['foo3', 'Ready', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo4 NotReady',
      obj: node('foo4', { status: { conditions: [ready('False')] } }),
      want: ['foo4', 'NotReady', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo5 NotReady unschedulable',
      obj: node('foo5', {
        spec: { unschedulable: true },
        status: { conditions: [ready('False')] },
      }),
      want: ['foo5', 'NotReady,SchedulingDisabled', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo6 other condition',
      obj: node('foo6', { status: { conditions: [{ type: 'InvalidValue', status: 'True' }] } }),
      want: ['foo6', 'Unknown', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo7 empty condition',
      obj: node('foo7', { status: { conditions: [{}] } }),
      want: ['foo7', 'Unknown', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo9 unschedulable unknown',
      obj: node('foo9', { spec: { unschedulable: true }, status: { conditions: [{}] } }),
      want: ['foo9', 'Unknown,SchedulingDisabled', '<none>', '<unknown>', ''],
    },
    {
      name: 'foo10 roles',
      obj: node('foo10', {
        labels: {
          'node-role.kubernetes.io/master': '',
          'node-role.kubernetes.io/control-plane': '',
          'node-role.kubernetes.io/proxy': '',
          'kubernetes.io/role': 'node',
        },
      }),
      want: ['foo10', 'Unknown', 'control-plane,master,node,proxy', '<unknown>', ''],
    },
    {
      name: 'foo11 kubernetes.io/role',
      obj: node('foo11', { labels: { 'kubernetes.io/role': 'node' } }),
      want: ['foo11', 'Unknown', 'node', '<unknown>', ''],
    },
    {
      name: 'no status',
      obj: node('127.0.0.1'),
      want: ['127.0.0.1', 'Unknown', '<none>', '<unknown>', ''],
    },
    {
      name: 'version',
      obj: node('v', { status: { nodeInfo: { kubeletVersion: 'v1.32.0' } } }),
      want: ['v', 'Unknown', '<none>', '<unknown>', 'v1.32.0'],
    },
  ])('$name', ({ obj, want }) => {
    expect(cells('nodes', obj).slice(0, 5)).toEqual(want);
  });

  it.each([
    {
      name: 'osImage',
      status: {
        nodeInfo: { osImage: 'fake-os-image' },
        addresses: [{ type: 'ExternalIP', address: '1.1.1.1' }],
      },
      want: ['<none>', '1.1.1.1', 'fake-os-image', '<unknown>', '<unknown>'],
    },
    {
      name: 'kernel',
      status: {
        nodeInfo: { kernelVersion: 'fake-kernel-version' },
        addresses: [{ type: 'ExternalIP', address: '1.1.1.1' }],
      },
      want: ['<none>', '1.1.1.1', '<unknown>', 'fake-kernel-version', '<unknown>'],
    },
    {
      name: 'runtime',
      status: {
        nodeInfo: { containerRuntimeVersion: 'foo://1.2.3' },
        addresses: [{ type: 'ExternalIP', address: '1.1.1.1' }],
      },
      want: ['<none>', '1.1.1.1', '<unknown>', '<unknown>', 'foo://1.2.3'],
    },
    {
      name: 'internal only',
      status: { addresses: [{ type: 'InternalIP', address: '1.1.1.1' }] },
      want: ['1.1.1.1', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    },
    {
      name: 'first of each type',
      status: {
        addresses: [
          { type: 'ExternalIP', address: '2.2.2.2' },
          { type: 'InternalIP', address: '3.3.3.3' },
          { type: 'ExternalIP', address: '4.4.4.4' },
        ],
      },
      want: ['3.3.3.3', '2.2.2.2', '<unknown>', '<unknown>', '<unknown>'],
    },
  ])('wide: $name', ({ status, want }) => {
    expect(cells('nodes', node('foo', { status })).slice(5)).toEqual(want);
  });
});

describe('other kinds', () => {
  it.each([
    {
      name: 'namespace',
      r: 'namespaces' as const,
      obj: {
        metadata: { name: 'default', creationTimestamp: created(2 * 86_400_000) },
        status: { phase: 'Active' },
      },
      want: ['default', 'Active', '2d'],
    },
    {
      name: 'lease',
      r: 'leases' as const,
      obj: {
        metadata: { name: 'node-1', creationTimestamp: created(30_000) },
        spec: { holderIdentity: 'node-1' },
      },
      want: ['node-1', 'node-1', '30s'],
    },
    {
      name: 'deployment',
      r: 'deployments' as const,
      obj: {
        metadata: { name: 'web', creationTimestamp: created(51 * 3_600_000) },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            spec: {
              containers: [
                { name: 'echo', image: 'svclab/echo' },
                { name: 'side', image: 'busybox' },
              ],
            },
          },
        },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      want: ['web', '2/3', 3, 2, '2d3h', 'echo,side', 'svclab/echo,busybox', 'app=web'],
    },
    {
      name: 'replicaset',
      r: 'replicasets' as const,
      obj: {
        metadata: { name: 'web-abc' },
        spec: {
          replicas: 2,
          selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
          template: { spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
        status: { replicas: 2, readyReplicas: 1 },
      },
      want: ['web-abc', 2, 2, 1, '<unknown>', 'c', 'i', 'app in (api,web)'],
    },
    {
      name: 'statefulset',
      r: 'statefulsets' as const,
      obj: {
        metadata: { name: 'db' },
        spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
        status: { replicas: 3, readyReplicas: 3 },
      },
      want: ['db', '3/3', '<unknown>', 'c', 'i'],
    },
    {
      name: 'event',
      r: 'events' as const,
      obj: {
        metadata: { name: 'web.1', namespace: 'default' },
        involvedObject: { kind: 'Service', name: 'web', namespace: 'default' },
        reason: 'Created',
        message: ' made it \n',
        type: 'Normal',
        source: { component: 'svclab-controller' },
        firstTimestamp: created(10 * 60_000),
        lastTimestamp: created(60_000),
      },
      want: [
        '60s',
        'Normal',
        'Created',
        'service/web',
        '',
        'svclab-controller',
        'made it',
        '10m',
        1,
        'web.1',
      ],
    },
  ])('$name', ({ r, obj, want }) => {
    expect(cells(r, obj)).toEqual(want);
  });
});

describe('includeObject and robustness', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'ClusterIP' },
  } as KubeObject;
  it.each([
    { name: 'None omits object', include: 'None' as const, want: undefined },
    {
      name: 'Metadata gives PartialObjectMetadata',
      include: 'Metadata' as const,
      want: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
    },
    { name: 'Object gives the object', include: 'Object' as const, want: obj },
  ])('$name', ({ include, want }) => {
    const row = printTable(Resources.services, [obj], { includeObject: include, now }).rows[0];
    expect(row?.object).toEqual(want);
    expect(row !== undefined && 'object' in row).toBe(want !== undefined);
  });

  it.each([
    { name: 'service without spec', r: 'services' as const, obj: { metadata: { name: 'x' } } },
    {
      name: 'pod with garbage status',
      r: 'pods' as const,
      obj: {
        metadata: { name: 'x' },
        status: { containerStatuses: 'x', initContainerStatuses: [null] },
      },
    },
    {
      name: 'node with wrong types',
      r: 'nodes' as const,
      obj: { metadata: { name: 'x', labels: 'x' }, status: { conditions: [null], addresses: 5 } },
    },
    {
      name: 'endpoints with null subsets entries',
      r: 'endpoints' as const,
      obj: { metadata: { name: 'x' }, subsets: [null, { addresses: [null], ports: [null] }] },
    },
    {
      name: 'deployment with bad selector',
      r: 'deployments' as const,
      obj: {
        metadata: { name: 'x' },
        spec: { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] } },
      },
    },
  ])('does not throw: $name', ({ r, obj }) => {
    const t = printTable(Resources[r], [obj as unknown as KubeObject], {
      includeObject: 'Metadata',
      now,
    });
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]?.cells).toHaveLength(t.columnDefinitions.length);
  });
});
