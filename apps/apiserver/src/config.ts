// apiserver configuration from flags (upstream names) and environment.
import { parseDuration } from '@svclab/apimachinery';
import type { LogLevel } from '@svclab/telemetry';
import { parseLogLevel } from '@svclab/telemetry';
import { parseCIDR, parsePortRange } from './registry/allocators.js';

export interface Config {
  /** `--bind-address` (default 127.0.0.1). */
  readonly bindAddress: string;
  /** `--secure-port` (default 6443; HTTPS with --tls-cert-file, plain HTTP without). */
  readonly securePort: number;
  /** `--service-cluster-ip-range` (default 10.96.0.0/12). */
  readonly serviceClusterIPRange: string;
  /** `--service-node-port-range` (default 30000-32767). */
  readonly serviceNodePortRange: string;
  /** `--advertise-address`: the IP written to the `kubernetes` Endpoints (default: the bind address, or 127.0.0.1 for a wildcard bind). */
  readonly advertiseAddress: string;
  /** `--token-auth-file`: CSV `token,user,uid[,groups]`; enables bearer-token auth. */
  readonly tokenAuthFile?: string;
  /**
   * `--tls-cert-file` / `--tls-private-key-file`: PEM files; with both the port serves HTTPS.
   * kubectl sends bearer tokens only over HTTPS, so token auth for kubectl needs them.
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** `REDIS_URL`; unset runs on in-memory storage (development only). */
  readonly redisUrl?: string;
  /** `NATS_URL`; change events are published there and watches are fed from it. */
  readonly natsUrl?: string;
  readonly logLevel: LogLevel;
  /** `--event-ttl` (Go duration, default 1h0m0s): Events are deleted this long after their last write; 0 keeps them. */
  readonly eventTTLMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const flagNames = [
  'advertise-address',
  'bind-address',
  'event-ttl',
  'secure-port',
  'service-cluster-ip-range',
  'service-node-port-range',
  'tls-cert-file',
  'tls-private-key-file',
  'token-auth-file',
] as const;
type Flag = (typeof flagNames)[number];

function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument "${arg}"`);
    const name = m[1] as Flag;
    if (!flagNames.includes(name)) throw new ConfigError(`unknown flag: --${m[1] ?? ''}`);
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      i++;
      if (value === undefined) throw new ConfigError(`flag needs an argument: --${name}`);
    }
    out[name] = value;
  }
  return out;
}

/** True for addresses that only this machine can reach. */
export function isLoopback(addr: string): boolean {
  return addr === 'localhost' || addr === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(addr);
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const f = parseFlags(argv);
  const port = Number(f['secure-port'] ?? '6443');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`invalid --secure-port "${f['secure-port'] ?? ''}"`);
  const cidr = f['service-cluster-ip-range'] ?? '10.96.0.0/12';
  const ports = f['service-node-port-range'] ?? '30000-32767';
  try {
    parseCIDR(cidr);
    parsePortRange(ports);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const bind = f['bind-address'] ?? '127.0.0.1';
  const tokenFile = f['token-auth-file'];
  if (!isLoopback(bind) && (tokenFile === undefined || tokenFile === '')) {
    throw new ConfigError(
      `refusing to serve on ${bind} without --token-auth-file: only loopback addresses may be served unauthenticated`,
    );
  }
  const certFile = f['tls-cert-file'];
  const keyFile = f['tls-private-key-file'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('--tls-cert-file and --tls-private-key-file must be given together');
  }
  const ttl = f['event-ttl'] ?? '1h0m0s';
  const eventTTLMs = parseDuration(ttl);
  if (eventTTLMs === undefined)
    throw new ConfigError(`invalid --event-ttl "${ttl}": want a duration such as 1h0m0s or 30m`);
  const redisUrl = env['REDIS_URL'];
  const natsUrl = env['NATS_URL'];
  const wildcard = bind === '0.0.0.0' || bind === '::' || bind === '';
  return {
    bindAddress: bind,
    advertiseAddress: f['advertise-address'] ?? (wildcard ? '127.0.0.1' : bind),
    securePort: port,
    serviceClusterIPRange: cidr,
    serviceNodePortRange: ports,
    ...(tokenFile !== undefined && tokenFile !== '' ? { tokenAuthFile: tokenFile } : {}),
    ...(certFile !== undefined && keyFile !== undefined ? { tls: { certFile, keyFile } } : {}),
    ...(redisUrl !== undefined && redisUrl !== '' ? { redisUrl } : {}),
    ...(natsUrl !== undefined && natsUrl !== '' ? { natsUrl } : {}),
    logLevel: parseLogLevel(env['LOG_LEVEL']),
    eventTTLMs,
  };
}
