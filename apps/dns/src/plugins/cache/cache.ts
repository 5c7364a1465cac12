// cache plugin (CoreDNS plugin/cache): keeps replies of the plugins after it (forwarded answers) for
// the smallest TTL in the reply, capped; serves hits with TTLs decreased by the time spent in cache.
import type { Answer, SoaAnswer } from 'dns-packet';
import { Rcode, type DnsReply, type DnsRequest, type Handler } from '../../plugin.js';
import type { DnsMetrics } from '../../metrics.js';

export interface CacheOptions {
  /** Cap on the TTL of positive answers, seconds (CoreDNS `success` / `cache TTL`, default 3600). */
  readonly successTTL: number;
  /** Cap on the TTL of NXDOMAIN/NODATA, seconds (`denial`, default 1800). */
  readonly denialTTL: number;
  /** Entries per kind, positive and negative each (`success CAPACITY`, default 9984). */
  readonly capacity: number;
  /** Milliseconds; injected for tests. */
  readonly now?: () => number;
  readonly metrics?: DnsMetrics;
  readonly server?: string;
}

export const defaultCacheOptions: CacheOptions = {
  successTTL: 3600,
  denialTTL: 1800,
  capacity: 9984,
};

interface Entry {
  readonly reply: DnsReply;
  readonly stored: number;
  readonly expires: number;
  readonly kind: 'success' | 'denial';
  /** Set when the entry leaves the map (replies reused by the server stop then). */
  removed: boolean;
}

const ttlOf = (a: Answer): number => ('ttl' in a ? (a.ttl ?? 0) : 0);

export class CachePlugin implements Handler {
  readonly name = 'cache';
  private readonly entries = new Map<string, Entry>();
  /** Entries of kind 'success', kept up to date so a store never scans the map (coredns_cache_entries). */
  private successCount = 0;
  private readonly opts: CacheOptions;
  private readonly now: () => number;

  constructor(
    opts: Partial<CacheOptions>,
    private readonly next: Handler | undefined,
  ) {
    this.opts = { ...defaultCacheOptions, ...opts };
    this.now = opts.now ?? (() => Date.now());
  }

  size(): number {
    return this.entries.size;
  }

  /** Counter handles resolved once and batched (prom-client hashes label objects on every inc). */
  private counters:
    | {
        readonly requests: { inc(): void };
        readonly misses: { inc(): void };
        readonly hits: Readonly<Record<Entry['kind'], { inc(): void }>>;
      }
    | undefined;

  private count(): NonNullable<CachePlugin['counters']> | undefined {
    const m = this.opts.metrics;
    if (!m) return undefined;
    if (!this.counters) {
      const labels = { server: this.opts.server ?? '', zones: '.', view: '' };
      this.counters = {
        requests: m.batchedCounter(m.cacheRequests, labels),
        misses: m.batchedCounter(m.cacheMisses, labels),
        hits: {
          success: m.batchedCounter(m.cacheHits, { ...labels, type: 'success' }),
          denial: m.batchedCounter(m.cacheHits, { ...labels, type: 'denial' }),
        },
      };
    }
    return this.counters;
  }

  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    const counters = this.count();
    counters?.requests.inc();
    const key = `${req.qname.toLowerCase()}\u0000${req.qtype}\u0000${req.edns?.do ? 1 : 0}\u0000${req.cd ? 1 : 0}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) {
      counters?.hits[hit.kind].inc();
      const elapsed = Math.floor((now - hit.stored) / 1000);
      const age = (l: readonly Answer[]): Answer[] =>
        l.map((a) => ('ttl' in a ? { ...a, ttl: Math.max(0, ttlOf(a) - elapsed) } : a));
      return {
        ...hit.reply,
        answers: age(hit.reply.answers),
        authorities: age(hit.reply.authorities),
        additionals: age(hit.reply.additionals),
        plugin: this.name,
        stable: true,
        aging: { elapsed, reuse: () => this.reuse(hit) },
      };
    }
    if (hit) this.remove(key);
    counters?.misses.inc();
    if (!this.next)
      return {
        rcode: Rcode.SERVFAIL,
        aa: false,
        tc: false,
        ra: false,
        answers: [],
        authorities: [],
        additionals: [],
        plugin: this.name,
      };
    const rep = await this.next.serveDNS(req);
    this.store(key, rep, now);
    return rep;
  }

  private store(key: string, rep: DnsReply, now: number): void {
    if (rep.tc) return;
    let kind: Entry['kind'];
    let ttl: number;
    if (rep.rcode === Rcode.NOERROR && rep.answers.length > 0) {
      kind = 'success';
      ttl = Math.min(this.opts.successTTL, ...rep.answers.map(ttlOf));
    } else if (
      rep.rcode === Rcode.NXDOMAIN ||
      (rep.rcode === Rcode.NOERROR && rep.answers.length === 0)
    ) {
      kind = 'denial';
      const soa = rep.authorities.find((a): a is SoaAnswer => a.type === 'SOA');
      if (!soa) return;
      const min = soa.data.minimum ?? 0;
      ttl = Math.min(this.opts.denialTTL, ttlOf(soa), min);
    } else return;
    if (ttl <= 0) return;
    this.remove(key);
    if (this.entries.size >= this.opts.capacity * 2) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.remove(oldest.value);
    }
    this.entries.set(key, {
      reply: rep,
      stored: now,
      expires: now + ttl * 1000,
      kind,
      removed: false,
    });
    if (kind === 'success') this.successCount++;
    if (this.opts.metrics) {
      const success = this.successCount;
      const server = this.opts.server ?? '';
      this.opts.metrics.cacheEntries.set(
        { server, type: 'success', zones: '.', view: '' },
        success,
      );
      this.opts.metrics.cacheEntries.set(
        { server, type: 'denial', zones: '.', view: '' },
        this.entries.size - success,
      );
    }
  }

  /** A reuse of a reply served from `e`: seconds since stored, counted as a hit; undefined once gone. */
  private reuse(e: Entry): number | undefined {
    const now = this.now();
    if (e.removed || e.expires <= now) return undefined;
    const counters = this.count();
    counters?.requests.inc();
    counters?.hits[e.kind].inc();
    return Math.floor((now - e.stored) / 1000);
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.removed = true;
    this.entries.delete(key);
    if (e.kind === 'success') this.successCount--;
  }
}
