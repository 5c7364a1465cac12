// Flags (upstream names where upstream has one) and environment of the cloud-provider.

export interface CloudProviderConfig {
  readonly apiserverURL: string;
  readonly token: string;
  /** Empty: watch over HTTP instead of NATS. */
  readonly natsURL: string;
  readonly logLevel: string | undefined;
  /** `--lb-pool`: the CIDR LoadBalancer ingress IPs come from. */
  readonly lbPool: string;
  /** `--metrics-bind-address`: /healthz, /readyz, /metrics. */
  readonly metricsBindAddress: string;
  /** `--node-health-check-period`: between two probes of every health-check node port, ms. */
  readonly healthCheckPeriodMs: number;
  /** `--concurrent-service-syncs` (upstream cloud-controller-manager flag). */
  readonly concurrentServiceSyncs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError';
}

/** `500ms`, `2s`, `1m` or a bare number of seconds → ms. */
export function parseDurationMs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
}

const flags = ['--lb-pool', '--metrics-bind-address', '--node-health-check-period', '--concurrent-service-syncs'] as const;
type Flag = (typeof flags)[number];

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): CloudProviderConfig {
  const v = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!(flags as readonly string[]).includes(name)) throw new ConfigError(`unknown flag: ${a}`);
    const val = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (val === undefined) throw new ConfigError(`flag needs an argument: ${name}`);
    v.set(name as Flag, val);
  }
  const period = parseDurationMs(v.get('--node-health-check-period') ?? '2s');
  if (period === undefined || period <= 0) throw new ConfigError(`invalid --node-health-check-period "${v.get('--node-health-check-period') ?? ''}"`);
  const workers = Number(v.get('--concurrent-service-syncs') ?? '1');
  if (!Number.isInteger(workers) || workers < 1) throw new ConfigError('--concurrent-service-syncs must be a positive integer');
  return {
    apiserverURL: env['APISERVER_URL'] ?? 'http://127.0.0.1:6443',
    token: env['SVCLAB_TOKEN'] ?? '',
    natsURL: env['NATS_URL'] ?? '',
    logLevel: env['LOG_LEVEL'],
    lbPool: v.get('--lb-pool') ?? '127.200.0.0/24',
    metricsBindAddress: v.get('--metrics-bind-address') ?? '127.0.0.1:10258',
    healthCheckPeriodMs: period,
    concurrentServiceSyncs: workers,
  };
}
