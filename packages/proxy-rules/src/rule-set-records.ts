// The chain records of a RuleSet (`filter`, `nat`), kept between renders so a partial sync costs
// O(changed service ports) instead of rebuilding ~10 chains per endpoint for every Service: a
// 10k-Service record has 100k+ keys, and merely copying it costs ~100 ms.
import type { Rule } from './rule-set.js';

/** Rules of one chain written by one service port, in order (as renderPort groups them). */
export type RuleGroup = readonly [chain: string, rules: readonly Rule[]];

/** A fragment's structured rules: groups per table. */
export interface RuleGroups {
  readonly filter: readonly RuleGroup[];
  readonly nat: readonly RuleGroup[];
}

type Records = Record<string, readonly Rule[]>;
type Table = 'filter' | 'nat';

/** A fragment's rules split into the chains every port writes to (shared) and its own chains. */
interface Split {
  readonly own: Record<Table, Map<string, readonly Rule[]>>;
  readonly shared: Record<Table, Map<string, readonly Rule[]>>;
  /** JSON of `shared`, computed when first compared. */
  sharedKey?: string;
}

/** One build's input: the fragments, how to get their rules, nat KUBE-SERVICES' closing rules. */
interface Input {
  readonly frs: readonly object[];
  readonly groupsOf: (fr: object) => RuleGroups;
  readonly tail: readonly Rule[];
  readonly tailKey: string;
}

/** What the records were last built from. */
interface Built {
  readonly frs: readonly object[];
  readonly filter: Records;
  readonly nat: Records;
  readonly tailKey: string;
  /** No chain outside `shared` is written by two fragments (else update() cannot work per fragment). */
  readonly exclusive: boolean;
}

/** The chains every service port may write to, with their initial rules (in RuleSet key order). */
export const sharedChains: Record<Table, () => Record<string, Rule[]>> = {
  filter: () => ({
    'KUBE-SERVICES': [],
    'KUBE-EXTERNAL-SERVICES': [],
    'KUBE-NODEPORTS': [],
    'KUBE-PROXY-FIREWALL': [],
  }),
  nat: () => ({
    'KUBE-SERVICES': [],
    'KUBE-NODEPORTS': [],
    'KUBE-MARK-MASQ': [{ target: { kind: 'mark-masq' } }],
  }),
};

/**
 * Builds and updates the chain records. `shared` names the chains every port may write to, with
 * their initial rules; every other chain belongs to exactly one fragment (its KUBE-SVC/SEP/EXT/FW
 * chains). NOTE: update() changes the records of the previous result in place (they are too big to
 * copy): only the newest RuleSet built from one cache is current, an older one reads as the newer.
 */
export class RuleSetRecords {
  private built: Built | undefined;
  private readonly splits = new WeakMap<object, Split>();

  constructor(private readonly shared: Record<Table, () => Record<string, Rule[]>> = sharedChains) {}

  /** Forgets the records (the next build starts from scratch). */
  reset(): void {
    this.built = undefined;
  }

  /** The records of `frs` (rules of each from `groupsOf`), then `tail` appended to nat KUBE-SERVICES. */
  build(
    frs: readonly object[],
    groupsOf: (fr: object) => RuleGroups,
    tail: readonly Rule[],
  ): { filter: Records; nat: Records } {
    const input: Input = { frs, groupsOf, tail, tailKey: JSON.stringify(tail) };
    const prev = this.built;
    if (prev !== undefined && this.update(prev, input)) {
      this.built = { ...prev, frs, tailKey: input.tailKey };
      return prev;
    }
    const built = this.buildAll(input);
    this.built = built;
    return built;
  }

  private split(fr: object, groupsOf: (fr: object) => RuleGroups): Split {
    let s = this.splits.get(fr);
    if (s !== undefined) return s;
    const g = groupsOf(fr);
    s = { own: { filter: new Map(), nat: new Map() }, shared: { filter: new Map(), nat: new Map() } };
    for (const table of ['filter', 'nat'] as const) {
      const initial = this.sharedNames(table);
      for (const [chain, rules] of g[table]) {
        const into = initial.has(chain) ? s.shared[table] : s.own[table];
        const list = into.get(chain);
        into.set(chain, list === undefined ? rules : [...list, ...rules]);
      }
    }
    this.splits.set(fr, s);
    return s;
  }

  private readonly names: Partial<Record<Table, Set<string>>> = {};

  private sharedNames(table: Table): Set<string> {
    return (this.names[table] ??= new Set(Object.keys(this.shared[table]())));
  }

  private buildAll(input: Input): Built {
    const { frs, groupsOf, tailKey } = input;
    const out = { filter: {} as Records, nat: {} as Records };
    let exclusive = true;
    for (const table of ['filter', 'nat'] as const) {
      const into: Record<string, readonly Rule[]> = this.shared[table]();
      for (const fr of frs) {
        const s = this.split(fr, groupsOf);
        for (const [chain, rules] of s.own[table]) {
          const list = into[chain];
          // Two fragments writing one chain only happens with duplicate ports; concatenate.
          if (list !== undefined) exclusive = false;
          into[chain] = list === undefined ? rules : [...list, ...rules];
        }
      }
      this.fillShared(into, table, input);
      out[table] = into;
    }
    return { frs, filter: out.filter, nat: out.nat, tailKey, exclusive };
  }

  /** Sets every shared chain of `into` to its initial rules, then each fragment's, then the tail. */
  private fillShared(into: Record<string, readonly Rule[]>, table: Table, input: Input): void {
    const { frs, groupsOf } = input;
    const tail = table === 'nat' ? input.tail : [];
    const lists = this.shared[table]();
    for (const fr of frs) {
      for (const [chain, rules] of this.split(fr, groupsOf).shared[table]) {
        const list = lists[chain];
        if (list !== undefined) for (const r of rules) list.push(r);
      }
    }
    const services = lists['KUBE-SERVICES'];
    if (services !== undefined) for (const r of tail) services.push(r);
    Object.assign(into, lists);
  }

  /**
   * Turns the records of `prev.frs` into those of `frs` in place; false (nothing changed) when it
   * cannot: another length, many changes, or a chain that two fragments write.
   */
  private update(prev: Built, input: Input): boolean {
    const { frs, groupsOf, tailKey } = input;
    if (!prev.exclusive || prev.frs.length !== frs.length) return false;
    const changed: number[] = [];
    const limit = 64 + (frs.length >> 4);
    for (let i = 0; i < frs.length; i++)
      if (frs[i] !== prev.frs[i] && changed.push(i) > limit) return false;
    const sharedKey = (s: Split): string =>
      (s.sharedKey ??= JSON.stringify([[...s.shared.filter], [...s.shared.nat]]));
    let sameShared = tailKey === prev.tailKey;
    const plan: Record<Table, { drop: Set<string>; set: Map<string, readonly Rule[]> }> = {
      filter: { drop: new Set(), set: new Map() },
      nat: { drop: new Set(), set: new Map() },
    };
    for (const i of changed) {
      const was = this.split(prev.frs[i] as object, groupsOf);
      const now = this.split(frs[i] as object, groupsOf);
      if (sameShared && sharedKey(was) !== sharedKey(now)) sameShared = false;
      for (const table of ['filter', 'nat'] as const) {
        for (const chain of was.own[table].keys()) plan[table].drop.add(chain);
      }
    }
    for (const i of changed) {
      const now = this.split(frs[i] as object, groupsOf);
      for (const table of ['filter', 'nat'] as const) {
        const { drop, set } = plan[table];
        const records = prev[table];
        for (const [chain, rules] of now.own[table]) {
          // A chain another (unchanged or changed) fragment writes too: rebuild from scratch.
          if (set.has(chain) || (records[chain] !== undefined && !drop.has(chain))) return false;
          set.set(chain, rules);
        }
      }
    }
    for (const table of ['filter', 'nat'] as const) {
      const records = prev[table] as Record<string, readonly Rule[]>;
      const { drop, set } = plan[table];
      for (const chain of drop) if (!set.has(chain)) Reflect.deleteProperty(records, chain);
      for (const [chain, rules] of set) records[chain] = rules;
      if (!sameShared) this.fillShared(records, table, input);
    }
    return true;
  }
}
