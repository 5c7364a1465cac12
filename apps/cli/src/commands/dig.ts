// `svclab dig NAME [TYPE] [--pod ns/name]`: a lookup with a pod's resolv.conf semantics (search
// path, ndots:5) against the cluster DNS, printing the answer and every query sent.
import type { Answer } from 'dns-packet';
import { podResolvConf, Resolver, type ResolveResult, type ResolveType } from '@svclab/resolver';
import type { Io } from '../io.js';
import { isUsageError, loadCluster, UsageError } from './cluster-context.js';

export const digUsage = `usage: svclab dig NAME [TYPE] [--pod NAMESPACE/NAME]
  TYPE is A (default), AAAA, SRV, PTR, CNAME, TXT, MX, NS or SOA. With --pod, NAME is resolved
  with that pod's search path (<ns>.svc.cluster.local svc.cluster.local cluster.local, ndots:5);
  without it, as a pod in "default". A trailing dot makes NAME absolute.
`;

const types: readonly ResolveType[] = ['A', 'AAAA', 'SRV', 'TXT', 'PTR', 'CNAME', 'MX', 'NS', 'SOA'];

export interface DigOptions {
  readonly name: string;
  readonly type: ResolveType;
  readonly namespace: string;
  readonly pod: string | undefined;
}

export function parseDigArgs(argv: readonly string[]): DigOptions {
  const pos: string[] = [];
  let pod: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--pod') {
      pod = argv[++i];
      if (pod === undefined) throw new UsageError('--pod needs NAMESPACE/NAME');
    } else if (a.startsWith('--pod=')) pod = a.slice(6);
    else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
    else pos.push(a);
  }
  const [name, type, extra] = pos;
  if (name === undefined) throw new UsageError('NAME is required');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const t = (type ?? 'A').toUpperCase() as ResolveType;
  if (!types.includes(t)) throw new UsageError(`unknown type "${type ?? ''}" (${types.join(', ')})`);
  let namespace = 'default';
  if (pod !== undefined) {
    const [ns, p, more] = pod.split('/');
    if (ns === undefined || ns === '' || p === undefined || p === '' || more !== undefined) throw new UsageError(`--pod wants NAMESPACE/NAME, got "${pod}"`);
    namespace = ns;
  }
  return { name, type: t, namespace, pod };
}

function rdata(a: Answer): string {
  const d = (a as { data?: unknown }).data;
  if (typeof d === 'string') return a.type === 'A' || a.type === 'AAAA' ? d : d.endsWith('.') ? d : `${d}.`;
  if (Buffer.isBuffer(d)) return d.toString('utf8');
  if (Array.isArray(d)) return d.map((x) => `"${Buffer.isBuffer(x) ? x.toString('utf8') : String(x)}"`).join(' ');
  if (typeof d === 'object' && d !== null) {
    const o = d as Record<string, unknown>;
    if (a.type === 'SRV') return `${String(o['priority'])} ${String(o['weight'])} ${String(o['port'])} ${String(o['target'])}.`;
    if (a.type === 'MX') return `${String(o['preference'])} ${String(o['exchange'])}.`;
    if (a.type === 'SOA') return `${String(o['mname'])}. ${String(o['rname'])}. ${String(o['serial'])} ${String(o['refresh'])} ${String(o['retry'])} ${String(o['expire'])} ${String(o['minimum'])}`;
    return JSON.stringify(o);
  }
  return String(d);
}

function fqdn(n: string): string {
  return n.endsWith('.') ? n : `${n}.`;
}

/** dig-like text: header, question, answer section, the query log. */
export function formatDig(opts: DigOptions, server: string, r: ResolveResult): string {
  const lines = [
    `; <<>> svclab dig <<>> ${opts.name} ${opts.type}${opts.pod === undefined ? '' : ` (pod ${opts.pod})`}`,
    `;; ->>HEADER<<- status: ${r.status}, ANSWER: ${r.answers.length}`,
    '',
    ';; QUESTION SECTION:',
    `;${fqdn(r.name)}\t\tIN\t${opts.type}`,
  ];
  if (r.answers.length > 0) {
    lines.push('', ';; ANSWER SECTION:');
    for (const a of r.answers) lines.push(`${fqdn(a.name)}\t${String((a as { ttl?: number }).ttl ?? 0)}\tIN\t${a.type}\t${rdata(a)}`);
  }
  lines.push('', `;; SERVER: ${server}`, ';; QUERY LOG (search path, in order):');
  for (const q of r.queries) lines.push(`;;   ${fqdn(q.name)} ${q.type} @${q.server} ${q.transport} -> ${q.rcode} (${q.answers} answers)`);
  return `${lines.join('\n')}\n`;
}

export async function dig(argv: readonly string[], io: Io): Promise<number> {
  let opts: DigOptions;
  try {
    opts = parseDigArgs(argv);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab dig: ${err.message}\n${digUsage}`);
    return 2;
  }
  const { info } = loadCluster();
  if (info.dns === null) {
    io.stderr('svclab dig: the cluster runs no DNS (cluster.json "dns" is null)\n');
    return 1;
  }
  const resolver = new Resolver(podResolvConf(opts.namespace, { nameserver: info.dns }));
  const r = await resolver.resolve(opts.name, opts.type);
  io.stdout(formatDig(opts, info.dns, r));
  return r.status === 'NOERROR' ? 0 : r.status === 'TIMEOUT' ? 9 : 1;
}
