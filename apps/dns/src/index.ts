// Public surface of the dns workspace: what main.ts wires, for embedding the server (component and
// e2e tests, benchmarks) without reaching into src/ by path.
export { buildDnsChain, type ChainConfig, type DnsChain } from './chain.js';
export { ConfigError, parseConfig, type DnsConfig } from './config.js';
export { createHttpServer, type HttpDeps } from './http.js';
export { informerSource, type InformerSourceOptions } from './informer-source.js';
export { DnsMetrics } from './metrics.js';
export {
  loadObjectsFile,
  ObjectsFileError,
  parseObjects,
  staticSource,
  type DnsObject,
} from './objects-file.js';
export {
  CHAIN,
  QType,
  Rcode,
  type DnsReply,
  type DnsRequest,
  type Handler,
  type PluginName,
} from './plugin.js';
export { DnsServer, type DnsServerOptions } from './server.js';
