// controller-manager configuration from env and flags (upstream flag names).
import { parseDuration as parseGoDuration } from '@svclab/apimachinery';
import { NodeMonitorGracePeriodMs } from './node-lifecycle/node-health.js';

export const AllControllers = [
  'scheduler',
  'nodelifecycle',
  'replicaset',
  'deployment',
  'statefulset',
] as const;
export type ControllerName = (typeof AllControllers)[number];

export interface ControllerManagerOptions {
  readonly apiserverURL: string;
  readonly token: string;
  readonly natsURL: string;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity: string;
  readonly nodeMonitorGracePeriodMs: number;
  readonly controllers: readonly ControllerName[];
  readonly bindAddress: string;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError';
}

/** A Go duration flag value in ms (`40s`, `500ms`, `1m30s`); ConfigError when it is not one. */
export function parseDuration(s: string): number {
  const ms = parseGoDuration(s);
  if (ms === undefined) throw new ConfigError(`invalid duration "${s}"`);
  return ms;
}

const known = new Set([
  'leader-elect',
  'node-monitor-grace-period',
  'controllers',
  'bind-address',
  'leader-elect-resource-namespace',
  'leader-elect-resource-name',
]);

export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ControllerManagerOptions {
  const f = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const k = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.has(k)) throw new ConfigError(`unknown flag: --${k}`);
    if (eq >= 0) f.set(k, a.slice(eq + 1));
    else if (
      k === 'leader-elect' &&
      (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--') === true)
    )
      f.set(k, 'true');
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new ConfigError(`flag needs an argument: ${a}`);
      f.set(k, v);
      i++;
    }
  }
  const le = f.get('leader-elect') ?? 'true';
  if (le !== 'true' && le !== 'false')
    throw new ConfigError(`--leader-elect must be true or false, got "${le}"`);
  const list = (f.get('controllers') ?? '*')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const enabled = new Set<ControllerName>();
  for (const c of list) {
    if (c === '*') for (const a of AllControllers) enabled.add(a);
    else if (c.startsWith('-')) enabled.delete(c.slice(1) as ControllerName);
    else if ((AllControllers as readonly string[]).includes(c)) enabled.add(c as ControllerName);
    else throw new ConfigError(`unknown controller "${c}" (known: ${AllControllers.join(', ')})`);
  }
  for (const c of list) if (c.startsWith('-')) enabled.delete(c.slice(1) as ControllerName);
  return {
    apiserverURL: env['APISERVER_URL'] ?? 'http://127.0.0.1:6443',
    token: env['SVCLAB_TOKEN'] ?? '',
    natsURL: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    leaderElect: le === 'true',
    leaseNamespace: f.get('leader-elect-resource-namespace') ?? 'kube-system',
    leaseName: f.get('leader-elect-resource-name') ?? 'kube-controller-manager',
    identity: env['HOSTNAME'] ?? `controller-manager-${String(process.pid)}`,
    nodeMonitorGracePeriodMs: f.has('node-monitor-grace-period')
      ? parseDuration(f.get('node-monitor-grace-period') ?? '')
      : NodeMonitorGracePeriodMs,
    controllers: AllControllers.filter((c) => enabled.has(c)),
    bindAddress: f.get('bind-address') ?? '127.0.0.1:10257',
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}
