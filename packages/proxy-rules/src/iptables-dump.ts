// Parses and prints iptables-restore / iptables-save text, and sorts it exactly as upstream's
// proxier_test.go sortIPTablesRules does before comparing (the golden-test normalisation).

export interface DumpChain {
  readonly name: string;
  packets: number;
  bytes: number;
  /** Raw `-A` lines, in order. */
  rules: string[];
  deleted: boolean;
}

export interface DumpTable {
  readonly name: string;
  chains: DumpChain[];
}

export interface IptablesDump {
  tables: DumpTable[];
}

/** Thrown for text iptables-restore would not accept. */
export class IptablesParseError extends Error {
  override readonly name = 'IptablesParseError';
}

const chainRe = /^:(\S+) (\S+) \[(\d+):(\d+)\]$/;

/** Parses restore/save text (iptablestest.ParseIPTablesDump): `*table`, `:CHAIN`, `-A`, `-X`, `COMMIT`. */
export function parseIptablesDump(text: string): IptablesDump {
  const dump: IptablesDump = { tables: [] };
  let table: DumpTable | undefined;
  let byName = new Map<string, DumpChain>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (table === undefined) {
      if (!line.startsWith('*'))
        throw new IptablesParseError(`expected table declaration, got "${line}"`);
      table = { name: line.slice(1), chains: [] };
      dump.tables.push(table);
      byName = new Map();
      continue;
    }
    const m = chainRe.exec(line);
    if (m !== null) {
      const name = m[1] ?? '';
      if (byName.has(name)) throw new IptablesParseError(`duplicate chain "${name}"`);
      const chain: DumpChain = {
        name,
        packets: Number(m[3]),
        bytes: Number(m[4]),
        rules: [],
        deleted: false,
      };
      byName.set(name, chain);
      table.chains.push(chain);
    } else if (line.startsWith('-A ')) {
      const name = line.slice(3).split(' ', 1)[0] ?? '';
      const chain = byName.get(name);
      if (chain === undefined)
        throw new IptablesParseError(`rule for undeclared chain "${name}": ${line}`);
      chain.rules.push(line);
    } else if (line.startsWith('-X ')) {
      const name = line.slice(3).trim();
      const chain = byName.get(name);
      if (chain === undefined) throw new IptablesParseError(`deleting undeclared chain "${name}"`);
      if (chain.rules.length > 0)
        throw new IptablesParseError(`cannot delete chain "${name}" after adding rules`);
      chain.deleted = true;
    } else if (line === 'COMMIT') {
      table = undefined;
    } else {
      throw new IptablesParseError(`error parsing rule "${line}"`);
    }
  }
  if (table !== undefined)
    throw new IptablesParseError('could not parse iptables data (no COMMIT line?)');
  return dump;
}

/** Prints a dump as IPTablesDump.String(): chain lines, then each chain's rules, then `-X` lines. */
export function formatIptablesDump(dump: IptablesDump): string {
  const out: string[] = [];
  for (const t of dump.tables) {
    out.push(`*${t.name}`);
    for (const c of t.chains) out.push(`:${c.name} - [${c.packets}:${c.bytes}]`);
    for (const c of t.chains) for (const r of c.rules) out.push(r);
    for (const c of t.chains) if (c.deleted) out.push(`-X ${c.name}`);
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

/** The `--comment` value of a raw rule (quotes removed), or undefined. */
export function ruleComment(rule: string): string | undefined {
  const i = rule.indexOf('--comment ');
  if (i < 0) return undefined;
  const rest = rule.slice(i + '--comment '.length);
  if (rest.startsWith('"')) {
    const end = rest.indexOf('"', 1);
    return end < 0 ? rest.slice(1) : rest.slice(1, end);
  }
  const sp = rest.indexOf(' ');
  return sp < 0 ? rest : rest.slice(0, sp);
}

function serviceNameOf(comment: string): string {
  const m = /[ :]/.exec(comment);
  return m === null ? comment : comment.slice(0, m.index);
}

/** orderByCommentServiceName: less-than on the service name in both comments; false if one has none. */
function lessByServiceName(a: string, b: string): boolean {
  const ca = ruleComment(a);
  const cb = ruleComment(b);
  if (ca === undefined || cb === undefined) return false;
  return serviceNameOf(ca) < serviceNameOf(cb);
}

function stableSortBy<T>(xs: T[], less: (a: T, b: T) => boolean): void {
  xs.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}

function chainLess(a: string, b: string): boolean {
  if (a === 'KUBE-NODEPORTS') return true;
  if (b === 'KUBE-NODEPORTS') return false;
  if (a === 'KUBE-SERVICES') return true;
  if (b === 'KUBE-SERVICES') return false;
  const ka = a.startsWith('KUBE-');
  const kb = b.startsWith('KUBE-');
  if (ka && !kb) return true;
  if (!ka && kb) return false;
  return a < b;
}

/**
 * Upstream's sortIPTablesRules: tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, other
 * KUBE-* chains, then the rest, alphabetically; KUBE-NODEPORTS (filter and nat) and KUBE-SERVICES
 * rules stable-sorted by the service name in their comment, the nat "must be the last rule" last.
 */
export function sortIptablesRules(text: string): string {
  const dump = parseIptablesDump(text);
  dump.tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of dump.tables) {
    stableSortBy(t.chains, (a, b) => chainLess(a.name, b.name));
    const get = (name: string): DumpChain | undefined => t.chains.find((c) => c.name === name);
    const np = get('KUBE-NODEPORTS');
    if (np !== undefined && (t.name === 'filter' || t.name === 'nat'))
      stableSortBy(np.rules, lessByServiceName);
    const svc = get('KUBE-SERVICES');
    if (svc !== undefined && t.name === 'filter') stableSortBy(svc.rules, lessByServiceName);
    if (svc !== undefined && t.name === 'nat') {
      const isLast = (r: string): boolean =>
        (ruleComment(r) ?? '').includes('must be the last rule');
      stableSortBy(svc.rules, (a, b) => {
        if (isLast(a)) return false;
        if (isLast(b)) return true;
        return lessByServiceName(a, b);
      });
    }
  }
  return formatIptablesDump(dump);
}
