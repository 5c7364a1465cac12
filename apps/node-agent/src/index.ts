export { NodeAgent } from './agent.js';
export type { NodeAgentOptions } from './agent.js';
export { AgentHost } from './agent-host.js';
export type { AgentHostOptions } from './agent-host.js';
export { main } from './main.js';
export {
  defaultPodCIDR,
  defaultZone,
  KubeletVersion,
  leaseFor,
  nodeFor,
  NodeLeaseDurationSeconds,
  NodeLeaseNamespace,
  NodeLeaseRenewIntervalMs,
  nodeNeedsUpdate,
} from './node-object.js';
export type { NodeIdentity } from './node-object.js';
export { parseAgentOptions } from './options.js';
export type { AgentOptions } from './options.js';
export { computePodStatus } from './runtime/pod-status.js';
export { PodIPAllocator } from './runtime/pod-ip-allocator.js';
export { PodRuntime } from './runtime/pod-runtime.js';
