import { describe, expect, it } from 'vitest';
import { DnsMetrics } from '../../metrics.js';
import { Rcode, reply, type DnsReply, type DnsRequest, type Handler } from '../../plugin.js';
import { CachePlugin } from './cache.js';

const req = (qname: string): DnsRequest => ({
  id: 1,
  qname,
  qtype: 1,
  qclass: 1,
  rd: true,
  cd: false,
  question: Buffer.alloc(0),
  raw: Buffer.alloc(0),
  edns: undefined,
  client: { address: '127.0.0.1', port: 1, transport: 'udp' },
  internal: false,
});

class Upstream implements Handler {
  readonly name = 'forward';
  calls = 0;
  constructor(private readonly make: (q: string) => DnsReply) {}
  serveDNS(r: DnsRequest): Promise<DnsReply> {
    this.calls++;
    return Promise.resolve(this.make(r.qname));
  }
}

const soa = {
  name: 'test',
  type: 'SOA' as const,
  ttl: 60,
  class: 'IN' as const,
  data: { mname: 'ns.test', rname: 'h.test', minimum: 20 },
};
const positive = (ttl: number) => (q: string) =>
  reply('forward', Rcode.NOERROR, {
    answers: [{ name: q, type: 'A', ttl, class: 'IN', data: '192.0.2.1' }],
  });

describe('CachePlugin', () => {
  it.each([
    { name: 'positive answer kept for its TTL', make: positive(30), at: 29_000, hit: true },
    { name: 'positive answer expires after its TTL', make: positive(30), at: 30_000, hit: false },
    {
      name: 'TTL capped by successTTL',
      make: positive(3000),
      at: 11_000,
      hit: false,
      successTTL: 10,
    },
    {
      name: 'NXDOMAIN kept for min(SOA ttl, minimum)',
      make: () => reply('forward', Rcode.NXDOMAIN, { authorities: [soa] }),
      at: 19_000,
      hit: true,
    },
    {
      name: 'NXDOMAIN expires',
      make: () => reply('forward', Rcode.NXDOMAIN, { authorities: [soa] }),
      at: 20_000,
      hit: false,
    },
    {
      name: 'NXDOMAIN without SOA not cached',
      make: () => reply('forward', Rcode.NXDOMAIN),
      at: 1,
      hit: false,
    },
    {
      name: 'SERVFAIL not cached',
      make: () => reply('forward', Rcode.SERVFAIL),
      at: 1,
      hit: false,
    },
    {
      name: 'truncated not cached',
      make: (q: string) => ({ ...positive(30)(q), tc: true }),
      at: 1,
      hit: false,
    },
  ])('$name', async ({ make, at, hit, successTTL }) => {
    let now = 1_000_000;
    const up = new Upstream(make);
    const cache = new CachePlugin({ now: () => now, ...(successTTL ? { successTTL } : {}) }, up);
    await cache.serveDNS(req('a.test'));
    now += at;
    await cache.serveDNS(req('a.test'));
    expect(up.calls).toBe(hit ? 1 : 2);
  });

  it('ages TTLs on hits', async () => {
    let now = 0;
    const cache = new CachePlugin({ now: () => now }, new Upstream(positive(30)));
    await cache.serveDNS(req('a.test'));
    now = 12_500;
    const r = await cache.serveDNS(req('A.TEST'));
    expect(r.answers[0]).toMatchObject({ ttl: 18 });
    expect(r.plugin).toBe('cache');
  });

  // coredns_cache_entries is kept by counting on store/remove, never by scanning the cache.
  const nx = (q: string): DnsReply =>
    q.startsWith('nx') ? reply('forward', Rcode.NXDOMAIN, { authorities: [soa] }) : positive(30)(q);
  it.each([
    {
      name: 'positive and negative counted apart',
      queries: ['a.test', 'b.test', 'nx1.test'],
      after: 0,
      capacity: 10,
      success: 2,
      denial: 1,
    },
    {
      name: 'eviction at 2 × capacity keeps the counts right',
      queries: ['a.test', 'b.test', 'nx1.test', 'c.test', 'nx2.test'],
      after: 0,
      capacity: 2,
      success: 2,
      denial: 2,
    },
    {
      name: 'an expired entry stored again counts once',
      queries: ['a.test', 'nx1.test', 'a.test', 'nx1.test'],
      after: 31_000,
      capacity: 10,
      success: 1,
      denial: 1,
    },
  ])('coredns_cache_entries: $name', async ({ queries, after, capacity, success, denial }) => {
    let now = 0;
    const metrics = new DnsMetrics();
    const cache = new CachePlugin(
      { now: () => now, capacity, metrics, server: 'dns://t' },
      new Upstream(nx),
    );
    for (const [i, q] of queries.entries()) {
      if (i === queries.length / 2) now += after;
      await cache.serveDNS(req(q));
    }
    const values = (await metrics.cacheEntries.get()).values;
    const of = (type: string): number | undefined =>
      values.find((v) => v.labels['type'] === type)?.value;
    expect({ success: of('success'), denial: of('denial'), size: cache.size() }).toEqual({
      success,
      denial,
      size: success + denial,
    });
  });
});
