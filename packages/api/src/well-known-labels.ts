// Label and annotation keys with meaning to Service networking, as upstream spells them.

export const LabelServiceName = 'kubernetes.io/service-name';
export const LabelManagedBy = 'endpointslice.kubernetes.io/managed-by';
/** Value of LabelManagedBy for slices the EndpointSlice controller owns. */
export const ControllerName = 'endpointslice-controller.k8s.io';
/** Value of LabelManagedBy for slices the EndpointSliceMirroring controller owns. */
export const MirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const LabelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const LabelHostname = 'kubernetes.io/hostname';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';
export const LabelTopologyRegion = 'topology.kubernetes.io/region';
export const LabelHeadless = 'service.kubernetes.io/headless';
export const LabelServiceProxyName = 'service.kubernetes.io/service-proxy-name';

export const AnnotationEndpointsLastChangeTriggerTime =
  'endpoints.kubernetes.io/last-change-trigger-time';
export const AnnotationEndpointsOverCapacity = 'endpoints.kubernetes.io/over-capacity';
export const AnnotationTopologyMode = 'service.kubernetes.io/topology-mode';
export const AnnotationTopologyAwareHints = 'service.kubernetes.io/topology-aware-hints';
export const AnnotationLoadBalancerSourceRanges =
  'service.beta.kubernetes.io/load-balancer-source-ranges';
export const AnnotationLastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
