import { describe, expect, it } from 'vitest';
import { StatusError } from '@svclab/apimachinery';
import { decodeKubernetesProtobuf, protobufMagic } from './decode.js';
import { encodeKubernetesProtobuf } from './encode.js';
import { WireWriter } from './wire.js';

// Bodies captured from the real kubectl 1.32 (`kubectl create … --server=<recorder>`).
const captured = {
  namespace: '6b3873000a0f0a02763112094e616d657370616365121d0a150a056361706e7312001a0022002a0032003800420012001a020a001a002200',
  service: '6b3873000a0d0a027631120753657276696365126e0a240a0377656212001a056361706e7322002a003200380042005a0a0a03617070120377656212420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a0361707012037765621a002209436c757374657249503a00420052005a00600068001a020a001a002200',
  externalName: '6b3873000a0d0a02763112075365727669636512560a1e0a02657812001a017822002a003200380042005a090a0361707012026578123012090a03617070120265781a00220c45787465726e616c4e616d653a0042005209612e6578616d706c655a00600068001a020a001a002200',
  loadBalancer: '6b3873000a0d0a02763112075365727669636512670a1e0a026c6212001a017822002a003200380042005a090a0361707012026c6212410a180a0538302d3830120354435018502206080010501a00280012090a0361707012026c621a00220c4c6f616442616c616e6365723a00420052005a00600068001a020a001a002200',
  deployment: '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c3010a240a0377656212001a056361706e7322002a003200380042005a0a0a036170701203776562128c010802120c0a0a0a0361707012037765621a720a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125212340a046563686f120b7376636c61622f6563686f2a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
};

describe('decodeKubernetesProtobuf: bodies sent by kubectl 1.32', () => {
  it.each([
    {
      name: 'create namespace capns',
      hex: captured.namespace,
      want: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capns' }, spec: {}, status: {} },
    },
    {
      name: 'create service clusterip web --tcp=80:8080',
      hex: captured.service,
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'capns', labels: { app: 'web' } },
        spec: {
          ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
          selector: { app: 'web' },
          type: 'ClusterIP',
        },
        status: { loadBalancer: {} },
      },
    },
    {
      name: 'create service externalname ex --external-name=a.example',
      hex: captured.externalName,
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ex', namespace: 'x', labels: { app: 'ex' } },
        spec: { selector: { app: 'ex' }, type: 'ExternalName', externalName: 'a.example' },
        status: { loadBalancer: {} },
      },
    },
    {
      name: 'create service loadbalancer lb --tcp=80:80',
      hex: captured.loadBalancer,
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'lb', namespace: 'x', labels: { app: 'lb' } },
        spec: { ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }], selector: { app: 'lb' }, type: 'LoadBalancer' },
        status: { loadBalancer: {} },
      },
    },
    {
      name: 'create deployment web --image=svclab/echo --replicas=2 --port=8080',
      hex: captured.deployment,
      want: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'capns', labels: { app: 'web' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }], resources: {} }] },
          },
          strategy: {},
        },
        status: {},
      },
    },
  ])('$name', ({ hex, want }) => {
    expect(decodeKubernetesProtobuf(Buffer.from(hex, 'hex'))).toStrictEqual(want);
  });
});

const meta = {
  name: 'x',
  namespace: 'ns',
  uid: '6f1c0f7e-8d6b-4b5e-9a53-3a1a7d2b9c11',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2026-01-02T03:04:05Z',
  labels: { app: 'web', empty: '' },
  annotations: { 'example.com/a': 'b' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true, blockOwnerDeletion: true }],
  finalizers: ['example.com/f'],
};

const podSpec = {
  containers: [
    {
      name: 'echo',
      image: 'svclab/echo:1',
      command: ['/echo'],
      args: ['--port', '8080'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }, { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 1 },
      imagePullPolicy: 'IfNotPresent',
    },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 0,
  nodeName: 'node-1',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  hostname: 'web-0',
  subdomain: 'web',
  tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
};

describe('decodeKubernetesProtobuf: round trip through the schema (JSON → protobuf → JSON)', () => {
  it.each([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb', labels: { a: 'b' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'odd-keys', annotations: JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string> } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {
        type: 'NodePort',
        selector: { app: 'web' },
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080, appProtocol: 'http' },
          { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353 },
        ],
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        externalTrafficPolicy: 'Local',
        internalTrafficPolicy: 'Cluster',
        publishNotReadyAddresses: true,
        externalIPs: ['192.0.2.1'],
        allocateLoadBalancerNodePorts: false,
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', hostname: 'lb.example' }] } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
        template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: 3,
        replicas: 2,
        readyReplicas: 2,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: '2026-01-02T03:04:05Z' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta,
      spec: podSpec,
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }],
        hostIP: '127.0.0.1',
        startTime: '2026-01-02T03:04:05Z',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T03:04:06Z' }],
        containerStatuses: [{ name: 'echo', ready: true, restartCount: 1, image: 'svclab/echo:1', started: true }],
      },
    },
    {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'ns', resourceVersion: '7' },
      spec: { replicas: 5 },
      status: { replicas: 2, selector: 'app=web' },
    },
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-controller-manager', namespace: 'kube-system' },
      spec: {
        holderIdentity: 'cm-1',
        leaseDurationSeconds: 15,
        acquireTime: '2026-01-02T03:04:05.123456Z',
        renewTime: '2026-01-02T03:04:20.000001Z',
        leaseTransitions: 0,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta,
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
      status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta,
      spec: {
        replicas: 3,
        serviceName: 'web',
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      },
      status: { replicas: 3, readyReplicas: 3, currentRevision: 'web-1', updateRevision: 'web-1' },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta,
      subsets: [
        {
          addresses: [{ ip: '10.0.0.5', hostname: 'web-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'web-0', uid: 'u' } }],
          notReadyAddresses: [{ ip: '10.0.0.6' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta,
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.0.0.5'],
          conditions: { ready: false, serving: true, terminating: false },
          nodeName: 'node-1',
          zone: 'z1',
          targetRef: { kind: 'Pod', name: 'web-0', namespace: 'ns' },
          hints: { forZones: [{ name: 'z1' }] },
        },
      ],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }, { name: '', protocol: 'UDP', port: 53 }],
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta,
      involvedObject: { kind: 'Service', namespace: 'ns', name: 'web', apiVersion: 'v1' },
      reason: 'Created',
      message: 'created it',
      source: { component: 'svclab' },
      firstTimestamp: '2026-01-02T03:04:05Z',
      lastTimestamp: '2026-01-02T03:04:06Z',
      count: 2,
      type: 'Normal',
      eventTime: '2026-01-02T03:04:05.000500Z',
      reportingComponent: 'svclab',
    },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '2', pods: '110' },
        allocatable: { cpu: '1900m' },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-02T03:04:05Z' }],
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64' },
      },
    },
    { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-0', namespace: 'ns' }, target: { kind: 'Node', name: 'node-1', apiVersion: 'v1' } },
    { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] },
    { apiVersion: 'apps/v1', kind: 'DeleteOptions', preconditions: { uid: 'u1', resourceVersion: '5' }, orphanDependents: false },
  ])('$apiVersion $kind', (obj) => {
    expect(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj))).toStrictEqual(obj);
  });
});

function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: (w: WireWriter) => void = () => undefined): Uint8Array {
  const w = new WireWriter().bytes(1, new WireWriter().string(1, apiVersion).string(2, kind).finish()).bytes(2, raw);
  extra(w);
  return Uint8Array.from([...protobufMagic, ...w.finish()]);
}

function statusOf(body: Uint8Array): { code?: number; reason?: string; message?: string } {
  try {
    decodeKubernetesProtobuf(body);
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('decoded without error');
}

const ns = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });

describe('decodeKubernetesProtobuf: malformed input is a 400 BadRequest', () => {
  it.each([
    { name: 'JSON, no magic', body: Buffer.from('{"kind":"Namespace"}') },
    { name: 'shorter than the magic', body: Uint8Array.of(0x6b, 0x38) },
    { name: 'truncated envelope', body: ns.subarray(0, ns.length - 3) },
    { name: 'length past the end', body: Uint8Array.from([...protobufMagic, 0x0a, 0x7f, 0x00]) },
    { name: 'unterminated varint', body: Uint8Array.from([...protobufMagic, 0x08, 0xff, 0xff]) },
    { name: 'field number 0', body: Uint8Array.from([...protobufMagic, 0x02, 0x00]) },
    { name: 'group wire type', body: Uint8Array.from([...protobufMagic, 0x0b]) },
    { name: 'string field sent as varint', body: envelope('v1', 'Namespace', Uint8Array.of(0x0a, 0x02, 0x08, 0x01)) },
    { name: 'invalid UTF-8 name', body: envelope('v1', 'Namespace', Uint8Array.of(0x0a, 0x03, 0x0a, 0x01, 0xff)) },
    { name: 'nested length past the end', body: envelope('v1', 'Service', Uint8Array.of(0x12, 0x05, 0x0a, 0x09, 0x00)) },
    { name: 'content encoding gzip', body: envelope('v1', 'Namespace', new Uint8Array(), (w) => w.string(3, 'gzip')) },
  ])('$name', ({ body }) => {
    const s = statusOf(body);
    expect(s.code).toBe(400);
    expect(s.reason).toBe('BadRequest');
  });
});

describe('decodeKubernetesProtobuf: kinds without a schema are 415', () => {
  it.each([
    { name: 'ConfigMap', body: envelope('v1', 'ConfigMap', new Uint8Array()), kind: 'ConfigMap' },
    { name: 'Deployment in a version we do not serve', body: envelope('apps/v1beta1', 'Deployment', new Uint8Array()), kind: 'Deployment' },
    { name: 'empty envelope', body: protobufMagic, kind: '' },
  ])('$name', ({ body, kind }) => {
    const s = statusOf(body);
    expect(s.code).toBe(415);
    expect(s.reason).toBe('UnsupportedMediaType');
    if (kind !== '') expect(s.message).toContain(`kind "${kind}"`);
    expect(s.message).toContain('application/json');
  });
});
