// `svclab proxy-rules`: renders a node's kube-proxy rules offline from a file of objects.
import type { Node } from '@svclab/api';
import { parseIPv4, parseCIDR } from './ip.js';
import { sortIptablesRules } from './iptables-dump.js';
import { renderIptables } from './iptables-render.js';
import type { IpvsScheduler } from './ipvs-render.js';
import { IpvsSchedulers, renderIpvs } from './ipvs-render.js';
import { isInputError, loadObjects } from './load-objects.js';

export interface CommandIO {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): Promise<string>;
}

export const proxyRulesUsage = `Usage: svclab proxy-rules --from FILE --node NAME [flags]

Render the rules kube-proxy would program on NAME from the Services, EndpointSlices
(and optionally Nodes) in FILE (YAML, multi-document YAML, JSON, or a List).

Flags:
  --from FILE            objects to read (required)
  --node NAME            node to render for (required)
  --node-ip IP           node IP (default: InternalIP of the Node object in FILE)
  --mode MODE            iptables (default) or ipvs
  --cluster-cidr CIDR    local-traffic detector (kube-proxy --cluster-cidr)
  --ipvs-scheduler NAME  ipvs mode scheduler (default rr)
  --masquerade-all       kube-proxy --masquerade-all
  --format FORMAT        text (default) or json
`;

/** Bad flags: exit code 2 with usage. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Flags {
  from: string;
  node: string;
  nodeIP?: string;
  mode: 'iptables' | 'ipvs';
  clusterCIDR?: string;
  scheduler: IpvsScheduler;
  masqueradeAll: boolean;
  format: 'text' | 'json';
}

const valueFlags = new Set([
  '--from',
  '--node',
  '--node-ip',
  '--mode',
  '--cluster-cidr',
  '--format',
  '--ipvs-scheduler',
]);

function parseFlags(argv: readonly string[]): Flags | 'help' {
  const values = new Map<string, string>();
  let masqueradeAll = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--masquerade-all') {
      masqueradeAll = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!valueFlags.has(name))
      throw new UsageError(
        arg.startsWith('-') ? `unknown flag: ${name}` : `unexpected argument: ${arg}`,
      );
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`flag needs a value: ${name}`);
    values.set(name, value);
  }
  const from = values.get('--from');
  const node = values.get('--node');
  if (from === undefined) throw new UsageError('required flag --from not set');
  if (node === undefined) throw new UsageError('required flag --node not set');
  const mode = values.get('--mode') ?? 'iptables';
  if (mode !== 'iptables' && mode !== 'ipvs')
    throw new UsageError(`invalid --mode "${mode}": must be iptables or ipvs`);
  const format = values.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`invalid --format "${format}": must be text or json`);
  const nodeIP = values.get('--node-ip');
  if (nodeIP !== undefined && parseIPv4(nodeIP) === undefined)
    throw new UsageError(`invalid --node-ip "${nodeIP}": not an IPv4 address`);
  const clusterCIDR = values.get('--cluster-cidr');
  if (clusterCIDR !== undefined && parseCIDR(clusterCIDR) === undefined)
    throw new UsageError(`invalid --cluster-cidr "${clusterCIDR}": not an IPv4 CIDR`);
  const scheduler = values.get('--ipvs-scheduler') ?? 'rr';
  if (!(IpvsSchedulers as readonly string[]).includes(scheduler)) {
    throw new UsageError(
      `invalid --ipvs-scheduler "${scheduler}": must be one of ${IpvsSchedulers.join(', ')}`,
    );
  }
  return {
    from,
    node,
    mode,
    format,
    scheduler: scheduler as IpvsScheduler,
    masqueradeAll,
    ...(nodeIP === undefined ? {} : { nodeIP }),
    ...(clusterCIDR === undefined ? {} : { clusterCIDR }),
  };
}

function nodeInternalIP(node: Node | undefined): string | undefined {
  const addrs = node?.status?.addresses ?? [];
  return addrs.find((a) => a.type === 'InternalIP' && parseIPv4(a.address) !== undefined)?.address;
}

/**
 * Runs `svclab proxy-rules`. Returns the exit code: 0 on success, 1 for unreadable or invalid
 * input, 2 for bad flags (usage printed on stderr). Writes nothing but through `io`.
 */
export async function proxyRulesCommand(argv: string[], io: CommandIO): Promise<number> {
  let flags: Flags | 'help';
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`error: ${err.message}\n\n${proxyRulesUsage}`);
    return 2;
  }
  if (flags === 'help') {
    io.stdout(proxyRulesUsage);
    return 0;
  }
  let text: string;
  try {
    text = await io.readFile(flags.from);
  } catch (err) {
    io.stderr(
      `error: cannot read ${flags.from}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  let objects;
  try {
    objects = loadObjects(text);
  } catch (err) {
    if (!isInputError(err)) throw err;
    io.stderr(`error: ${flags.from}: ${err.message}\n`);
    return 1;
  }
  const nodeObj = objects.nodes.find((n) => n.metadata.name === flags.node);
  const ip = flags.nodeIP ?? nodeInternalIP(nodeObj);
  if (ip === undefined) {
    io.stderr(
      `error: cannot determine the IP of node "${flags.node}": pass --node-ip or include its Node object in ${flags.from}\n`,
    );
    return 1;
  }
  const node = {
    name: flags.node,
    ip,
    ...(nodeObj?.metadata.labels === undefined ? {} : { labels: nodeObj.metadata.labels }),
  };
  const state = { services: objects.services, endpointSlices: objects.endpointSlices };
  const common = {
    masqueradeAll: flags.masqueradeAll,
    ...(flags.clusterCIDR === undefined ? {} : { clusterCIDR: flags.clusterCIDR }),
  };
  if (flags.mode === 'iptables') {
    const r = renderIptables(state, node, common);
    if (flags.format === 'json') {
      io.stdout(
        `${JSON.stringify({ mode: 'iptables', node, stats: r.stats, iptablesRestore: r.text, ruleSet: r.ruleSet }, null, 2)}\n`,
      );
    } else {
      io.stdout(sortIptablesRules(r.text));
    }
    return 0;
  }
  const r = renderIpvs(state, node, { ...common, scheduler: flags.scheduler });
  if (flags.format === 'json') {
    io.stdout(
      `${JSON.stringify({ mode: 'ipvs', node, virtualServers: r.virtualServers, ipsets: r.ipsets, boundAddresses: r.boundAddresses, iptablesRestore: r.iptablesText }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `# ipvsadm -Ln\n${r.ipvsadmText}\n# ipset list\n${r.ipsetText}\n# iptables-restore input\n${r.iptablesText}`,
    );
  }
  return 0;
}
