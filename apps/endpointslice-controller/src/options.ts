// Command-line flags and environment of the endpointslice-controller, named as upstream names
// them (kube-controller-manager's EndpointSliceController options) where upstream has one.
import { DefaultMaxEndpointsPerSlice, validateMaxEndpointsPerSlice } from './reconciler.js';

export interface ControllerConfig {
  /** APISERVER_URL */
  readonly apiserverURL: string;
  /** SVCLAB_TOKEN (bearer token), may be empty. */
  readonly token: string;
  /** NATS_URL */
  readonly natsURL: string;
  readonly maxEndpointsPerSlice: number;
  /** --concurrent-service-endpoint-syncs, 1..50, default 5. */
  readonly concurrentServiceEndpointSyncs: number;
  /** --endpoint-updates-batch-period / --endpointslice-updates-batch-period, ms, default 0. */
  readonly endpointUpdatesBatchPeriodMs: number;
  /** --leader-elect, default true. */
  readonly leaderElect: boolean;
  /** --leader-elect-lease-duration etc., ms. */
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** --leader-elect-resource-namespace/name of the Lease. */
  readonly leaseNamespace: string;
  readonly leaseName: string;
  /** --metrics-bind-address host:port for /healthz, /readyz, /metrics. */
  readonly metricsBindAddress: string;
  /** LOG_LEVEL */
  readonly logLevel: string | undefined;
  /** Identity for leader election: POD_NAME / hostname + pid. */
  readonly identity: string;
}

/** A flag error, reported with exit code 2 (as pflag does). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isConfigError(err: unknown): boolean {
  return err instanceof ConfigError || (err instanceof Error && err.name === 'ConfigError');
}

/** Go duration strings (`1s`, `500ms`, `1m30s`) or bare milliseconds → ms. */
export function parseDuration(s: string, flag: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total +=
      unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0)
    throw new ConfigError(
      `invalid argument "${s}" for "--${flag}" flag: time: invalid duration "${s}"`,
    );
  return total;
}

function parseIntFlag(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v))
    throw new ConfigError(
      `invalid argument "${v}" for "--${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`,
    );
  return Number(v);
}

function parseBool(v: string, flag: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new ConfigError(
    `invalid argument "${v}" for "--${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`,
  );
}

const knownFlags = new Set([
  'max-endpoints-per-slice',
  'concurrent-service-endpoint-syncs',
  'endpoint-updates-batch-period',
  'endpointslice-updates-batch-period',
  'leader-elect',
  'leader-elect-lease-duration',
  'leader-elect-renew-deadline',
  'leader-elect-retry-period',
  'leader-elect-resource-namespace',
  'leader-elect-resource-name',
  'metrics-bind-address',
]);

const boolFlags = new Set(['leader-elect']);

/** Parses argv (without node and script) and env; throws ConfigError with a clear message. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ControllerConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!knownFlags.has(name)) throw new ConfigError(`unknown flag: --${name}`);
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (boolFlags.has(name)) value = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`flag needs an argument: --${name}`);
      value = next;
      i++;
    }
    flags.set(name, value);
  }

  const maxEndpointsPerSlice = parseIntFlag(
    flags.get('max-endpoints-per-slice') ?? String(DefaultMaxEndpointsPerSlice),
    'max-endpoints-per-slice',
  );
  const invalid = validateMaxEndpointsPerSlice(maxEndpointsPerSlice);
  if (invalid !== undefined) throw new ConfigError(invalid);

  const concurrent = parseIntFlag(
    flags.get('concurrent-service-endpoint-syncs') ?? '5',
    'concurrent-service-endpoint-syncs',
  );
  if (concurrent < 1)
    throw new ConfigError(
      `concurrent-service-endpoint-syncs must not be less than 1, but got ${concurrent}`,
    );
  if (concurrent > 50)
    throw new ConfigError(
      `concurrent-service-endpoint-syncs must not be more than 50, but got ${concurrent}`,
    );

  const batchFlag =
    flags.get('endpointslice-updates-batch-period') ??
    flags.get('endpoint-updates-batch-period') ??
    '0';
  const batch = parseDuration(batchFlag, 'endpoint-updates-batch-period');

  const apiserverURL = env['APISERVER_URL'] ?? '';
  if (apiserverURL === '') throw new ConfigError('APISERVER_URL must be set');
  const natsURL = env['NATS_URL'] ?? '';
  if (natsURL === '') throw new ConfigError('NATS_URL must be set');

  return {
    apiserverURL,
    token: env['SVCLAB_TOKEN'] ?? '',
    natsURL,
    maxEndpointsPerSlice,
    concurrentServiceEndpointSyncs: concurrent,
    endpointUpdatesBatchPeriodMs: batch,
    leaderElect: parseBool(flags.get('leader-elect') ?? 'true', 'leader-elect'),
    leaseDurationMs: parseDuration(
      flags.get('leader-elect-lease-duration') ?? '15s',
      'leader-elect-lease-duration',
    ),
    renewDeadlineMs: parseDuration(
      flags.get('leader-elect-renew-deadline') ?? '10s',
      'leader-elect-renew-deadline',
    ),
    retryPeriodMs: parseDuration(
      flags.get('leader-elect-retry-period') ?? '2s',
      'leader-elect-retry-period',
    ),
    leaseNamespace: flags.get('leader-elect-resource-namespace') ?? 'kube-system',
    leaseName: flags.get('leader-elect-resource-name') ?? 'endpointslice-controller',
    metricsBindAddress: flags.get('metrics-bind-address') ?? '127.0.0.1:10257',
    logLevel: env['LOG_LEVEL'],
    identity: env['POD_NAME'] ?? `${env['HOSTNAME'] ?? 'endpointslice-controller'}_${process.pid}`,
  };
}
