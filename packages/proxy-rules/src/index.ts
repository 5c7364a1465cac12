// @svclab/proxy-rules: kube-proxy's pure rule rendering (iptables, IPVS).
export type { CategorizedEndpoints, TopologyNode } from './categorize-endpoints.js';
export { categorizeEndpoints } from './categorize-endpoints.js';
export { hashPrefix16, isServiceChainName, portProtoHash, servicePortEndpointChainName } from './chain-names.js';
export type { EndpointInfo, ServiceEndpoints } from './endpoint-info.js';
export { groupSlicesByService, serviceEndpoints } from './endpoint-info.js';
export type { DumpChain, DumpTable, IptablesDump } from './iptables-dump.js';
export { formatIptablesDump, IptablesParseError, parseIptablesDump, ruleComment, sortIptablesRules } from './iptables-dump.js';
export type { IptablesOptions, IptablesResult, IptablesStats, LocalDetector, ProxyNode, ProxyState } from './iptables-render.js';
export { IptablesCache, renderIptables } from './iptables-render.js';
export { probability } from './probability.js';
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
