// decide: walks a RuleSet for one new connection the way netfilter walks kube-proxy's chains —
// nat (PREROUTING or OUTPUT → KUBE-SERVICES) first, then the filter hooks on the translated packet.
import { AffinityTable } from './affinity-table.js';
import { addressMatches } from './ip.js';
import type { L4Protocol, Rule, RuleSet } from './rule-set.js';

/** The first packet of a connection, as the data plane sees it. */
export interface Packet {
  readonly srcIP: string;
  readonly dstIP: string;
  readonly dstPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP' | L4Protocol;
  /** Comes from a pod on this node (used by interface-based local-traffic detectors). */
  readonly fromLocalPod: boolean;
  /** Originated by the node itself (OUTPUT hook; `--src-type LOCAL`). */
  readonly fromHost?: boolean;
}

export type Decision =
  /** DNAT to an endpoint; `masquerade` = KUBE-MARK-MASQ ran, so POSTROUTING SNATs the source. */
  | {
      readonly verdict: 'dnat';
      readonly ip: string;
      readonly port: number;
      readonly masquerade: boolean;
      readonly chains: readonly string[];
    }
  /** REJECT (connection refused at once) or DROP (times out); `comment` says why. */
  | {
      readonly verdict: 'reject' | 'drop';
      readonly comment?: string;
      readonly chains: readonly string[];
    }
  /** Accepted by a filter rule (health-check node ports). */
  | { readonly verdict: 'accept'; readonly chains: readonly string[] }
  /** No service rule applied: the packet goes to its original destination untouched. */
  | { readonly verdict: 'none'; readonly masquerade: boolean; readonly chains: readonly string[] };

interface WalkState {
  readonly pkt: Packet;
  readonly proto: L4Protocol;
  readonly rs: RuleSet;
  readonly rand: () => number;
  readonly affinity: AffinityTable;
  readonly chains: string[];
  mark: boolean;
  depth: number;
  /** explain() mode: statistic branches are expanded into candidates instead of drawn. */
  readonly explain?: Candidate[];
  affinitySeconds?: number;
}

type Terminal =
  | { readonly kind: 'dnat'; readonly ip: string; readonly port: number }
  | { readonly kind: 'accept' | 'drop' | 'reject'; readonly comment?: string }
  | { readonly kind: 'explained' };

/** One possible backend of a connection, with the chance iptables picks it. */
export interface Candidate {
  readonly ip: string;
  readonly port: number;
  readonly probability: number;
  readonly masquerade: boolean;
}

interface ChainIndex {
  readonly byDstPort: Map<string, number[]>;
  readonly byPort: Map<number, number[]>;
  readonly rest: number[];
}

const indexes = new WeakMap<readonly Rule[], ChainIndex>();
/** Chains shorter than this are scanned linearly. */
const indexThreshold = 16;

function indexOf(rules: readonly Rule[]): ChainIndex {
  let idx = indexes.get(rules);
  if (idx !== undefined) return idx;
  idx = { byDstPort: new Map(), byPort: new Map(), rest: [] };
  rules.forEach((r, i) => {
    if (r.dport !== undefined && r.dst !== undefined && !r.dst.includes('/')) {
      const k = `${r.dst} ${r.dport}`;
      const l = idx.byDstPort.get(k);
      if (l === undefined) idx.byDstPort.set(k, [i]);
      else l.push(i);
    } else if (r.dport !== undefined) {
      const l = idx.byPort.get(r.dport);
      if (l === undefined) idx.byPort.set(r.dport, [i]);
      else l.push(i);
    } else {
      idx.rest.push(i);
    }
  });
  indexes.set(rules, idx);
  return idx;
}

/** Indices of rules that can match `pkt`, in chain order (merge of three sorted lists). */
function candidates(rules: readonly Rule[], pkt: Packet): Iterable<number> {
  if (rules.length < indexThreshold) return rules.keys();
  const idx = indexOf(rules);
  const exact = idx.byDstPort.get(`${pkt.dstIP} ${pkt.dstPort}`) ?? [];
  const byPort = idx.byPort.get(pkt.dstPort) ?? [];
  return [...exact, ...byPort, ...idx.rest].sort((a, b) => a - b);
}

function isLocal(rs: RuleSet, ip: string): boolean {
  return rs.localAddresses.some((a) => addressMatches(a, ip));
}

function fromLocalTraffic(st: WalkState): boolean {
  const d = st.rs.detector;
  switch (d.mode) {
    case 'cidr':
      return addressMatches(d.cidr, st.pkt.srcIP);
    case 'interface':
      return st.pkt.fromLocalPod;
    case 'none':
      return false;
  }
}

function matches(r: Rule, st: WalkState): boolean {
  const p = st.pkt;
  if (r.protocol !== undefined && r.protocol !== st.proto) return false;
  if (r.dst !== undefined && !addressMatches(r.dst, p.dstIP)) return false;
  if (r.notDst !== undefined && addressMatches(r.notDst, p.dstIP)) return false;
  if (r.dport !== undefined && r.dport !== p.dstPort) return false;
  if (r.src !== undefined && !addressMatches(r.src, p.srcIP)) return false;
  if (r.notSrc !== undefined && addressMatches(r.notSrc, p.srcIP)) return false;
  if (r.srcLocal === true && !(p.fromHost === true || isLocal(st.rs, p.srcIP))) return false;
  if (r.dstLocal === true && !isLocal(st.rs, p.dstIP)) return false;
  if (r.fromLocal !== undefined && fromLocalTraffic(st) !== r.fromLocal) return false;
  if (
    r.recentCheck !== undefined &&
    !st.affinity.check(r.recentCheck.name, p.srcIP, r.recentCheck.seconds)
  )
    return false;
  // The statistic match is last: netfilter only draws a random number when the rest matched.
  if (r.probability !== undefined && !(st.rand() < r.probability)) return false;
  return true;
}

const maxDepth = 32;

/**
 * explain(): from the first `-m statistic` rule of a chain on, every matching rule is taken with
 * probability p of what is left (the last one, without statistic, with all of it).
 */
function expand(
  table: Readonly<Record<string, readonly Rule[]>>,
  at: { rules: readonly Rule[]; order: readonly number[] },
  st: WalkState,
): void {
  let remaining = 1;
  for (const i of at.order) {
    const r = at.rules[i];
    if (r === undefined || r.target.kind !== 'jump') continue;
    if (!matches({ ...r, probability: undefined }, st)) continue;
    const p = r.probability ?? 1;
    const sub: WalkState = { ...st, chains: [...st.chains], explain: undefined };
    const res = walk(table, r.target.chain, sub);
    if (res?.kind === 'dnat') {
      st.explain?.push({
        ip: res.ip,
        port: res.port,
        probability: remaining * p,
        masquerade: sub.mark,
      });
    }
    remaining *= 1 - p;
    if (remaining <= 0) break;
  }
}

function walk(
  table: Readonly<Record<string, readonly Rule[]>>,
  chain: string,
  st: WalkState,
): Terminal | undefined {
  const rules = table[chain];
  if (rules === undefined) return undefined;
  st.chains.push(chain);
  if (++st.depth > maxDepth) throw new Error(`iptables chain loop at ${chain}`);
  try {
    const order = [...candidates(rules, st.pkt)];
    for (let k = 0; k < order.length; k++) {
      const r = rules[order[k] ?? -1];
      if (r === undefined) continue;
      if (st.explain !== undefined && r.recentCheck !== undefined) {
        st.affinitySeconds = r.recentCheck.seconds; // a new client: no recent entry yet
        continue;
      }
      if (st.explain !== undefined && r.probability !== undefined) {
        expand(table, { rules, order: order.slice(k) }, st);
        return { kind: 'explained' };
      }
      if (!matches(r, st)) continue;
      const t = r.target;
      switch (t.kind) {
        case 'jump': {
          const res = walk(table, t.chain, st);
          if (res !== undefined) return res;
          break;
        }
        case 'mark-masq':
          st.mark = true;
          break;
        case 'return':
          return undefined;
        case 'none':
          break;
        case 'accept':
        case 'drop':
        case 'reject':
          return r.comment === undefined ? { kind: t.kind } : { kind: t.kind, comment: r.comment };
        case 'dnat':
          if (t.recentSet !== undefined && st.explain === undefined)
            st.affinity.set(t.recentSet, st.pkt.srcIP);
          return { kind: 'dnat', ip: t.ip, port: t.port };
      }
    }
    return undefined;
  } finally {
    st.depth--;
  }
}

/**
 * Decides the fate of a new connection exactly as the kernel would walk the rendered chains:
 * `rand` feeds `-m statistic` (uniform in [0,1)), `affinity` holds the `-m recent` lists.
 * nat: PREROUTING (or OUTPUT for `fromHost`) → KUBE-SERVICES. filter, on the translated packet:
 * OUTPUT → KUBE-PROXY-FIREWALL, KUBE-SERVICES; INPUT (local destination) → KUBE-PROXY-FIREWALL,
 * KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES; FORWARD → KUBE-PROXY-FIREWALL, KUBE-SERVICES,
 * KUBE-EXTERNAL-SERVICES (the order `-I` leaves the jumps in).
 */
// eslint-disable-next-line max-params -- the data plane's contract (issue 5): decide(ruleSet, packet, rand, affinity)
export function decide(
  ruleSet: RuleSet,
  packet: Packet,
  rand: () => number,
  affinity: AffinityTable,
): Decision {
  const st: WalkState = {
    pkt: packet,
    proto: packet.protocol.toLowerCase() as L4Protocol,
    rs: ruleSet,
    rand,
    affinity,
    chains: [],
    mark: false,
    depth: 0,
  };
  const natResult = walk(ruleSet.nat, 'KUBE-SERVICES', st);
  const translated: Packet =
    natResult?.kind === 'dnat'
      ? { ...packet, dstIP: natResult.ip, dstPort: natResult.port }
      : packet;
  const fst: WalkState = { ...st, pkt: translated };
  const hooks: string[] = [];
  const dstLocal = isLocal(ruleSet, translated.dstIP);
  if (packet.fromHost === true) hooks.push('KUBE-PROXY-FIREWALL', 'KUBE-SERVICES');
  if (dstLocal) hooks.push('KUBE-PROXY-FIREWALL', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES');
  else if (packet.fromHost !== true)
    hooks.push('KUBE-PROXY-FIREWALL', 'KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES');
  for (const chain of hooks) {
    const res = walk(ruleSet.filter, chain, fst);
    if (res === undefined || res.kind === 'dnat' || res.kind === 'explained') continue;
    if (res.kind === 'accept') {
      if (natResult?.kind === 'dnat') break;
      return { verdict: 'accept', chains: st.chains };
    }
    return res.comment === undefined
      ? { verdict: res.kind, chains: st.chains }
      : { verdict: res.kind, comment: res.comment, chains: st.chains };
  }
  if (natResult?.kind === 'dnat') {
    return {
      verdict: 'dnat',
      ip: natResult.ip,
      port: natResult.port,
      masquerade: fst.mark || st.mark,
      chains: st.chains,
    };
  }
  return { verdict: 'none', masquerade: st.mark, chains: st.chains };
}

export type Explanation =
  | Exclude<Decision, { verdict: 'dnat' }>
  | {
      readonly verdict: 'dnat';
      /** Every backend a new client can get, with probabilities summing to 1. */
      readonly candidates: readonly Candidate[];
      /** ClientIP affinity window, seconds, when the service has one. */
      readonly affinitySeconds?: number;
      readonly chains: readonly string[];
    };

/**
 * What happens to a new connection, without drawing random numbers: the DNAT candidates with the
 * probabilities the `-m statistic` rules give them (for a client with no affinity entry yet), or
 * the reject/drop/accept/none verdict. For `svclab` output and tests; the data plane uses decide().
 */
export function explain(ruleSet: RuleSet, packet: Packet): Explanation {
  const found: Candidate[] = [];
  const st: WalkState = {
    pkt: packet,
    proto: packet.protocol.toLowerCase() as L4Protocol,
    rs: ruleSet,
    rand: () => 1,
    affinity: new AffinityTable(),
    chains: [],
    mark: false,
    depth: 0,
    explain: found,
  };
  const res = walk(ruleSet.nat, 'KUBE-SERVICES', st);
  if (res?.kind === 'explained' || res?.kind === 'dnat') {
    const candidates =
      res.kind === 'dnat'
        ? [{ ip: res.ip, port: res.port, probability: 1, masquerade: st.mark }]
        : found;
    return {
      verdict: 'dnat',
      candidates,
      ...(st.affinitySeconds === undefined ? {} : { affinitySeconds: st.affinitySeconds }),
      chains: st.chains,
    };
  }
  const d = decide(ruleSet, packet, () => 1, new AffinityTable());
  if (d.verdict === 'dnat') throw new Error('explain: nat walk and decide disagree');
  return d;
}
