// Node agent configuration from env and flags (kubelet-style names where kubelet has one).
import { defaultPodCIDR, defaultZone, KubeletPort, NodeLeaseDurationSeconds, nodeIndexOf, type NodeIdentity } from './node-object.js';

export interface AgentOptions {
  readonly apiserverURL: string;
  readonly token: string;
  readonly natsURL: string;
  /** One entry per simulated node hosted by this process. */
  readonly nodes: readonly (NodeIdentity & { readonly nodeEntry: string })[];
  readonly healthzBindAddress: string;
  /** kubelet nodeLeaseDurationSeconds (40); the Lease is renewed every quarter of it (10 s). */
  readonly nodeLeaseDurationSeconds: number;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError';
}

function flagValues(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    if (eq >= 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new ConfigError(`flag needs an argument: ${a}`);
      out.set(a.slice(2), v);
      i++;
    }
  }
  return out;
}

const known = new Set(['pod-cidr', 'zone', 'nodes', 'node-entry', 'healthz-bind-address', 'node-name', 'node-ip', 'node-lease-duration-seconds', 'port']);

/** `NODE_IP` 127.0.1.N; with `--nodes K` the process hosts node-N … node-(N+K-1) on 127.0.1.N …. */
export function parseAgentOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): AgentOptions {
  const f = flagValues(argv);
  for (const k of f.keys()) if (!known.has(k)) throw new ConfigError(`unknown flag: --${k}`);
  const count = Number(f.get('nodes') ?? '1');
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new ConfigError(`--nodes must be 1..250, got "${f.get('nodes') ?? ''}"`);
  const leaseSeconds = Number(f.get('node-lease-duration-seconds') ?? String(NodeLeaseDurationSeconds));
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1) throw new ConfigError(`--node-lease-duration-seconds must be a positive integer`);
  const kubeletPort = Number(f.get('port') ?? String(KubeletPort));
  if (!Number.isInteger(kubeletPort) || kubeletPort < 1 || kubeletPort > 65535) throw new ConfigError(`--port must be a port number, got "${f.get('port') ?? ''}"`);
  const baseIP = f.get('node-ip') ?? env['NODE_IP'] ?? '127.0.1.1';
  if (!/^127\.\d+\.\d+\.\d+$/.test(baseIP)) throw new ConfigError(`NODE_IP must be a loopback IPv4 address, got "${baseIP}"`);
  const base = nodeIndexOf(baseIP);
  if (base + count - 1 > 254) throw new ConfigError(`--nodes ${String(count)} from ${baseIP} runs past .254`);
  const prefix = baseIP.split('.').slice(0, 3).join('.');
  const nodes = [];
  for (let k = 0; k < count; k++) {
    const n = base + k;
    const ip = `${prefix}.${String(n)}`;
    const single = count === 1;
    nodes.push({
      name: single ? (f.get('node-name') ?? env['NODE_NAME'] ?? `node-${String(n)}`) : `node-${String(n)}`,
      ip,
      podCIDR: single ? (f.get('pod-cidr') ?? defaultPodCIDR(ip)) : defaultPodCIDR(ip),
      zone: f.get('zone') ?? defaultZone(n),
      kubeletPort,
      nodeEntry: single ? (f.get('node-entry') ?? `${ip}:1080`) : `${ip}:1080`,
    });
  }
  return {
    apiserverURL: env['APISERVER_URL'] ?? 'http://127.0.0.1:6443',
    token: env['SVCLAB_TOKEN'] ?? '',
    natsURL: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    nodes,
    healthzBindAddress: f.get('healthz-bind-address') ?? `${baseIP}:10248`,
    nodeLeaseDurationSeconds: leaseSeconds,
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}
