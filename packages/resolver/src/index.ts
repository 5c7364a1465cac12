export type { PodDNSConfig, ResolvConf } from './resolv-conf.js';
export {
  defaultResolvConf,
  formatResolvConf,
  MAXDNSRCH,
  MAXNS,
  parseResolvConf,
  podResolvConf,
  searchCandidates,
} from './resolv-conf.js';
export type {
  Exchange,
  QueryLogEntry,
  ResolverOptions,
  ResolveResult,
  ResolveType,
} from './resolver.js';
export { realExchange, Resolver } from './resolver.js';
