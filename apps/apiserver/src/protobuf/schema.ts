// Compact schema table for the Kubernetes protobuf messages we decode. Field numbers come from
// upstream's generated.proto files (k8s.io/api/{core,apps,autoscaling,coordination,discovery}/v1,
// k8s.io/apimachinery/pkg/apis/meta/v1, pkg/util/intstr, pkg/api/resource).
//
// One message is a space-separated list of `jsonName=fieldNumber[:type][[]][?][^]`:
//   type  s (default) string | i32 | i64 | b bool | bytes | t Time | mt MicroTime | ios IntOrString
//         | q Quantity | map map<string,string> | qmap map<string,Quantity> | <MessageName>
//   []    repeated        ?  pointer: keep a zero value        ^  embedded: fields inlined into the parent

export type ScalarType = 's' | 'i32' | 'i64' | 'b' | 'bytes' | 't' | 'mt' | 'ios' | 'q' | 'map' | 'qmap';

export interface FieldSpec {
  readonly json: string;
  readonly num: number;
  /** A ScalarType or the name of another message in the table. */
  readonly type: string;
  readonly repeated: boolean;
  readonly pointer: boolean;
  readonly inline: boolean;
}

export type MessageSpec = ReadonlyMap<number, FieldSpec>;

const messages: Record<string, string> = {
  // meta/v1
  TypeMeta: 'apiVersion=1 kind=2',
  ObjectMeta:
    'name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:i64 creationTimestamp=8:t ' +
    'deletionTimestamp=9:t deletionGracePeriodSeconds=10:i64? labels=11:map annotations=12:map ' +
    'ownerReferences=13:OwnerReference[] finalizers=14[] managedFields=17:ManagedFieldsEntry[]',
  OwnerReference: 'kind=1 name=3 uid=4 apiVersion=5 controller=6:b? blockOwnerDeletion=7:b?',
  ManagedFieldsEntry: 'manager=1 operation=2 apiVersion=3 time=4:t fieldsType=6 fieldsV1=7:FieldsV1 subresource=8',
  FieldsV1: 'Raw=1:bytes',
  LabelSelector: 'matchLabels=1:map matchExpressions=2:LabelSelectorRequirement[]',
  LabelSelectorRequirement: 'key=1 operator=2 values=3[]',
  DeleteOptions:
    'gracePeriodSeconds=1:i64? preconditions=2:Preconditions orphanDependents=3:b? propagationPolicy=4 dryRun=5[] ' +
    'ignoreStoreReadErrorWithClusterBreakingPotential=6:b?',
  Preconditions: 'uid=1 resourceVersion=2',
  Condition: 'type=1 status=2 observedGeneration=3:i64 lastTransitionTime=4:t reason=5 message=6',

  // core/v1
  Namespace: 'metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  NamespaceSpec: 'finalizers=1[]',
  NamespaceStatus: 'phase=1 conditions=2:NamespaceCondition[]',
  NamespaceCondition: 'type=1 status=2 lastTransitionTime=4:t reason=5 message=6',

  Service: 'metadata=1:ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  ServiceSpec:
    'ports=1:ServicePort[] selector=2:map clusterIP=3 type=4 externalIPs=5[] sessionAffinity=7 loadBalancerIP=8 ' +
    'loadBalancerSourceRanges=9[] externalName=10 externalTrafficPolicy=11 healthCheckNodePort=12:i32 ' +
    'publishNotReadyAddresses=13:b sessionAffinityConfig=14:SessionAffinityConfig topologyKeys=16[] ' +
    'ipFamilyPolicy=17 clusterIPs=18[] ipFamilies=19[] allocateLoadBalancerNodePorts=20:b? loadBalancerClass=21 ' +
    'internalTrafficPolicy=22 trafficDistribution=23',
  ServicePort: 'name=1 protocol=2 port=3:i32 targetPort=4:ios nodePort=5:i32 appProtocol=6',
  SessionAffinityConfig: 'clientIP=1:ClientIPConfig',
  ClientIPConfig: 'timeoutSeconds=1:i32?',
  ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:Condition[]',
  LoadBalancerStatus: 'ingress=1:LoadBalancerIngress[]',
  LoadBalancerIngress: 'ip=1 hostname=2 ipMode=3 ports=4:PortStatus[]',
  PortStatus: 'port=1:i32 protocol=2 error=3',

  Pod: 'metadata=1:ObjectMeta spec=2:PodSpec status=3:PodStatus',
  Binding: 'metadata=1:ObjectMeta target=2:ObjectReference',
  PodTemplateSpec: 'metadata=1:ObjectMeta spec=2:PodSpec',
  PodSpec:
    'volumes=1:Volume[] containers=2:Container[] restartPolicy=3 terminationGracePeriodSeconds=4:i64? ' +
    'activeDeadlineSeconds=5:i64? dnsPolicy=6 nodeSelector=7:map serviceAccountName=8 serviceAccount=9 nodeName=10 ' +
    'hostNetwork=11:b hostPID=12:b hostIPC=13:b securityContext=14:PodSecurityContext ' +
    'imagePullSecrets=15:LocalObjectReference[] hostname=16 subdomain=17 schedulerName=19 initContainers=20:Container[] ' +
    'automountServiceAccountToken=21:b? tolerations=22:Toleration[] hostAliases=23:HostAlias[] priorityClassName=24 ' +
    'priority=25:i32? readinessGates=28:PodReadinessGate[] runtimeClassName=29 enableServiceLinks=30:b? ' +
    'preemptionPolicy=31 shareProcessNamespace=27:b? setHostnameAsFQDN=35:b? hostUsers=37:b?',
  Volume: 'name=1',
  PodSecurityContext: 'runAsUser=2:i64? runAsNonRoot=3:b? supplementalGroups=4:i64[] fsGroup=5:i64? runAsGroup=6:i64?',
  LocalObjectReference: 'name=1',
  Toleration: 'key=1 operator=2 value=3 effect=4 tolerationSeconds=5:i64?',
  HostAlias: 'ip=1 hostnames=2[]',
  PodReadinessGate: 'conditionType=1',
  Container:
    'name=1 image=2 command=3[] args=4[] workingDir=5 ports=6:ContainerPort[] env=7:EnvVar[] ' +
    'resources=8:ResourceRequirements livenessProbe=10:Probe readinessProbe=11:Probe ' +
    'terminationMessagePath=13 imagePullPolicy=14 stdin=16:b stdinOnce=17:b tty=18:b terminationMessagePolicy=20 ' +
    'startupProbe=22:Probe restartPolicy=24',
  ContainerPort: 'name=1 hostPort=2:i32 containerPort=3:i32 protocol=4 hostIP=5',
  EnvVar: 'name=1 value=2 valueFrom=3:EnvVarSource',
  EnvVarSource: 'fieldRef=1:ObjectFieldSelector',
  ObjectFieldSelector: 'apiVersion=1 fieldPath=2',
  ResourceRequirements: 'limits=1:qmap requests=2:qmap',
  Probe:
    'handler=1:ProbeHandler^ initialDelaySeconds=2:i32 timeoutSeconds=3:i32 periodSeconds=4:i32 ' +
    'successThreshold=5:i32 failureThreshold=6:i32 terminationGracePeriodSeconds=7:i64?',
  ProbeHandler: 'exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction',
  ExecAction: 'command=1[]',
  HTTPGetAction: 'path=1 port=2:ios host=3 scheme=4 httpHeaders=5:HTTPHeader[]',
  HTTPHeader: 'name=1 value=2',
  TCPSocketAction: 'port=1:ios host=2',
  PodStatus:
    'phase=1 conditions=2:PodCondition[] message=3 reason=4 hostIP=5 podIP=6 startTime=7:t ' +
    'containerStatuses=8:ContainerStatus[] qosClass=9 initContainerStatuses=10:ContainerStatus[] ' +
    'nominatedNodeName=11 podIPs=12:PodIP[] hostIPs=16:HostIP[]',
  PodCondition: 'type=1 status=2 lastProbeTime=3:t lastTransitionTime=4:t reason=5 message=6',
  PodIP: 'ip=1',
  HostIP: 'ip=1',
  ContainerStatus: 'name=1 ready=4:b restartCount=5:i32 image=6 imageID=7 containerID=8 started=9:b?',

  Endpoints: 'metadata=1:ObjectMeta subsets=2:EndpointSubset[]',
  EndpointSubset: 'addresses=1:EndpointAddress[] notReadyAddresses=2:EndpointAddress[] ports=3:CoreEndpointPort[]',
  EndpointAddress: 'ip=1 targetRef=2:ObjectReference hostname=3 nodeName=4',
  CoreEndpointPort: 'name=1 port=2:i32 protocol=3 appProtocol=4',
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',

  Event:
    'metadata=1:ObjectMeta involvedObject=2:ObjectReference reason=3 message=4 source=5:EventSource ' +
    'firstTimestamp=6:t lastTimestamp=7:t count=8:i32 type=9 eventTime=10:mt series=11:EventSeries action=12 ' +
    'related=13:ObjectReference reportingComponent=14 reportingInstance=15',
  EventSource: 'component=1 host=2',
  EventSeries: 'count=1:i32 lastObservedTime=2:mt',

  Node: 'metadata=1:ObjectMeta spec=2:NodeSpec status=3:NodeStatus',
  NodeSpec: 'podCIDR=1 externalID=2 providerID=3 unschedulable=4:b taints=5:Taint[] podCIDRs=7[]',
  Taint: 'key=1 value=2 effect=3 timeAdded=4:t',
  NodeStatus:
    'capacity=1:qmap allocatable=2:qmap phase=3 conditions=4:NodeCondition[] addresses=5:NodeAddress[] ' +
    'nodeInfo=7:NodeSystemInfo',
  NodeCondition: 'type=1 status=2 lastHeartbeatTime=3:t lastTransitionTime=4:t reason=5 message=6',
  NodeAddress: 'type=1 address=2',
  NodeSystemInfo:
    'machineID=1 systemUUID=2 bootID=3 kernelVersion=4 osImage=5 containerRuntimeVersion=6 kubeletVersion=7 ' +
    'kubeProxyVersion=8 operatingSystem=9 architecture=10',

  // apps/v1
  Deployment: 'metadata=1:ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  DeploymentSpec:
    'replicas=1:i32? selector=2:LabelSelector template=3:PodTemplateSpec strategy=4:DeploymentStrategy ' +
    'minReadySeconds=5:i32 revisionHistoryLimit=6:i32? paused=7:b progressDeadlineSeconds=9:i32?',
  DeploymentStrategy: 'type=1 rollingUpdate=2:RollingUpdateDeployment',
  RollingUpdateDeployment: 'maxUnavailable=1:ios maxSurge=2:ios',
  DeploymentStatus:
    'observedGeneration=1:i64 replicas=2:i32 updatedReplicas=3:i32 availableReplicas=4:i32 ' +
    'unavailableReplicas=5:i32 conditions=6:DeploymentCondition[] readyReplicas=7:i32 collisionCount=8:i32? ' +
    'terminatingReplicas=9:i32?',
  DeploymentCondition: 'type=1 status=2 reason=4 message=5 lastUpdateTime=6:t lastTransitionTime=7:t',

  ReplicaSet: 'metadata=1:ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus',
  ReplicaSetSpec: 'replicas=1:i32? selector=2:LabelSelector template=3:PodTemplateSpec minReadySeconds=4:i32',
  ReplicaSetStatus:
    'replicas=1:i32 fullyLabeledReplicas=2:i32 observedGeneration=3:i64 readyReplicas=4:i32 ' +
    'availableReplicas=5:i32 conditions=6:ReplicaSetCondition[] terminatingReplicas=7:i32?',
  ReplicaSetCondition: 'type=1 status=2 lastTransitionTime=3:t reason=4 message=5',

  StatefulSet: 'metadata=1:ObjectMeta spec=2:StatefulSetSpec status=3:StatefulSetStatus',
  StatefulSetSpec:
    'replicas=1:i32? selector=2:LabelSelector template=3:PodTemplateSpec serviceName=5 podManagementPolicy=6 ' +
    'updateStrategy=7:StatefulSetUpdateStrategy revisionHistoryLimit=8:i32? minReadySeconds=9:i32 ' +
    'ordinals=11:StatefulSetOrdinals',
  StatefulSetUpdateStrategy: 'type=1 rollingUpdate=2:RollingUpdateStatefulSetStrategy',
  RollingUpdateStatefulSetStrategy: 'partition=1:i32? maxUnavailable=2:ios',
  StatefulSetOrdinals: 'start=1:i32',
  StatefulSetStatus:
    'observedGeneration=1:i64 replicas=2:i32 readyReplicas=3:i32 currentReplicas=4:i32 updatedReplicas=5:i32 ' +
    'currentRevision=6 updateRevision=7 collisionCount=9:i32? availableReplicas=11:i32',

  // autoscaling/v1
  Scale: 'metadata=1:ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
  ScaleSpec: 'replicas=1:i32',
  ScaleStatus: 'replicas=1:i32 selector=2',

  // coordination.k8s.io/v1
  Lease: 'metadata=1:ObjectMeta spec=2:LeaseSpec',
  LeaseSpec:
    'holderIdentity=1 leaseDurationSeconds=2:i32? acquireTime=3:mt renewTime=4:mt leaseTransitions=5:i32? ' +
    'strategy=6 preferredHolder=7',

  // discovery.k8s.io/v1
  EndpointSlice: 'metadata=1:ObjectMeta endpoints=2:Endpoint[] ports=3:DiscoveryEndpointPort[] addressType=4',
  Endpoint:
    'addresses=1[] conditions=2:EndpointConditions hostname=3? targetRef=4:ObjectReference ' +
    'deprecatedTopology=5:map nodeName=6? zone=7? hints=8:EndpointHints',
  EndpointConditions: 'ready=1:b? serving=2:b? terminating=3:b?',
  EndpointHints: 'forZones=1:ForZone[] forNodes=2:ForNode[]',
  ForZone: 'name=1',
  ForNode: 'name=1',
  DiscoveryEndpointPort: 'name=1? protocol=2? port=3:i32? appProtocol=4?',
};

function parseField(token: string): FieldSpec {
  const m = /^(\w+)=(\d+)(?::(\w+))?(\[\])?(\?)?(\^)?$/.exec(token);
  if (m === null) throw new Error(`bad schema field ${token}`);
  return {
    json: m[1] ?? '',
    num: Number(m[2]),
    type: m[3] ?? 's',
    repeated: m[4] !== undefined,
    pointer: m[5] !== undefined,
    inline: m[6] !== undefined,
  };
}

function compile(table: Record<string, string>): ReadonlyMap<string, MessageSpec> {
  const out = new Map<string, MessageSpec>();
  for (const [name, text] of Object.entries(table)) {
    const fields = new Map<number, FieldSpec>();
    for (const token of text.split(/\s+/).filter((t) => t !== '')) {
      const f = parseField(token);
      fields.set(f.num, f);
    }
    out.set(name, fields);
  }
  return out;
}

export const schema: ReadonlyMap<string, MessageSpec> = compile(messages);

/** DeleteOptions is accepted in any group version (typed clients send their own). */
export const deleteOptionsMessage = 'DeleteOptions';

/** Top-level kinds we accept, by `apiVersion/kind` (core group: `v1/Kind`), to their message name. */
export const kinds: ReadonlyMap<string, string> = new Map([
  ['v1/Namespace', 'Namespace'],
  ['v1/Service', 'Service'],
  ['v1/Pod', 'Pod'],
  ['v1/Binding', 'Binding'],
  ['v1/Endpoints', 'Endpoints'],
  ['v1/Event', 'Event'],
  ['v1/Node', 'Node'],
  ['apps/v1/Deployment', 'Deployment'],
  ['apps/v1/ReplicaSet', 'ReplicaSet'],
  ['apps/v1/StatefulSet', 'StatefulSet'],
  ['autoscaling/v1/Scale', 'Scale'],
  ['coordination.k8s.io/v1/Lease', 'Lease'],
  ['discovery.k8s.io/v1/EndpointSlice', 'EndpointSlice'],
]);
