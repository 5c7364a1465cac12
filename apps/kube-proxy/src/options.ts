// kube-proxy configuration: upstream flag names (--proxy-mode, --min-sync-period, …) plus
// svclab's data-plane flags, and the environment every svclab component reads.
import { IpvsSchedulers, type IpvsScheduler } from '@svclab/proxy-rules';
import type { ProxyMode } from './proxier.js';

export interface KubeProxyConfig {
  readonly apiserverURL: string;
  readonly token: string;
  readonly natsURL: string;
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly proxyMode: ProxyMode;
  readonly minSyncPeriodMs: number;
  readonly syncPeriodMs: number;
  readonly ipvsScheduler: IpvsScheduler;
  readonly clusterCIDR: string | undefined;
  readonly healthzBindAddress: string;
  readonly metricsBindAddress: string;
  readonly dataplane: 'userspace' | 'kernel';
  readonly nodeEntryPort: number;
  readonly clusterDNS: string | undefined;
  readonly clusterDomain: string;
  readonly conntrackMax: number;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError';
}

/** Go duration subset: `1s`, `500ms`, `1m30s`, `2h`; a bare number is seconds. */
export function parseDuration(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1000);
    pos = re.lastIndex;
  }
  if (pos !== s.length || s === '') throw new ConfigError(`invalid duration "${s}"`);
  return total;
}

const flagNames = [
  'proxy-mode',
  'min-sync-period',
  'sync-period',
  'ipvs-scheduler',
  'cluster-cidr',
  'healthz-bind-address',
  'metrics-bind-address',
  'dataplane',
  'node-entry-port',
  'cluster-dns',
  'cluster-domain',
  'conntrack-max',
  'hostname-override',
  'v',
] as const;
type Flag = (typeof flagNames)[number];

function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m?.[1] === undefined) throw new ConfigError(`unexpected argument "${a}"`);
    const name = m[1] as Flag;
    if (!flagNames.includes(name)) throw new ConfigError(`unknown flag: --${m[1]}`);
    let v = m[2];
    if (v === undefined) {
      v = argv[++i];
      if (v === undefined) throw new ConfigError(`flag needs an argument: --${name}`);
    }
    out[name] = v;
  }
  return out;
}

function port(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`invalid --${flag} "${s}"`);
  return n;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): KubeProxyConfig {
  const f = parseFlags(argv);
  const nodeName = f['hostname-override'] ?? env['NODE_NAME'] ?? '';
  const nodeIP = env['NODE_IP'] ?? '';
  if (nodeName === '') throw new ConfigError('NODE_NAME is required');
  if (nodeIP === '') throw new ConfigError('NODE_IP is required');
  const proxyMode = f['proxy-mode'] ?? 'iptables';
  if (proxyMode !== 'iptables' && proxyMode !== 'ipvs') throw new ConfigError(`invalid --proxy-mode "${proxyMode}" (iptables|ipvs)`);
  const sched = f['ipvs-scheduler'] ?? 'rr';
  if (!(IpvsSchedulers as readonly string[]).includes(sched)) throw new ConfigError(`invalid --ipvs-scheduler "${sched}"`);
  const dataplane = f.dataplane ?? 'userspace';
  if (dataplane !== 'userspace' && dataplane !== 'kernel') throw new ConfigError(`invalid --dataplane "${dataplane}" (userspace|kernel)`);
  const minSyncPeriodMs = parseDuration(f['min-sync-period'] ?? '1s');
  const syncPeriodMs = parseDuration(f['sync-period'] ?? '30s');
  if (syncPeriodMs <= 0) throw new ConfigError('--sync-period must be greater than 0');
  if (minSyncPeriodMs > syncPeriodMs) throw new ConfigError('--min-sync-period must not exceed --sync-period');
  const conntrackMax = Number(f['conntrack-max'] ?? '131072');
  if (!Number.isInteger(conntrackMax) || conntrackMax < 0) throw new ConfigError(`invalid --conntrack-max "${f['conntrack-max'] ?? ''}"`);
  return {
    apiserverURL: env['APISERVER_URL'] ?? 'http://127.0.0.1:6443',
    token: env['SVCLAB_TOKEN'] ?? '',
    natsURL: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    nodeName,
    nodeIP,
    proxyMode,
    minSyncPeriodMs,
    syncPeriodMs,
    ipvsScheduler: sched as IpvsScheduler,
    clusterCIDR: f['cluster-cidr'] === '' ? undefined : f['cluster-cidr'],
    healthzBindAddress: f['healthz-bind-address'] ?? `${nodeIP}:10256`,
    metricsBindAddress: f['metrics-bind-address'] ?? `${nodeIP}:10249`,
    dataplane,
    nodeEntryPort: port(f['node-entry-port'] ?? '1080', 'node-entry-port'),
    clusterDNS: f['cluster-dns'] === '' ? undefined : f['cluster-dns'],
    clusterDomain: f['cluster-domain'] ?? 'cluster.local',
    conntrackMax,
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}

/** `host:port` → parts; `:port` = all addresses. */
export function splitHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  if (i < 0) throw new ConfigError(`invalid address "${s}" (host:port)`);
  return { host: s.slice(0, i) === '' ? '0.0.0.0' : s.slice(0, i), port: port(s.slice(i + 1), 'bind-address') };
}
