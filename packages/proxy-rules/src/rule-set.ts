// The structured form of the rules kube-proxy writes: what the userspace data plane evaluates
// (see decide.ts). One Rule per `-A` line of the service-related chains, in kernel order.

export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** What a rule does when it matches. `none` = a rule with no target (counts, then falls through). */
export type Target =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'accept' | 'drop' | 'reject' | 'return' | 'none' }
  | { readonly kind: 'mark-masq' }
  | {
      readonly kind: 'dnat';
      readonly ip: string;
      readonly port: number;
      readonly recentSet?: string;
    };

/** A rule: all present match fields must hold (iptables AND semantics). */
export interface Rule {
  /** `-m comment --comment` value, unquoted; absent in large-cluster mode. */
  readonly comment?: string;
  readonly protocol?: L4Protocol;
  /** `-d`: an address or CIDR. */
  readonly dst?: string;
  readonly dport?: number;
  /** `-s`: an address or CIDR. */
  readonly src?: string;
  /** `! -s`: an address or CIDR. */
  readonly notSrc?: string;
  /** `! -d`. */
  readonly notDst?: string;
  /** `-m addrtype --src-type LOCAL`. */
  readonly srcLocal?: boolean;
  /** `-m addrtype --dst-type LOCAL`. */
  readonly dstLocal?: boolean;
  /** Local-traffic detector: true = IfLocal (`-s clusterCIDR`), false = IfNotLocal (`! -s clusterCIDR`). */
  readonly fromLocal?: boolean;
  /** `-m statistic --mode random --probability p`. */
  readonly probability?: number;
  /** `-m recent --name X --rcheck --seconds T --reap`. */
  readonly recentCheck?: { readonly name: string; readonly seconds: number };
  readonly target: Target;
}

/** How the local-traffic detector decides "from a pod on this node". */
export type DetectorSpec =
  | { readonly mode: 'none' }
  | { readonly mode: 'cidr'; readonly cidr: string }
  | { readonly mode: 'interface' };

/**
 * The service chains of the filter and nat tables as JSON. Chains are keyed by name, rules in
 * order. Only chains a service packet can traverse are included (KUBE-FORWARD, KUBE-FIREWALL and
 * KUBE-POSTROUTING are text-only). NOTE: built once per render; treat as immutable. With an
 * IptablesCache, a later render's RuleSet updates the `filter`/`nat` records in place (only changed
 * ports' chains; see RuleSetRecords): the newest RuleSet of a cache is the current one, an older
 * one then reads as the newer.
 */
export interface RuleSet {
  readonly nodeName: string;
  readonly nodeIP: string;
  /** Addresses/CIDRs `-m addrtype --dst-type LOCAL` / `--src-type LOCAL` treat as local. */
  readonly localAddresses: readonly string[];
  readonly detector: DetectorSpec;
  readonly filter: Readonly<Record<string, readonly Rule[]>>;
  readonly nat: Readonly<Record<string, readonly Rule[]>>;
}
