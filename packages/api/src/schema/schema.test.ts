import { describe, expect, it } from 'vitest';
import type {
  Container,
  ContainerState,
  Deployment,
  LabelSelector,
  PodSpec,
  Probe,
  WorkloadCondition,
  EndpointSlice,
  Endpoints,
  Event,
  Lease,
  Namespace,
  Node,
  ObjectMeta,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  Scale,
  Service,
  StatefulSet,
} from '../index.js';
import { AllResources } from '../register.js';
import { definitionName, Definitions, type FieldSchema } from './index.js';

/** Every optional field made required, recursively: a sample of this type populates every field. */
type DeepRequired<T> = T extends (infer U)[]
  ? DeepRequired<NonNullable<U>>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<NonNullable<T[K]>> }
    : T;

const time = '2026-01-01T00:00:00Z';
const ref = {
  kind: 'Pod',
  namespace: 'ns',
  name: 'p',
  uid: 'u',
  apiVersion: 'v1',
  resourceVersion: '1',
  fieldPath: 'spec',
};

const meta: DeepRequired<ObjectMeta> = {
  name: 'n',
  generateName: 'n-',
  namespace: 'ns',
  uid: 'u',
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: 30,
  labels: { a: 'b' },
  annotations: { a: 'b' },
  ownerReferences: [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'rs',
      uid: 'u',
      controller: true,
      blockOwnerDeletion: true,
    },
  ],
  finalizers: ['f'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': {} },
      subresource: 'status',
    },
  ],
};

const service: DeepRequired<Service> = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta,
  spec: {
    ports: [
      {
        name: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
        port: 80,
        targetPort: 'http',
        nodePort: 30080,
      },
    ],
    selector: { app: 'web' },
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    type: 'LoadBalancer',
    externalIPs: ['1.2.3.4'],
    sessionAffinity: 'ClientIP',
    loadBalancerIP: '1.2.3.5',
    loadBalancerSourceRanges: ['10.0.0.0/8'],
    externalName: 'x.example',
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 30000,
    publishNotReadyAddresses: true,
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    allocateLoadBalancerNodePorts: true,
    loadBalancerClass: 'svclab',
    internalTrafficPolicy: 'Cluster',
    trafficDistribution: 'PreferClose',
  },
  status: {
    loadBalancer: {
      ingress: [
        {
          ip: '1.2.3.4',
          hostname: 'lb',
          ipMode: 'VIP',
          ports: [{ port: 80, protocol: 'TCP', error: 'E' }],
        },
      ],
    },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: time,
        reason: 'R',
        message: 'm',
      },
    ],
  },
};

const probe: DeepRequired<Probe> = {
  httpGet: {
    path: '/',
    port: 8080,
    host: 'h',
    scheme: 'HTTP',
    httpHeaders: [{ name: 'a', value: 'b' }],
  },
  tcpSocket: { port: 'http', host: 'h' },
  exec: { command: ['true'] },
  initialDelaySeconds: 1,
  timeoutSeconds: 1,
  periodSeconds: 1,
  successThreshold: 1,
  failureThreshold: 1,
  terminationGracePeriodSeconds: 1,
};

const container: DeepRequired<Container> = {
  name: 'c',
  image: 'echo',
  command: ['a'],
  args: ['b'],
  ports: [
    { name: 'http', hostPort: 80, containerPort: 8080, protocol: 'TCP', hostIP: '127.0.0.1' },
  ],
  env: [
    {
      name: 'A',
      value: 'b',
      valueFrom: {
        fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' },
        resourceFieldRef: { resource: 'limits.cpu' },
        configMapKeyRef: { name: 'c', key: 'k' },
        secretKeyRef: { name: 's', key: 'k' },
      },
    },
  ],
  workingDir: '/app',
  envFrom: [{ configMapRef: { name: 'c' } }],
  volumeMounts: [
    {
      name: 'data',
      mountPath: '/data',
      readOnly: true,
      subPath: 'x',
      subPathExpr: '$(POD)',
      mountPropagation: 'None',
      recursiveReadOnly: 'Disabled',
    },
  ],
  securityContext: { runAsNonRoot: true },
  lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
  stdin: false,
  stdinOnce: false,
  tty: false,
  resources: { limits: { cpu: '1' }, requests: { cpu: '100m' } },
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
  imagePullPolicy: 'Never',
  restartPolicy: 'Always',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

const containerState: DeepRequired<ContainerState> = {
  waiting: { reason: 'r', message: 'm' },
  running: { startedAt: time },
  terminated: {
    exitCode: 0,
    signal: 9,
    reason: 'r',
    message: 'm',
    startedAt: time,
    finishedAt: time,
    containerID: 'c',
  },
};

const podSpec: DeepRequired<PodSpec> = {
  containers: [container],
  initContainers: [container],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  nodeSelector: { a: 'b' },
  nodeName: 'node-1',
  hostNetwork: false,
  hostname: 'h',
  subdomain: 's',
  schedulerName: 'default-scheduler',
  dnsPolicy: 'ClusterFirst',
  serviceAccountName: 'default',
  tolerations: [
    { key: 'k', operator: 'Exists', value: 'v', effect: 'NoExecute', tolerationSeconds: 300 },
  ],
  priority: 0,
  enableServiceLinks: true,
  volumes: [{ name: 'data', emptyDir: {} }],
  dnsConfig: {
    nameservers: ['127.0.0.53'],
    searches: ['svc.cluster.local'],
    options: [{ name: 'ndots', value: '2' }],
  },
  setHostnameAsFQDN: false,
  hostAliases: [{ ip: '127.0.0.1', hostnames: ['local'] }],
  readinessGates: [{ conditionType: 'x' }],
  imagePullSecrets: [{ name: 'pull' }],
  serviceAccount: 'default',
  automountServiceAccountToken: false,
  priorityClassName: 'high',
  runtimeClassName: 'runc',
  activeDeadlineSeconds: 60,
  shareProcessNamespace: false,
  hostPID: false,
  hostIPC: false,
  os: { name: 'linux' },
  securityContext: { runAsUser: 1000 },
  affinity: { nodeAffinity: {} },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone' }],
};

const pod: DeepRequired<Pod> = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta,
  spec: podSpec,
  status: {
    phase: 'Running',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        lastProbeTime: time,
        lastTransitionTime: time,
        reason: 'r',
        message: 'm',
      },
    ],
    message: 'm',
    reason: 'r',
    hostIP: '127.0.1.1',
    hostIPs: [{ ip: '127.0.1.1' }],
    podIP: '127.244.1.2',
    podIPs: [{ ip: '127.244.1.2' }],
    startTime: time,
    containerStatuses: [
      {
        name: 'c',
        state: containerState,
        lastState: containerState,
        ready: true,
        restartCount: 0,
        image: 'i',
        imageID: 'i',
        containerID: 'c',
        started: true,
      },
    ],
    initContainerStatuses: [],
    qosClass: 'BestEffort',
    nominatedNodeName: 'n',
    readinessGates: [{ conditionType: 'x' }],
  },
};

const slice: DeepRequired<EndpointSlice> = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: meta,
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['127.244.1.2'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'h',
      targetRef: ref,
      deprecatedTopology: { a: 'b' },
      nodeName: 'node-1',
      zone: 'z',
      hints: { forZones: [{ name: 'z' }], forNodes: [{ name: 'node-1' }] },
    },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 8080, appProtocol: 'http' }],
};

const node: DeepRequired<Node> = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: meta,
  spec: {
    podCIDR: '127.244.1.0/24',
    podCIDRs: ['127.244.1.0/24'],
    providerID: 'svclab://node-1',
    unschedulable: false,
    taints: [{ key: 'k', value: 'v', effect: 'NoSchedule', timeAdded: time }],
  },
  status: {
    capacity: { cpu: '2' },
    allocatable: { cpu: '2' },
    phase: 'Running',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        lastHeartbeatTime: time,
        lastTransitionTime: time,
        reason: 'r',
        message: 'm',
      },
    ],
    addresses: [{ type: 'InternalIP', address: '127.0.1.1' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'm',
      systemUUID: 's',
      bootID: 'b',
      kernelVersion: 'k',
      osImage: 'o',
      containerRuntimeVersion: 'c',
      kubeletVersion: 'v1.32.0',
      kubeProxyVersion: 'v1.32.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  },
};

const namespace: DeepRequired<Namespace> = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: meta,
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
};

const endpoints: DeepRequired<Endpoints> = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: meta,
  subsets: [
    {
      addresses: [{ ip: '127.244.1.2', hostname: 'h', nodeName: 'node-1', targetRef: ref }],
      notReadyAddresses: [],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    },
  ],
};

const event: DeepRequired<Event> = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta,
  involvedObject: ref,
  reason: 'Scheduled',
  message: 'm',
  source: { component: 'scheduler', host: 'h' },
  firstTimestamp: time,
  lastTimestamp: time,
  count: 1,
  type: 'Normal',
  eventTime: '2026-01-01T00:00:00.000000Z',
  action: 'Binding',
  reportingComponent: 'scheduler',
  reportingInstance: 'i',
};

const lease: DeepRequired<Lease> = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: meta,
  spec: {
    holderIdentity: 'h',
    leaseDurationSeconds: 40,
    acquireTime: time,
    renewTime: time,
    leaseTransitions: 0,
  },
};

const template: DeepRequired<PodTemplateSpec> = { metadata: meta, spec: podSpec };
const selector: DeepRequired<LabelSelector> = {
  matchLabels: { a: 'b' },
  matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }],
};
const workloadCondition: DeepRequired<WorkloadCondition> = {
  type: 'Available',
  status: 'True',
  lastUpdateTime: time,
  lastTransitionTime: time,
  reason: 'r',
  message: 'm',
};

const deployment: DeepRequired<Deployment> = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta,
  spec: {
    replicas: 1,
    selector,
    template,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    minReadySeconds: 0,
    revisionHistoryLimit: 10,
    paused: false,
    progressDeadlineSeconds: 600,
  },
  status: {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    unavailableReplicas: 0,
    conditions: [workloadCondition],
    collisionCount: 0,
  },
};

const replicaSet: DeepRequired<ReplicaSet> = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: meta,
  spec: { replicas: 1, minReadySeconds: 0, selector, template },
  status: {
    replicas: 1,
    fullyLabeledReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    observedGeneration: 1,
    conditions: [workloadCondition],
  },
};

const statefulSet: DeepRequired<StatefulSet> = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: meta,
  spec: {
    replicas: 1,
    selector,
    template,
    serviceName: 'web',
    podManagementPolicy: 'Parallel',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
    revisionHistoryLimit: 10,
    minReadySeconds: 0,
  },
  status: {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 1,
    currentReplicas: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
    currentRevision: 'a',
    updateRevision: 'a',
    collisionCount: 0,
    conditions: [workloadCondition],
  },
};

const scale: DeepRequired<Scale> = {
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  metadata: meta,
  spec: { replicas: 1 },
  status: { replicas: 1, selector: 'app=web' },
};

/** Compares a sample against a definition in both directions. */
function drift(
  defName: string,
  value: unknown,
  path: string,
  out: { unknown: string[]; missing: string[] },
): void {
  const def = Definitions[defName];
  if (def === undefined) {
    out.unknown.push(`${path}: no definition ${defName}`);
    return;
  }
  if (def.preserveUnknownFields === true || def.properties === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const obj = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    const f = def.properties[k];
    const p = path === '' ? k : `${path}.${k}`;
    if (f === undefined) out.unknown.push(p);
    else field(f, v, p, out);
  }
  for (const k of Object.keys(def.properties)) {
    if (!(k in obj)) out.missing.push(path === '' ? k : `${path}.${k}`);
  }
}

function field(
  f: FieldSchema,
  v: unknown,
  path: string,
  out: { unknown: string[]; missing: string[] },
): void {
  if (f.ref !== undefined) drift(f.ref, v, path, out);
  else if (f.items !== undefined && Array.isArray(v))
    v.forEach((e, i) => {
      field(f.items as FieldSchema, e, `${path}[${String(i)}]`, out);
    });
}

const samples = {
  service,
  pod,
  slice,
  node,
  namespace,
  endpoints,
  event,
  lease,
  deployment,
  replicaSet,
  statefulSet,
  scale,
};

describe('schema against the wire types', () => {
  it.each(Object.entries(samples).map(([name, obj]) => ({ name, obj })))(
    '$name: every field is known and every schema field is in the TypeScript type',
    ({ obj }) => {
      const defName = definitionName(obj.apiVersion, obj.kind);
      expect(defName).toBeDefined();
      const out = { unknown: [] as string[], missing: [] as string[] };
      drift(defName ?? '', obj, '', out);
      expect(out.unknown).toEqual([]);
      // Schema fields absent from the fully populated sample would be fields the TS types lack.
      // (initContainerStatuses and notReadyAddresses are empty arrays above, so their items are not walked.)
      expect(out.missing).toEqual([]);
    },
  );
});

describe('definitions', () => {
  it.each(AllResources.map((r) => ({ name: `${r.group}/${r.version} ${r.kind}`, r })))(
    '$name has a kind and a list definition',
    ({ r }) => {
      const gv = r.group === '' ? r.version : `${r.group}/${r.version}`;
      expect(definitionName(gv, r.kind)).toBeDefined();
      expect(definitionName(gv, r.listKind)).toBeDefined();
    },
  );

  it('every ref points at a definition', () => {
    const dangling: string[] = [];
    const check = (f: FieldSchema, where: string): void => {
      if (f.ref !== undefined && Definitions[f.ref] === undefined)
        dangling.push(`${where} -> ${f.ref}`);
      if (f.items !== undefined) check(f.items, `${where}[]`);
      if (f.additionalProperties !== undefined) check(f.additionalProperties, `${where}{}`);
    };
    for (const [name, def] of Object.entries(Definitions)) {
      for (const [k, f] of Object.entries(def.properties ?? {})) check(f, `${name}.${k}`);
    }
    expect(dangling).toEqual([]);
  });

  it.each([
    {
      name: 'Service ports merge by port',
      def: 'io.k8s.api.core.v1.ServiceSpec',
      field: 'ports',
      key: 'port',
    },
    {
      name: 'containers merge by name',
      def: 'io.k8s.api.core.v1.PodSpec',
      field: 'containers',
      key: 'name',
    },
    { name: 'env merges by name', def: 'io.k8s.api.core.v1.Container', field: 'env', key: 'name' },
    {
      name: 'container ports merge by containerPort',
      def: 'io.k8s.api.core.v1.Container',
      field: 'ports',
      key: 'containerPort',
    },
    {
      name: 'pod conditions merge by type',
      def: 'io.k8s.api.core.v1.PodStatus',
      field: 'conditions',
      key: 'type',
    },
    {
      name: 'ownerReferences merge by uid',
      def: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      field: 'ownerReferences',
      key: 'uid',
    },
  ])('$name', ({ def, field: f, key }) => {
    const fs = Definitions[def]?.properties?.[f];
    expect(fs?.patchStrategy).toBe('merge');
    expect(fs?.patchMergeKey).toBe(key);
  });
});
