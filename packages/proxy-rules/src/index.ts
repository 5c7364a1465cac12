// @svclab/proxy-rules: kube-proxy's pure rule rendering (iptables, IPVS), shared by the
// kube-proxy agent (control loop + data plane) and the svclab CLI.
export { AffinityTable } from './affinity-table.js';
export type { CategorizedEndpoints, TopologyNode } from './categorize-endpoints.js';
export { categorizeEndpoints } from './categorize-endpoints.js';
export {
  hashPrefix16,
  isServiceChainName,
  portProtoHash,
  servicePortEndpointChainName,
} from './chain-names.js';
export type { Candidate, Decision, Explanation, Packet } from './decide.js';
export { decide, explain } from './decide.js';
export type { EndpointInfo, ServiceEndpoints } from './endpoint-info.js';
export { groupSlicesByService, serviceEndpoints } from './endpoint-info.js';
export type { DumpChain, DumpTable, IptablesDump } from './iptables-dump.js';
export {
  formatIptablesDump,
  IptablesParseError,
  parseIptablesDump,
  ruleComment,
  sortIptablesRules,
} from './iptables-dump.js';
export type {
  IptablesOptions,
  IptablesResult,
  IptablesStats,
  LocalDetector,
  ProxyNode,
  ProxyState,
} from './iptables-render.js';
export { IptablesCache, localDetectorArgs, renderIptables } from './iptables-render.js';
export type {
  IPSetContent,
  IpvsOptions,
  IpvsResult,
  IpvsScheduler,
  RealServer,
  VirtualServer,
} from './ipvs-render.js';
export { formatIpsetList, formatIpvsadm, IpvsSchedulers, renderIpvs } from './ipvs-render.js';
export type { PickContext, SchedulerServer, SchedulerState } from './ipvs-schedulers.js';
export { newSchedulerState, pickIpvs } from './ipvs-schedulers.js';
export type { LoadedObjects } from './load-objects.js';
export { InputError, isInputError, loadObjects } from './load-objects.js';
export { probability } from './probability.js';
export type { CommandIO } from './proxy-rules-command.js';
export { proxyRulesCommand, proxyRulesUsage } from './proxy-rules-command.js';
export type { DetectorSpec, L4Protocol, Rule, RuleSet, Target } from './rule-set.js';
export type { ServicePortInfo } from './service-port-info.js';
export {
  DefaultStickyMaxAgeSeconds,
  externallyAccessible,
  servicePortInfos,
  shouldSkipService,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from './service-port-info.js';
