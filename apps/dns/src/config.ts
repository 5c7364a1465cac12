// Command-line flags and environment of the dns app. Flag names follow CoreDNS's Corefile options.
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_ALLOW, parseHostPort } from './plugins/forward/forward.js';
import { REPLY_CACHE_ENTRIES } from './reply-cache.js';
import { kubernetesOptions, PodMode, type KubernetesOptions } from './plugins/kubernetes/setup.js';

export interface DnsConfig {
  readonly dns: { readonly host: string; readonly port: number };
  readonly http: { readonly host: string; readonly port: number };
  readonly objectsFile: string | undefined;
  readonly kubernetes: KubernetesOptions;
  readonly upstreams: readonly string[];
  readonly allow: readonly string[];
  readonly forwardTimeoutMs: number;
  readonly forwardPolicy: 'random' | 'sequential';
  /** Cache cap in seconds; 0 disables the cache. */
  readonly cacheTTL: number;
  readonly log: boolean;
  readonly autopath: boolean;
  readonly lameduckMs: number;
  /** UDP through @svclab/udp-batch when it loads (--udp-listener batch), else node:dgram. */
  readonly udpBatch: boolean;
  /** Processes answering queries; above 1 a primary forks that many workers sharing the sockets. */
  readonly workers: number;
  /** Encoded replies kept per process (ReplyCache); 0 disables. */
  readonly replyCacheEntries: number;
  readonly apiserverURL: string | undefined;
  readonly token: string | undefined;
  readonly natsURL: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const USAGE = `usage: node apps/dns/dist/main.js [flags]
  --dns-address HOST:PORT     DNS over UDP and TCP (default 127.0.0.1:1053; port 0 picks one)
  --http-address HOST:PORT    /health, /ready, /metrics (default 127.0.0.1:9153)
  --objects FILE              serve the objects in FILE (YAML/JSON, multi-doc, kind: List) instead of the API
  --zone ZONE                 cluster zone (default cluster.local)
  --reverse-zones Z,Z         reverse zones answered (default in-addr.arpa,ip6.arpa; "" for none)
  --ttl SECONDS               record TTL, 0..3600 (default 5)
  --pods MODE                 disabled|insecure|verified (default disabled)
  --namespaces NS,NS          only expose these namespaces
  --endpoint-pod-names        endpoint names from the pod name
  --noendpoints               no endpoint records (headless and endpoint names NXDOMAIN)
  --ignore-empty-service      ClusterIP services without ready endpoints are NXDOMAIN
  --fallthrough ZONES         name errors in these zones go to forward ("." for all; default in-addr.arpa,ip6.arpa)
  --no-fallthrough            never fall through
  --upstream HOST:PORT,...    forward other names there (none: SERVFAIL)
  --allow-recursion CIDR,...  clients that may use forward (default ${DEFAULT_ALLOW.join(',')})
  --forward-timeout MS        per-upstream timeout (default 2000)
  --forward-policy P          random|sequential order of upstreams (default random)
  --cache SECONDS             max TTL of cached forwarded answers (default 3600; 0 disables)
  --log                       log every query as a JSON line
  --autopath                  server-side search path (needs --pods verified)
  --lameduck MS               after SIGTERM, report unhealthy and keep serving this long (default 5000)
  --workers N                 processes answering queries on the shared sockets (default 1; up to the
                              number of cores); above 1 the primary serves HTTP and restarts workers
  --reply-cache N             encoded replies of cluster names kept per process (default 32768; 0 disables)
  --udp-listener L            batch (recvmmsg/sendmmsg through @svclab/udp-batch when it loads, else
                              node:dgram; default) | dgram
env: APISERVER_URL, SVCLAB_TOKEN, NATS_URL, LOG_LEVEL`;

const list = (s: string | undefined): string[] =>
  s === undefined
    ? []
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');

function int(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`--${name}: not a non-negative integer: ${v}`);
  return n;
}

/** The server's own IPs (CoreDNS localIPs): the bind address, or every non-loopback address for a wildcard bind. */
export function localIPs(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const out = Object.values(networkInterfaces())
    .flatMap((l) => l ?? [])
    .filter((a) => !a.internal && (host === '::' || a.family === 'IPv4'))
    .map((a) => a.address);
  return out.length > 0 ? out : ['127.0.0.1'];
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): DnsConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'dns-address': { type: 'string' },
      'http-address': { type: 'string' },
      objects: { type: 'string' },
      zone: { type: 'string' },
      'reverse-zones': { type: 'string' },
      ttl: { type: 'string' },
      pods: { type: 'string' },
      namespaces: { type: 'string' },
      'endpoint-pod-names': { type: 'boolean' },
      noendpoints: { type: 'boolean' },
      'ignore-empty-service': { type: 'boolean' },
      fallthrough: { type: 'string' },
      'no-fallthrough': { type: 'boolean' },
      upstream: { type: 'string', multiple: true },
      'allow-recursion': { type: 'string' },
      'forward-timeout': { type: 'string' },
      'forward-policy': { type: 'string' },
      cache: { type: 'string' },
      log: { type: 'boolean' },
      autopath: { type: 'boolean' },
      lameduck: { type: 'string' },
      workers: { type: 'string' },
      'reply-cache': { type: 'string' },
      'udp-listener': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new ConfigError(USAGE);
  const policy = values['forward-policy'] ?? 'random';
  if (policy !== 'random' && policy !== 'sequential')
    throw new ConfigError(`--forward-policy: want random|sequential, got ${policy}`);
  const pods = values.pods ?? PodMode.Disabled;
  if (!Object.values(PodMode).includes(pods as PodMode))
    throw new ConfigError(`--pods: want disabled|insecure|verified, got ${pods}`);
  const reverse =
    values['reverse-zones'] === undefined
      ? ['in-addr.arpa', 'ip6.arpa']
      : list(values['reverse-zones']);
  let fallthrough: string[] | undefined =
    values.fallthrough === undefined ? ['in-addr.arpa', 'ip6.arpa'] : list(values.fallthrough);
  if (values.fallthrough === '.') fallthrough = [];
  if (values['no-fallthrough']) fallthrough = undefined;
  const udpListener = values['udp-listener'] ?? 'batch';
  if (udpListener !== 'batch' && udpListener !== 'dgram')
    throw new ConfigError(`--udp-listener: want batch|dgram, got ${udpListener}`);
  const workers = int('workers', values.workers, 1);
  if (workers < 1) throw new ConfigError('--workers: want at least 1');
  const dns = parseHostPort(values['dns-address'] ?? '127.0.0.1:1053', 53);
  const kubernetes = kubernetesOptions({
    zones: [values.zone ?? 'cluster.local', ...reverse],
    namespaces: list(values.namespaces),
    pods: pods as PodMode,
    endpointPodNames: values['endpoint-pod-names'] ?? false,
    ttl: int('ttl', values.ttl, 5),
    noEndpoints: values.noendpoints ?? false,
    ignoreEmptyService: values['ignore-empty-service'] ?? false,
    fallthrough,
    nsAddresses: localIPs(dns.host),
  });
  return {
    dns,
    http: parseHostPort(values['http-address'] ?? '127.0.0.1:9153', 9153),
    objectsFile: values.objects,
    kubernetes,
    upstreams: (values.upstream ?? []).flatMap((u) => list(u)),
    allow:
      values['allow-recursion'] === undefined
        ? [...DEFAULT_ALLOW]
        : list(values['allow-recursion']),
    forwardTimeoutMs: int('forward-timeout', values['forward-timeout'], 2000),
    forwardPolicy: policy,
    cacheTTL: int('cache', values.cache, 3600),
    log: values.log ?? false,
    autopath: values.autopath ?? false,
    lameduckMs: int('lameduck', values.lameduck, 5000),
    workers,
    replyCacheEntries: int('reply-cache', values['reply-cache'], REPLY_CACHE_ENTRIES),
    udpBatch: udpListener === 'batch',
    apiserverURL: env['APISERVER_URL'],
    token: env['SVCLAB_TOKEN'],
    natsURL: env['NATS_URL'],
  };
}
