// The plugin contract (CoreDNS plugin.Handler): each plugin answers or hands the request on to `next`.
import type { Answer } from 'dns-packet';

/** DNS rcodes used here (RFC 1035 / 6895). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;
export type Rcode = (typeof Rcode)[keyof typeof Rcode];

export const RcodeName: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
};

/** Query types by number. */
export const QType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

const QTypeNames: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(QType).map(([k, v]) => [v, k]),
);
/** "A", "SRV", … or "TYPE<n>" as CoreDNS labels unknown types. */
export function qtypeName(t: number): string {
  return QTypeNames[t] ?? `TYPE${t}`;
}

export interface ClientInfo {
  readonly address: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

/** One question as the server received it. Immutable. */
export interface DnsRequest {
  readonly id: number;
  /** As sent by the client (case kept), without the trailing dot; "" for the root. */
  readonly qname: string;
  readonly qtype: number;
  readonly qclass: number;
  readonly rd: boolean;
  readonly cd: boolean;
  /** The wire bytes of the question section, echoed in the reply. */
  readonly question: Buffer;
  /** The whole query on the wire (forward sends it on with a new id). */
  readonly raw: Buffer;
  /** EDNS0 from the client's OPT record, if any. */
  readonly edns:
    { readonly udpSize: number; readonly do: boolean; readonly version: number } | undefined;
  readonly client: ClientInfo;
  /** Set on queries a plugin makes itself (upstream lookups, autopath). */
  readonly internal: boolean;
}

/** A reply before it is written: header bits and the three record sections (no OPT). */
export interface DnsReply {
  readonly rcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly ra: boolean;
  readonly answers: readonly Answer[];
  readonly authorities: readonly Answer[];
  readonly additionals: readonly Answer[];
  /** Name of the plugin that produced it (coredns_dns_responses_total{plugin}). */
  readonly plugin: string;
  /** The question name to echo when a plugin (autopath) rewrote the request. */
  readonly qname?: string;
  /**
   * Set by a plugin whose reply depends only on the question and the objects (not on the client, the
   * clock or an upstream): the server may keep the encoded reply until the objects change.
   */
  readonly stable?: boolean;
  /**
   * Set with `stable` by the cache plugin on a hit: the reply's TTLs are the stored ones lowered by
   * `elapsed` whole seconds. A reuse of the encoded reply calls `reuse()` first: undefined when the
   * entry is gone (expired or evicted), otherwise the seconds elapsed now (and the reuse is counted
   * as a cache hit).
   */
  readonly aging?: { readonly elapsed: number; readonly reuse: () => number | undefined };
}

/** A plugin. `serveDNS` must not throw for DNS-level failures; it returns an rcode instead. */
export interface Handler {
  readonly name: string;
  serveDNS(req: DnsRequest): Promise<DnsReply>;
}

/** A plugin factory: given the rest of the chain, returns the plugin. */
export type PluginFactory = (next: Handler | undefined) => Handler;

/** The order of the chain (plugin.cfg order, not the order of configuration). */
export const CHAIN = ['errors', 'log', 'autopath', 'kubernetes', 'cache', 'forward'] as const;
export type PluginName = (typeof CHAIN)[number];

export function reply(
  plugin: string,
  rcode: number,
  fields: Partial<Omit<DnsReply, 'rcode' | 'plugin'>> = {},
): DnsReply {
  return {
    rcode,
    aa: false,
    tc: false,
    ra: false,
    answers: [],
    authorities: [],
    additionals: [],
    plugin,
    ...fields,
  };
}

/** plugin.NextOrFailure: call `next`, or SERVFAIL when there is none. */
export async function nextOrFailure(
  name: string,
  next: Handler | undefined,
  req: DnsRequest,
): Promise<DnsReply> {
  if (next) return next.serveDNS(req);
  return reply(name, Rcode.SERVFAIL);
}

/** Builds the chain from factories keyed by name, in CHAIN order; plugins left out are skipped. */
export function buildChain(factories: Partial<Record<PluginName, PluginFactory>>): Handler {
  let next: Handler | undefined;
  for (const name of [...CHAIN].reverse()) {
    const f = factories[name];
    if (f) next = f(next);
  }
  if (!next) throw new Error('empty plugin chain');
  return next;
}
