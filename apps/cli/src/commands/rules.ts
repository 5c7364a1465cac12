// `svclab rules NODE [--format iptables|ipvs|json]`: the rules node NODE's kube-proxy programmed,
// as `iptables-save` / `ipvsadm -Ln` print them (GET /rules on its metrics or healthz port).
import type { Io } from '../io.js';
import { findNode, isUsageError, loadCluster, UsageError } from './cluster-context.js';

export const rulesUsage = `usage: svclab rules NODE [--format iptables|ipvs|json]
`;

export const RulesFormats = { iptables: 'iptables-save', ipvs: 'ipvsadm', json: 'json' } as const;
export type RulesFormatName = keyof typeof RulesFormats;

/** kube-proxy's ports on every node IP in local mode (plan-builder): metrics, then healthz. */
export const KubeProxyPorts = [10249, 10256] as const;

export function parseRulesArgs(argv: readonly string[]): { node: string; format: RulesFormatName } {
  let node: string | undefined;
  let format: RulesFormatName = 'iptables';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    let f: string | undefined;
    if (a === '--format' || a === '-o') f = argv[++i] ?? '';
    else if (a.startsWith('--format=')) f = a.slice(9);
    else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
    else if (node === undefined) node = a;
    else throw new UsageError(`unexpected argument "${a}"`);
    if (f !== undefined) {
      if (!(f in RulesFormats)) throw new UsageError(`unknown format "${f}" (iptables, ipvs, json)`);
      format = f as RulesFormatName;
    }
  }
  if (node === undefined) throw new UsageError('NODE is required');
  return { node, format };
}

export async function rules(argv: readonly string[], io: Io): Promise<number> {
  let opts;
  let node;
  try {
    opts = parseRulesArgs(argv);
    node = findNode(loadCluster().info, opts.node);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab rules: ${err.message}\n${rulesUsage}`);
    return 2;
  }
  let lastErr = '';
  for (const port of KubeProxyPorts) {
    try {
      const res = await fetch(`http://${node.ip}:${port}/rules?format=${RulesFormats[opts.format]}`, { signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if (res.status === 200) {
        io.stdout(body.endsWith('\n') ? body : `${body}\n`);
        return 0;
      }
      io.stderr(`svclab rules: ${node.name}: ${res.status} ${body}`);
      return 1;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
  }
  io.stderr(`svclab rules: kube-proxy on ${node.name} (${node.ip}) does not answer: ${lastErr}\n`);
  return 1;
}
