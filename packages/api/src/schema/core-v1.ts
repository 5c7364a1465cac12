// core/v1 definitions: Namespace, Node, Pod, Service, Endpoints, Event, Binding and their parts.
import {
  arr,
  arrOf,
  bool,
  CORE,
  enumStr,
  int32,
  int64,
  INT_OR_STRING,
  kind,
  META,
  MICRO_TIME,
  obj,
  opaque,
  quantityMap,
  ref,
  requiring,
  str,
  strList,
  strMap,
  time,
} from './builders.js';
import type { DefinitionTable, SchemaGVK } from './types.js';

const gvk = (k: string): SchemaGVK => ({ group: '', version: 'v1', kind: k });
const protocol = (what: string) =>
  enumStr(['SCTP', 'TCP', 'UDP'], `${what} protocol: TCP (default), UDP or SCTP.`);
const conditionStatus = enumStr(
  ['True', 'False', 'Unknown'],
  'Whether the condition holds: True, False or Unknown.',
);

export const coreV1Definitions: DefinitionTable = {
  // --- Service ---------------------------------------------------------------------------------
  [`${CORE}Service`]: kind(
    gvk('Service'),
    'A named, stable virtual address and port set in front of a group of pods.',
    {
      spec: ref(`${CORE}ServiceSpec`, 'Desired behaviour of the service.'),
      status: ref(`${CORE}ServiceStatus`, 'Observed state of the service, filled by controllers.'),
    },
  ),
  [`${CORE}ServiceSpec`]: obj('What the service exposes and how traffic is routed.', {
    ports: arrOf(`${CORE}ServicePort`, 'Ports the service exposes.', {
      patchStrategy: 'merge',
      patchMergeKey: 'port',
      listType: 'map',
      listMapKeys: ['port', 'protocol'],
    }),
    selector: strMap(
      'Pods whose labels match these pairs become endpoints; empty means endpoints are managed by hand.',
    ),
    clusterIP: str(
      'Virtual IP inside the cluster; allocated when empty, "None" for a headless service. Mostly immutable.',
    ),
    clusterIPs: strList('Virtual IPs, one per IP family; the first equals clusterIP.', {
      listType: 'atomic',
    }),
    type: enumStr(
      ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
      'How the service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName.',
    ),
    externalIPs: strList('Extra IPs on which nodes accept traffic for this service.', {
      listType: 'atomic',
    }),
    sessionAffinity: enumStr(
      ['ClientIP', 'None'],
      'Keeps a client on one endpoint: "ClientIP" pins connections from the same source address to the same pod, "None" (the default) balances every connection independently.',
    ),
    loadBalancerIP: str(
      'Requested load balancer address (deprecated upstream; honoured by some providers).',
    ),
    loadBalancerSourceRanges: strList(
      'CIDRs allowed to reach a LoadBalancer service; all when empty.',
      { listType: 'atomic' },
    ),
    externalName: str('DNS name returned as a CNAME for an ExternalName service.'),
    externalTrafficPolicy: enumStr(
      ['Cluster', 'Local'],
      'Cluster spreads external traffic to all endpoints; Local keeps it on the receiving node and preserves the client address.',
    ),
    healthCheckNodePort: int32(
      'Node port for load balancer health checks when externalTrafficPolicy is Local.',
    ),
    publishNotReadyAddresses: bool(
      'Publish endpoints for pods that are not ready, e.g. for peer discovery.',
    ),
    sessionAffinityConfig: ref(`${CORE}SessionAffinityConfig`, 'Settings for session affinity.'),
    ipFamilies: arr(enumStr(['IPv4', 'IPv6'], ''), 'IP families of the cluster IPs, in order.', {
      listType: 'atomic',
    }),
    ipFamilyPolicy: enumStr(
      ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
      'How many IP families the service gets: SingleStack, PreferDualStack or RequireDualStack.',
    ),
    allocateLoadBalancerNodePorts: bool(
      'Whether a LoadBalancer service also gets node ports (default true).',
    ),
    loadBalancerClass: str(
      'Which load balancer implementation handles this service; immutable once set.',
    ),
    internalTrafficPolicy: enumStr(
      ['Cluster', 'Local'],
      'Cluster routes in-cluster traffic to all endpoints; Local only to endpoints on the same node.',
    ),
    trafficDistribution: str('Preference for how traffic is spread, e.g. PreferClose.'),
  }),
  [`${CORE}ServicePort`]: obj(
    'One port a service exposes.',
    {
      name: str('Port name, unique within the service; required when there is more than one port.'),
      protocol: protocol('IP'),
      appProtocol: str('Application protocol hint, e.g. http or kubernetes.io/h2c.'),
      port: int32('Port the service listens on.'),
      targetPort: ref(
        INT_OR_STRING,
        'Port number or named container port on the pods; defaults to port.',
      ),
      nodePort: int32(
        'Port on every node for NodePort and LoadBalancer services; allocated when empty.',
      ),
    },
    { required: ['port'] },
  ),
  [`${CORE}SessionAffinityConfig`]: obj('Settings for session affinity.', {
    clientIP: ref(`${CORE}ClientIPConfig`, 'Settings for ClientIP affinity.'),
  }),
  [`${CORE}ClientIPConfig`]: obj('Settings for ClientIP session affinity.', {
    timeoutSeconds: int32('Seconds a client stays pinned (1..86400, default 10800).'),
  }),
  [`${CORE}ServiceStatus`]: obj('Observed state of a service.', {
    loadBalancer: ref(`${CORE}LoadBalancerStatus`, 'Load balancer state, if any.'),
    conditions: arrOf(`${META}Condition`, 'Current conditions of the service.', {
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'map',
      listMapKeys: ['type'],
    }),
  }),
  [`${CORE}LoadBalancerStatus`]: obj('State of a load balancer.', {
    ingress: arrOf(`${CORE}LoadBalancerIngress`, 'Addresses of the load balancer.', {
      listType: 'atomic',
    }),
  }),
  [`${CORE}LoadBalancerIngress`]: obj('One address of a load balancer.', {
    ip: str('IP address of the load balancer.'),
    hostname: str('DNS name of the load balancer.'),
    ipMode: enumStr(
      ['Proxy', 'VIP'],
      'VIP delivers traffic with the destination set to the address; Proxy rewrites it.',
    ),
    ports: arrOf(`${CORE}PortStatus`, 'Per-port status.', { listType: 'atomic' }),
  }),
  [`${CORE}PortStatus`]: obj(
    'Status of one load balancer port.',
    {
      port: int32('Port number.'),
      protocol: protocol('Port'),
      error: str('Problem with this port, as a CamelCase reason.'),
    },
    { required: ['port', 'protocol'] },
  ),

  // --- Endpoints -------------------------------------------------------------------------------
  [`${CORE}Endpoints`]: kind(
    gvk('Endpoints'),
    'The addresses and ports behind a service (legacy API; see EndpointSlice).',
    {
      subsets: arrOf(`${CORE}EndpointSubset`, 'Groups of addresses sharing the same ports.', {
        listType: 'atomic',
      }),
    },
  ),
  [`${CORE}EndpointSubset`]: obj('Addresses that all serve the same ports.', {
    addresses: arrOf(`${CORE}EndpointAddress`, 'Ready addresses.', { listType: 'atomic' }),
    notReadyAddresses: arrOf(
      `${CORE}EndpointAddress`,
      'Addresses not ready yet, or failing readiness.',
      { listType: 'atomic' },
    ),
    ports: arrOf(`${CORE}EndpointPort`, 'Ports served by the addresses.', { listType: 'atomic' }),
  }),
  [`${CORE}EndpointAddress`]: obj(
    'One endpoint address.',
    {
      ip: str('IP address of the endpoint.'),
      hostname: str('Hostname of the endpoint, for DNS.'),
      nodeName: str('Node hosting the endpoint.'),
      targetRef: ref(`${CORE}ObjectReference`, 'The object behind the endpoint, usually a pod.'),
    },
    { required: ['ip'], mapType: 'atomic' },
  ),
  [`${CORE}EndpointPort`]: obj(
    'One port of an endpoint subset.',
    {
      name: str('Matches the name of a service port.'),
      port: int32('Port number.'),
      protocol: protocol('Port'),
      appProtocol: str('Application protocol hint.'),
    },
    { required: ['port'], mapType: 'atomic' },
  ),
  [`${CORE}ObjectReference`]: obj(
    'A reference to another object.',
    {
      kind: str('Kind of the referent.'),
      namespace: str('Namespace of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      apiVersion: str('API version of the referent.'),
      resourceVersion: str('Specific version of the referent.'),
      fieldPath: str('A field within the referent, e.g. spec.containers{web}.'),
    },
    { mapType: 'atomic' },
  ),

  // --- Namespace -------------------------------------------------------------------------------
  [`${CORE}Namespace`]: kind(gvk('Namespace'), 'A scope for names and a unit of isolation.', {
    spec: ref(`${CORE}NamespaceSpec`, 'Desired state of the namespace.'),
    status: ref(`${CORE}NamespaceStatus`, 'Observed state of the namespace.'),
  }),
  [`${CORE}NamespaceSpec`]: obj('Desired state of a namespace.', {
    finalizers: strList('Must be empty before the namespace is removed from storage.', {
      listType: 'atomic',
    }),
  }),
  [`${CORE}NamespaceStatus`]: obj('Observed state of a namespace.', {
    phase: enumStr(
      ['Active', 'Terminating'],
      'Active, or Terminating while its contents are deleted.',
    ),
  }),

  // --- Node ------------------------------------------------------------------------------------
  [`${CORE}Node`]: kind(gvk('Node'), 'A worker machine that runs pods and a kube-proxy.', {
    spec: ref(`${CORE}NodeSpec`, 'Desired configuration of the node.'),
    status: ref(`${CORE}NodeStatus`, 'Most recently observed state of the node.'),
  }),
  [`${CORE}NodeSpec`]: obj('Desired configuration of a node.', {
    podCIDR: str('Pod address range assigned to the node.'),
    podCIDRs: strList('Pod address ranges, one per IP family.', {
      patchStrategy: 'merge',
      listType: 'set',
    }),
    providerID: str('Cloud provider id of the node.'),
    unschedulable: bool('When true, no new pods are scheduled here.'),
    taints: arrOf(`${CORE}Taint`, 'Taints repel pods that do not tolerate them.', {
      listType: 'atomic',
    }),
  }),
  [`${CORE}Taint`]: obj(
    'Marks a node so that only tolerating pods go there.',
    {
      key: str('Taint key.'),
      value: str('Taint value.'),
      effect: enumStr(
        ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
        'What happens to pods that do not tolerate the taint.',
      ),
      timeAdded: time('When a NoExecute taint was added.'),
    },
    { required: ['key', 'effect'] },
  ),
  [`${CORE}NodeStatus`]: obj('Observed state of a node.', {
    capacity: quantityMap('Total resources of the node.'),
    allocatable: quantityMap('Resources available to pods.'),
    phase: str('Deprecated lifecycle phase.'),
    conditions: arrOf(`${CORE}NodeCondition`, 'Current conditions such as Ready.', {
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'map',
      listMapKeys: ['type'],
    }),
    addresses: arrOf(`${CORE}NodeAddress`, 'Addresses of the node.', {
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'atomic',
    }),
    daemonEndpoints: ref(`${CORE}NodeDaemonEndpoints`, 'Ports of daemons on the node.'),
    nodeInfo: ref(`${CORE}NodeSystemInfo`, 'Versions and ids reported by the node agent.'),
  }),
  [`${CORE}NodeCondition`]: obj(
    'One condition of a node.',
    {
      type: str('Condition type, e.g. Ready.'),
      status: conditionStatus,
      lastHeartbeatTime: time('When the condition was last reported.'),
      lastTransitionTime: time('When status last changed.'),
      reason: str('CamelCase reason for the last transition.'),
      message: str('Human-readable detail.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${CORE}NodeAddress`]: obj(
    'One address of a node.',
    {
      type: enumStr(
        ['ExternalDNS', 'ExternalIP', 'Hostname', 'InternalDNS', 'InternalIP'],
        'Kind of address.',
      ),
      address: str('The address.'),
    },
    { required: ['type', 'address'] },
  ),
  [`${CORE}NodeDaemonEndpoints`]: obj('Ports of daemons running on a node.', {
    kubeletEndpoint: ref(`${CORE}DaemonEndpoint`, 'Port of the node agent.'),
  }),
  [`${CORE}DaemonEndpoint`]: obj(
    'A daemon port.',
    { Port: int32('Port number.') },
    { required: ['Port'] },
  ),
  [`${CORE}NodeSystemInfo`]: obj(
    'Identity and versions of a node.',
    {
      machineID: str('Machine id.'),
      systemUUID: str('System UUID.'),
      bootID: str('Boot id; changes on reboot.'),
      kernelVersion: str('Kernel version.'),
      osImage: str('Operating system image.'),
      containerRuntimeVersion: str('Container runtime and version.'),
      kubeletVersion: str('Node agent version.'),
      kubeProxyVersion: str('kube-proxy version (deprecated upstream).'),
      operatingSystem: str('Operating system, e.g. linux.'),
      architecture: str('CPU architecture, e.g. amd64.'),
    },
    {
      required: [
        'machineID',
        'systemUUID',
        'bootID',
        'kernelVersion',
        'osImage',
        'containerRuntimeVersion',
        'kubeletVersion',
        'kubeProxyVersion',
        'operatingSystem',
        'architecture',
      ],
    },
  ),

  // --- Pod -------------------------------------------------------------------------------------
  [`${CORE}Pod`]: kind(
    gvk('Pod'),
    'A group of containers scheduled together on one node with one IP.',
    {
      spec: ref(`${CORE}PodSpec`, 'Desired behaviour of the pod.'),
      status: ref(`${CORE}PodStatus`, 'Most recently observed state of the pod.'),
    },
  ),
  [`${CORE}PodSpec`]: obj(
    'Desired behaviour of a pod.',
    {
      containers: arrOf(`${CORE}Container`, 'Containers of the pod; at least one.', {
        patchStrategy: 'merge',
        patchMergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
      }),
      initContainers: arrOf(
        `${CORE}Container`,
        'Containers that run to completion, in order, before the others start.',
        {
          patchStrategy: 'merge',
          patchMergeKey: 'name',
          listType: 'map',
          listMapKeys: ['name'],
        },
      ),
      restartPolicy: enumStr(
        ['Always', 'Never', 'OnFailure'],
        'When containers are restarted: Always (default), OnFailure or Never.',
      ),
      terminationGracePeriodSeconds: int64('Seconds between the stop signal and a forced kill.'),
      nodeSelector: strMap('The pod only fits nodes with these labels.'),
      nodeName: str('Node the pod is bound to; set by the scheduler.'),
      hostNetwork: bool("Use the node's network namespace."),
      hostname: str('Hostname of the pod; defaults to its name.'),
      subdomain: str('With hostname, gives the pod a DNS name under a headless service.'),
      schedulerName: str('Scheduler responsible for the pod.'),
      dnsPolicy: enumStr(
        ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
        'How the pod resolves names.',
      ),
      serviceAccountName: str('Service account the pod runs as.'),
      tolerations: arrOf(`${CORE}Toleration`, 'Taints the pod tolerates.', { listType: 'atomic' }),
      priority: int32('Priority value, from the priority class.'),
      enableServiceLinks: bool('Inject service address environment variables (default true).'),
      volumes: arrOf(`${CORE}Volume`, 'Volumes the containers can mount.', {
        patchStrategy: 'merge,retainKeys',
        patchMergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
      }),
      dnsConfig: ref(`${CORE}PodDNSConfig`, 'Resolver settings merged into those dnsPolicy gives.'),
      setHostnameAsFQDN: bool('Make the pod hostname its fully qualified domain name.'),
      hostAliases: arrOf(`${CORE}HostAlias`, "Extra entries for the pod's hosts file.", {
        patchStrategy: 'merge',
        patchMergeKey: 'ip',
        listType: 'map',
        listMapKeys: ['ip'],
      }),
      readinessGates: arrOf(
        `${CORE}PodReadinessGate`,
        'Extra conditions that must be True for the pod to be ready.',
        { listType: 'atomic' },
      ),
      imagePullSecrets: arrOf(`${CORE}LocalObjectReference`, 'Secrets for pulling images.', {
        patchStrategy: 'merge',
        patchMergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
      }),
      serviceAccount: str('Deprecated alias of serviceAccountName.'),
      automountServiceAccountToken: bool('Mount the service account token.'),
      priorityClassName: str('Priority class of the pod.'),
      runtimeClassName: str('Runtime class of the pod.'),
      activeDeadlineSeconds: int64('Seconds the pod may run before it is failed.'),
      shareProcessNamespace: bool('Share one process namespace between containers.'),
      hostPID: bool("Use the node's PID namespace."),
      hostIPC: bool("Use the node's IPC namespace."),
      os: ref(`${CORE}PodOS`, 'Operating system the pod needs.'),
      securityContext: opaque('Pod-level security options; stored, not enforced by svclab.'),
      affinity: opaque('Scheduling affinity rules; stored, not used by the svclab scheduler.'),
      topologySpreadConstraints: arr(opaque(''), 'How pods spread across topology domains.', {
        listType: 'atomic',
      }),
    },
    { required: ['containers'] },
  ),
  [`${CORE}Toleration`]: obj('Allows a pod onto nodes with a matching taint.', {
    key: str('Taint key to match; empty with Exists matches all.'),
    operator: enumStr(['Equal', 'Exists'], 'How key and value are compared.'),
    value: str('Taint value to match.'),
    effect: enumStr(
      ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      'Taint effect to match; empty matches all.',
    ),
    tolerationSeconds: int64('How long a NoExecute taint is tolerated.'),
  }),
  [`${CORE}Container`]: obj(
    'One container of a pod.',
    {
      name: str('Container name, unique in the pod.'),
      image: str('Image to run; svclab maps it to a built-in workload.'),
      command: strList('Entrypoint, replacing the image default.', { listType: 'atomic' }),
      args: strList('Arguments to the entrypoint.', { listType: 'atomic' }),
      ports: arrOf(
        `${CORE}ContainerPort`,
        'Ports the container listens on (informational, used by named targetPorts).',
        {
          patchStrategy: 'merge',
          patchMergeKey: 'containerPort',
          listType: 'map',
          listMapKeys: ['containerPort', 'protocol'],
        },
      ),
      env: arrOf(`${CORE}EnvVar`, 'Environment variables.', {
        patchStrategy: 'merge',
        patchMergeKey: 'name',
        listType: 'atomic',
      }),
      resources: ref(`${CORE}ResourceRequirements`, 'Compute resources the container needs.'),
      readinessProbe: ref(`${CORE}Probe`, 'Decides when the container is ready for traffic.'),
      livenessProbe: ref(`${CORE}Probe`, 'Decides when the container is restarted.'),
      startupProbe: ref(
        `${CORE}Probe`,
        'Holds the other probes back until the container has started.',
      ),
      imagePullPolicy: enumStr(['Always', 'IfNotPresent', 'Never'], 'When the image is pulled.'),
      restartPolicy: enumStr(
        ['Always'],
        'Init containers only: Always turns the init container into a sidecar that keeps running.',
      ),
      terminationMessagePath: str('File the termination message is read from.'),
      terminationMessagePolicy: enumStr(
        ['FallbackToLogsOnError', 'File'],
        'Where the termination message comes from.',
      ),
      workingDir: str('Working directory of the entrypoint.'),
      envFrom: arr(
        opaque(''),
        'Sources (ConfigMaps, Secrets) to populate environment variables from.',
        { listType: 'atomic' },
      ),
      volumeMounts: arrOf(`${CORE}VolumeMount`, 'Pod volumes to mount into the container.', {
        patchStrategy: 'merge',
        patchMergeKey: 'mountPath',
        listType: 'atomic',
      }),
      securityContext: opaque('Security options of the container; stored, not enforced by svclab.'),
      lifecycle: opaque('Hooks run after start and before stop.'),
      stdin: bool('Keep stdin open.'),
      stdinOnce: bool('Close stdin after the first attach.'),
      tty: bool('Allocate a TTY.'),
    },
    { required: ['name'] },
  ),
  [`${CORE}ContainerPort`]: obj(
    'One port of a container.',
    {
      name: str('IANA_SVC_NAME-style name a service targetPort can refer to.'),
      hostPort: int32('Port on the node to expose, if any.'),
      containerPort: int32('Port the container listens on.'),
      protocol: protocol('Port'),
      hostIP: str('Node IP to bind the host port to.'),
    },
    { required: ['containerPort'] },
  ),
  [`${CORE}EnvVar`]: obj(
    'One environment variable.',
    {
      name: str('Variable name.'),
      value: str('Variable value; $(VAR) references are expanded.'),
      valueFrom: ref(
        `${CORE}EnvVarSource`,
        'Takes the value from elsewhere; cannot be used with value.',
      ),
    },
    { required: ['name'] },
  ),
  [`${CORE}EnvVarSource`]: obj('Where an environment variable gets its value.', {
    fieldRef: ref(
      `${CORE}ObjectFieldSelector`,
      'A field of the pod, e.g. status.podIP or metadata.name.',
    ),
    resourceFieldRef: opaque('A resource limit or request of a container.'),
    configMapKeyRef: opaque('A key of a ConfigMap.'),
    secretKeyRef: opaque('A key of a Secret.'),
  }),
  [`${CORE}ObjectFieldSelector`]: obj(
    'Selects a field of the pod (downward API).',
    {
      apiVersion: str('Version the field path is written in (default v1).'),
      fieldPath: str('Path of the field, e.g. status.podIP.'),
    },
    { required: ['fieldPath'], mapType: 'atomic' },
  ),
  [`${CORE}VolumeMount`]: obj(
    'Mounts a pod volume into a container.',
    {
      name: str('Name of the pod volume.'),
      mountPath: str('Path in the container; must not contain a colon.'),
      readOnly: bool('Mount read-only.'),
      subPath: str('Sub-path of the volume to mount instead of its root.'),
      subPathExpr: str('Like subPath, with $(VAR) expansion from the environment.'),
      mountPropagation: str('How mounts propagate between host and container.'),
      recursiveReadOnly: str('Whether read-only applies recursively.'),
    },
    { required: ['name', 'mountPath'] },
  ),
  [`${CORE}Volume`]: {
    description:
      'A named volume of a pod with one volume source (emptyDir, configMap, secret, …); stored as given.',
    type: 'object',
    properties: { name: str('Volume name, unique in the pod.') },
    required: ['name'],
    preserveUnknownFields: true,
  },
  [`${CORE}PodDNSConfig`]: obj("Extra settings merged into the pod's resolver configuration.", {
    nameservers: strList('Extra name server IPs.', { listType: 'atomic' }),
    searches: strList('Extra search domains.', { listType: 'atomic' }),
    options: arrOf(`${CORE}PodDNSConfigOption`, 'Resolver options such as ndots.', {
      listType: 'atomic',
    }),
  }),
  [`${CORE}PodDNSConfigOption`]: obj('One resolver option.', {
    name: str('Option name, e.g. ndots.'),
    value: str('Option value.'),
  }),
  [`${CORE}HostAlias`]: obj(
    "An extra entry for the pod's hosts file.",
    {
      ip: str('IP address of the entry.'),
      hostnames: strList('Host names for the IP.', { listType: 'atomic' }),
    },
    { required: ['ip'] },
  ),
  [`${CORE}LocalObjectReference`]: obj(
    'Names an object in the same namespace.',
    { name: str('Name of the referent.') },
    { mapType: 'atomic' },
  ),
  [`${CORE}PodOS`]: obj(
    'Operating system the pod needs.',
    { name: str('OS name, e.g. linux.') },
    { required: ['name'] },
  ),
  [`${CORE}ResourceRequirements`]: obj('Compute resource limits and requests.', {
    limits: quantityMap('Maximum resources allowed.'),
    requests: quantityMap('Resources the scheduler reserves.'),
  }),
  [`${CORE}Probe`]: obj('A health check of a container.', {
    httpGet: ref(`${CORE}HTTPGetAction`, 'Probe with an HTTP GET.'),
    tcpSocket: ref(`${CORE}TCPSocketAction`, 'Probe by opening a TCP connection.'),
    exec: ref(`${CORE}ExecAction`, 'Probe by running a command.'),
    initialDelaySeconds: int32('Seconds after start before the first probe.'),
    timeoutSeconds: int32('Seconds before a probe times out (default 1).'),
    periodSeconds: int32('Seconds between probes (default 10).'),
    successThreshold: int32('Consecutive successes needed after a failure (default 1).'),
    failureThreshold: int32('Consecutive failures before giving up (default 3).'),
    terminationGracePeriodSeconds: int64(
      'Grace period used when a liveness failure kills the container.',
    ),
  }),
  [`${CORE}HTTPGetAction`]: obj(
    'An HTTP GET health check.',
    {
      path: str('Request path.'),
      port: ref(INT_OR_STRING, 'Port number or name to connect to.'),
      host: str('Host to connect to; defaults to the pod IP.'),
      scheme: enumStr(['HTTP', 'HTTPS'], 'Scheme to use (default HTTP).'),
      httpHeaders: arrOf(`${CORE}HTTPHeader`, 'Extra request headers.', { listType: 'atomic' }),
    },
    { required: ['port'] },
  ),
  [`${CORE}HTTPHeader`]: obj(
    'One HTTP header.',
    { name: str('Header name.'), value: str('Header value.') },
    { required: ['name', 'value'] },
  ),
  [`${CORE}TCPSocketAction`]: obj(
    'A TCP connect health check.',
    {
      port: ref(INT_OR_STRING, 'Port number or name to connect to.'),
      host: str('Host to connect to; defaults to the pod IP.'),
    },
    { required: ['port'] },
  ),
  [`${CORE}ExecAction`]: obj('A command health check; exit status 0 is healthy.', {
    command: strList('Command line to run.', { listType: 'atomic' }),
  }),
  [`${CORE}PodStatus`]: obj('Observed state of a pod.', {
    phase: enumStr(
      ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
      'Coarse lifecycle phase.',
    ),
    conditions: arrOf(`${CORE}PodCondition`, 'Current conditions such as Ready.', {
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'map',
      listMapKeys: ['type'],
    }),
    message: str('Human-readable detail on the pod state.'),
    reason: str('CamelCase reason for the pod state.'),
    hostIP: str('IP of the node the pod runs on.'),
    hostIPs: arrOf(`${CORE}HostIP`, 'IPs of the node, one per family.', {
      patchStrategy: 'merge',
      patchMergeKey: 'ip',
      listType: 'atomic',
    }),
    podIP: str('Primary IP of the pod.'),
    podIPs: arrOf(`${CORE}PodIP`, 'IPs of the pod, one per family; the first equals podIP.', {
      patchStrategy: 'merge',
      patchMergeKey: 'ip',
      listType: 'map',
      listMapKeys: ['ip'],
    }),
    startTime: time('When the node acknowledged the pod.'),
    containerStatuses: arrOf(`${CORE}ContainerStatus`, 'Status of each container.', {
      listType: 'atomic',
    }),
    initContainerStatuses: arrOf(`${CORE}ContainerStatus`, 'Status of each init container.', {
      listType: 'atomic',
    }),
    qosClass: enumStr(['BestEffort', 'Burstable', 'Guaranteed'], 'Quality of service class.'),
    nominatedNodeName: str('Node the scheduler plans to use after preemption.'),
    readinessGates: arrOf(
      `${CORE}PodReadinessGate`,
      'Extra conditions that must be True for readiness.',
      { listType: 'atomic' },
    ),
  }),
  [`${CORE}PodReadinessGate`]: obj(
    'A condition that gates pod readiness.',
    { conditionType: str('Condition type that must be True.') },
    { required: ['conditionType'] },
  ),
  [`${CORE}PodCondition`]: obj(
    'One condition of a pod.',
    {
      type: str('Condition type, e.g. Ready or PodScheduled.'),
      status: conditionStatus,
      lastProbeTime: time('When the condition was last probed.', { nullable: true }),
      lastTransitionTime: time('When status last changed.'),
      reason: str('CamelCase reason for the last transition.'),
      message: str('Human-readable detail.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${CORE}HostIP`]: obj(
    'One IP of the host.',
    { ip: str('The IP address.') },
    { required: ['ip'] },
  ),
  [`${CORE}PodIP`]: obj('One IP of the pod.', { ip: str('The IP address.') }, { required: ['ip'] }),
  [`${CORE}ContainerStatus`]: obj(
    'Observed state of one container.',
    {
      name: str('Container name.'),
      state: ref(`${CORE}ContainerState`, 'Current state.'),
      lastState: ref(`${CORE}ContainerState`, 'State of the previous run.'),
      ready: bool('Whether the readiness probe passes.'),
      restartCount: int32('How often the container restarted.'),
      image: str('Image the container runs.'),
      imageID: str('Resolved image id.'),
      containerID: str('Runtime id of the container.'),
      started: bool('Whether the startup probe passed.'),
    },
    { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
  ),
  [`${CORE}ContainerState`]: obj('Exactly one of waiting, running or terminated.', {
    waiting: ref(`${CORE}ContainerStateWaiting`, 'Not running yet.'),
    running: ref(`${CORE}ContainerStateRunning`, 'Running.'),
    terminated: ref(`${CORE}ContainerStateTerminated`, 'Finished or killed.'),
  }),
  [`${CORE}ContainerStateWaiting`]: obj('A waiting container.', {
    reason: str('Why it waits.'),
    message: str('Detail.'),
  }),
  [`${CORE}ContainerStateRunning`]: obj('A running container.', {
    startedAt: time('When it started.'),
  }),
  [`${CORE}ContainerStateTerminated`]: obj(
    'A terminated container.',
    {
      exitCode: int32('Exit status.'),
      signal: int32('Signal that ended it.'),
      reason: str('Why it ended.'),
      message: str('Detail.'),
      startedAt: time('When it started.'),
      finishedAt: time('When it ended.'),
      containerID: str('Runtime id of the container.'),
    },
    { required: ['exitCode'] },
  ),
  [`${CORE}PodTemplateSpec`]: obj('Pods created from a template get this metadata and spec.', {
    metadata: ref(`${META}ObjectMeta`, 'Metadata (labels, annotations) of created pods.'),
    spec: ref(`${CORE}PodSpec`, 'Spec of created pods.'),
  }),

  // --- Binding, Event --------------------------------------------------------------------------
  [`${CORE}Binding`]: requiring(
    kind(gvk('Binding'), 'Binds a pod to a node; posted by the scheduler to pods/binding.', {
      target: ref(`${CORE}ObjectReference`, 'The node to bind to.'),
    }),
    ['target'],
  ),
  [`${CORE}Event`]: requiring(
    kind(gvk('Event'), 'A report of something that happened to an object.', {
      involvedObject: ref(`${CORE}ObjectReference`, 'The object the event is about.'),
      reason: str('Short CamelCase reason.'),
      message: str('Human-readable description.'),
      source: ref(`${CORE}EventSource`, 'Component that reported the event.'),
      firstTimestamp: time('When the event was first seen.'),
      lastTimestamp: time('When the event was most recently seen.'),
      count: int32('How often the event occurred.'),
      type: enumStr(['Normal', 'Warning'], 'Normal or Warning.'),
      eventTime: ref(MICRO_TIME, 'When the event was first observed, with microseconds.', {
        nullable: true,
      }),
      action: str('What action was taken or failed.'),
      reportingComponent: str('Controller that emitted the event.'),
      reportingInstance: str('Instance of that controller.'),
    }),
    ['metadata', 'involvedObject'],
  ),
  [`${CORE}EventSource`]: obj('Where an event came from.', {
    component: str('Component name.'),
    host: str('Node name.'),
  }),
};
