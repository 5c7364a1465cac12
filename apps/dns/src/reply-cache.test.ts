import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@svclab/telemetry';
import { buildDnsChain } from './chain.js';
import { DnsMetrics } from './metrics.js';
import { staticSource } from './objects-file.js';
import type { ClientInfo } from './plugin.js';
import { kubernetesOptions } from './plugins/kubernetes/setup.js';
import { queryHash, ReplyCache, ttlOffsets } from './reply-cache.js';
import { DnsServer } from './server.js';
import { startFakeUpstream } from './testing/fake-upstream.js';
import { fixtureObjects, rr, service } from './testing/fixtures.js';

const T = 'testns.svc.cluster.local';
const client: ClientInfo = { address: '127.0.0.1', port: 5353, transport: 'udp' };
const labels = { type: 'A', rcode: 'NOERROR', plugin: 'kubernetes' };

const query = (id: number, name: string, opts: { do?: boolean } = {}): Buffer =>
  dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: 'A', class: 'IN' }],
    ...(opts.do === undefined
      ? {}
      : {
          additionals: [
            {
              name: '.',
              type: 'OPT',
              udpPayloadSize: 1232,
              flags: opts.do ? dnsPacket.DNSSEC_OK : 0,
            },
          ],
        }),
  } as dnsPacket.Packet);

describe('ReplyCache', () => {
  it.each([
    {
      name: 'same query, other ID: hit',
      stored: query(1, 'a.test'),
      asked: query(2, 'a.test'),
      hit: true,
    },
    {
      name: 'other case in the name: miss',
      stored: query(1, 'a.test'),
      asked: query(1, 'A.test'),
      hit: false,
    },
    { name: 'other name: miss', stored: query(1, 'a.test'), asked: query(1, 'b.test'), hit: false },
    {
      name: 'EDNS added: miss',
      stored: query(1, 'a.test'),
      asked: query(1, 'a.test', { do: false }),
      hit: false,
    },
    {
      name: 'DO bit differs: miss',
      stored: query(1, 'a.test', { do: false }),
      asked: query(1, 'a.test', { do: true }),
      hit: false,
    },
  ])('$name', ({ stored, asked, hit }) => {
    const cache = new ReplyCache(() => 0);
    const reply = Buffer.from(stored);
    reply[2] = 0x81;
    cache.set(stored, 'udp', { bytes: reply, ...labels });
    const got = cache.get(asked, 'udp');
    expect(got !== undefined).toBe(hit);
    if (got) {
      const out = cache.replyTo(got, asked.readUInt16BE(0));
      expect(out?.readUInt16BE(0)).toBe(asked.readUInt16BE(0));
      expect(out?.subarray(2)).toEqual(reply.subarray(2));
      expect(got.bytes.readUInt16BE(0)).toBe(0);
    }
  });

  it('keys UDP and TCP apart (the size limit differs)', () => {
    const cache = new ReplyCache(() => 0);
    const q = query(1, 'a.test');
    cache.set(q, 'udp', { bytes: q, ...labels });
    expect(cache.get(q, 'tcp')).toBeUndefined();
  });

  it('drops every entry when the generation changes', () => {
    let generation = 1;
    const cache = new ReplyCache(() => generation);
    const q = query(1, 'a.test');
    cache.set(q, 'udp', { bytes: q, ...labels });
    expect(cache.get(q, 'udp')).toBeDefined();
    generation++;
    expect(cache.get(q, 'udp')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest entry when full', () => {
    const cache = new ReplyCache(() => 0, 2);
    const qs = ['a.test', 'b.test', 'c.test'].map((n) => query(1, n));
    for (const q of qs) cache.set(q, 'udp', { bytes: q, ...labels });
    expect(cache.size).toBe(2);
    expect(qs.map((q) => cache.get(q, 'udp') !== undefined)).toEqual([false, true, true]);
  });
});

describe('ReplyCache hash chains', () => {
  /** Two queries whose 30-bit hashes collide (a birthday search: ~40k names on average). */
  const colliding = ((): [Buffer, Buffer] => {
    const seen = new Map<number, Buffer>();
    for (let i = 0; ; i++) {
      const q = query(1, `n${String(i)}.test`);
      const other = seen.get(queryHash(q, 'udp'));
      if (other) return [other, q];
      seen.set(queryHash(q, 'udp'), q);
    }
  })();
  /** A reply to `q` told apart by its last byte. */
  const reply = (q: Buffer, last: number): Buffer => {
    const r = Buffer.from(q);
    r[r.length - 1] = last;
    return r;
  };

  it('hashes to a small integer, UDP and TCP apart, ignoring the ID', () => {
    const q = query(1, 'a.test');
    const h = queryHash(q, 'udp');
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 30).toBe(true);
    expect(queryHash(q, 'tcp')).not.toBe(h);
    expect(queryHash(query(2, 'a.test'), 'udp')).toBe(h);
  });

  it.each([
    { name: 'both kept, each found by its bytes', then: 'none' },
    { name: 'storing the first again replaces it', then: 'replace' },
    { name: 'evicting the oldest keeps the younger of the chain', then: 'evict' },
    { name: 'the second dropped when the cache plugin lost it', then: 'drop' },
  ] as const)('$name', ({ then }) => {
    const [a, b] = colliding;
    expect(queryHash(a, 'udp')).toBe(queryHash(b, 'udp'));
    const cache = new ReplyCache(() => 0, 2);
    let aged = true;
    const reuse = (): number | undefined => (aged ? 0 : undefined);
    cache.set(a, 'udp', { bytes: reply(a, 0xaa), ...labels });
    cache.set(b, 'udp', { bytes: reply(b, 0xbb), ...labels, aging: { elapsed: 0, reuse } });
    expect(cache.size).toBe(2);
    const last = (q: Buffer): number | undefined => cache.get(q, 'udp')?.bytes.at(-1);
    expect([last(a), last(b)]).toEqual([0xaa, 0xbb]);
    switch (then) {
      case 'none':
        break;
      case 'replace':
        cache.set(a, 'udp', { bytes: reply(a, 0xa1), ...labels });
        expect(cache.size).toBe(2);
        expect([last(a), last(b)]).toEqual([0xa1, 0xbb]);
        break;
      case 'evict':
        cache.set(query(1, 'other.test'), 'udp', { bytes: query(1, 'other.test'), ...labels });
        expect(cache.size).toBe(2);
        expect([last(a), last(b)]).toEqual([undefined, 0xbb]);
        break;
      case 'drop': {
        aged = false;
        const entry = cache.get(b, 'udp');
        expect(entry && cache.replyTo(entry, 9)).toBeUndefined();
        expect(cache.size).toBe(1);
        expect([last(a), last(b)]).toEqual([0xaa, undefined]);
        break;
      }
    }
  });
});

describe('ttlOffsets', () => {
  it('finds every TTL but the OPT record, through compressed names', () => {
    const msg = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ name: 'a.test', type: 'A', class: 'IN' }],
      answers: [
        { name: 'a.test', type: 'CNAME', ttl: 7, data: 'b.test' },
        { name: 'b.test', type: 'A', ttl: 8, data: '192.0.2.1' },
      ],
      authorities: [{ name: 'test', type: 'NS', ttl: 9, data: 'ns.test' }],
      additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, flags: 0 }],
    } as dnsPacket.Packet);
    expect(ttlOffsets(msg)?.map((o) => msg.readUInt32BE(o))).toEqual([7, 8, 9]);
    expect(ttlOffsets(msg.subarray(0, msg.length - 3))).toBeUndefined();
  });
});

describe('ReplyCache reply buffers', () => {
  const aged = (elapsed: { now: number }) => {
    const reply = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ name: 'a.test', type: 'A', class: 'IN' }],
      answers: [{ name: 'a.test', type: 'A', ttl: 60, data: '192.0.2.1' }],
    });
    const cache = new ReplyCache(() => 0);
    const q = query(1, 'a.test');
    cache.set(q, 'udp', {
      bytes: reply,
      ...labels,
      aging: { elapsed: 0, reuse: () => elapsed.now },
    });
    const entry = cache.get(q, 'udp');
    if (!entry) throw new Error('not kept');
    return { cache, entry };
  };
  const ttl = (out: Buffer | undefined): number | undefined => {
    const a = dnsPacket.decode(out ?? Buffer.alloc(0)).answers?.[0];
    return a && 'ttl' in a ? a.ttl : undefined;
  };

  it.each([
    { name: 'a new buffer per reply until one is given back', release: false },
    { name: 'the buffer given back is handed out again, ID and TTLs rewritten', release: true },
  ])('$name', ({ release }) => {
    const elapsed = { now: 0 };
    const { cache, entry } = aged(elapsed);
    const first = cache.replyTo(entry, 7);
    if (!first) throw new Error('no reply');
    expect([first.readUInt16BE(0), ttl(first)]).toEqual([7, 60]);
    if (release) cache.release(entry, first);
    elapsed.now = 3;
    const second = cache.replyTo(entry, 8);
    expect(second === first).toBe(release);
    expect([second?.readUInt16BE(0), ttl(second)]).toEqual([8, 57]);
    const expected = Buffer.from(entry.bytes);
    expected.writeUInt16BE(8, 0);
    expected.writeUInt32BE(57, entry.aging?.offsets[0] ?? 0);
    expect(second).toEqual(expected);
    // Handed out once: the next reply gets a buffer of its own again.
    expect(cache.replyTo(entry, 9) === second).toBe(false);
    expect(entry.bytes.readUInt16BE(0)).toBe(0);
  });

  it('ignores a buffer of another length', () => {
    const { cache, entry } = aged({ now: 0 });
    const other = Buffer.alloc(entry.bytes.length + 1);
    cache.release(entry, other);
    expect(cache.replyTo(entry, 1) === other).toBe(false);
  });
});

describe('DnsServer with a ReplyCache', () => {
  const setup = (log: boolean) => {
    const objects = staticSource(fixtureObjects(), () => 1700000000);
    const metrics = new DnsMetrics();
    const logger = memoryLogger('dns');
    const cache = new ReplyCache(() => objects.generation());
    const chain = buildDnsChain({ objects, kubernetes: kubernetesOptions(), log, logger, metrics });
    const server = new DnsServer({
      host: '127.0.0.1',
      port: 0,
      handler: chain.handler,
      logger,
      metrics,
      replyCache: cache,
    });
    const ask = async (id: number, name: string): Promise<dnsPacket.Packet> => {
      const out = await server.handle(query(id, name), client);
      if (!out) throw new Error('no reply');
      return dnsPacket.decode(out);
    };
    return { objects, metrics, logger, cache, ask };
  };

  it('answers a repeated query from the cache with its own ID, and counts it', async () => {
    const { metrics, cache, ask } = setup(false);
    const first = await ask(11, `svc1.${T}`);
    const second = await ask(12, `svc1.${T}`);
    expect(cache.size).toBe(1);
    expect(second.id).toBe(12);
    expect(second.answers?.map(rr)).toEqual(first.answers?.map(rr));
    expect(second.answers?.map(rr)).toEqual([`svc1.${T}. 5 IN A 10.0.0.1`]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/coredns_dns_requests_total\{[^}]*type="A"\} 2/);
    expect(text).toMatch(
      /coredns_dns_responses_total\{[^}]*rcode="NOERROR",plugin="kubernetes"\} 2/,
    );
    expect(text).toMatch(/coredns_dns_request_duration_seconds_count\{[^}]*type="A"\} 2/);
  });

  it("answers a UDP burst of the same query with each query's own ID", async () => {
    const objects = staticSource(fixtureObjects(), () => 1700000000);
    const metrics = new DnsMetrics();
    const logger = memoryLogger('dns');
    const chain = buildDnsChain({ objects, kubernetes: kubernetesOptions(), logger, metrics });
    const server = new DnsServer({
      host: '127.0.0.1',
      port: 0,
      handler: chain.handler,
      logger,
      metrics,
      replyCache: new ReplyCache(() => objects.generation()),
    });
    await server.start();
    const sock = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => {
        sock.bind(0, '127.0.0.1', resolve);
      });
      let replies: dnsPacket.Packet[] = [];
      let wanted = 0;
      let whenAll = (): void => undefined;
      sock.on('message', (m) => {
        replies.push(dnsPacket.decode(m));
        if (replies.length === wanted) whenAll();
      });
      /** Sends a query per ID at once and waits for every reply. */
      const burst = async (ids: readonly number[]): Promise<dnsPacket.Packet[]> => {
        replies = [];
        wanted = ids.length;
        const all = new Promise<void>((resolve) => (whenAll = resolve));
        for (const id of ids) sock.send(query(id, `svc1.${T}`), server.port, '127.0.0.1');
        await all;
        return replies;
      };
      await burst([1]); // answered anew and kept
      // Bursts small enough for the socket buffers (UDP drops the rest); replies from the cache
      // reuse a buffer or, if the socket queued one, take a new one.
      for (let round = 0; round < 20; round++) {
        const ids = Array.from({ length: 100 }, (_, i) => round * 100 + i + 2);
        const got = await burst(ids);
        expect(got.map((r) => r.id).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(ids);
        expect(new Set(got.map((r) => r.answers?.map(rr).join()))).toEqual(
          new Set([`svc1.${T}. 5 IN A 10.0.0.1`]),
        );
      }
    } finally {
      sock.close();
      await server.stop();
    }
  });

  it('answers anew once the objects change (added, updated, deleted)', async () => {
    const { objects, ask } = setup(false);
    expect((await ask(1, `fresh.${T}`)).flags! & 0xf).toBe(3);
    const svc = service('testns', 'fresh', { clusterIP: '10.0.0.99', ports: [{ port: 80 }] });
    objects.onAdd(svc);
    expect((await ask(2, `fresh.${T}`)).answers?.map(rr)).toEqual([`fresh.${T}. 5 IN A 10.0.0.99`]);
    objects.onUpdate(svc, { ...svc, spec: { ...svc.spec, clusterIP: '10.0.0.98' } });
    expect((await ask(3, `fresh.${T}`)).answers?.map(rr)).toEqual([`fresh.${T}. 5 IN A 10.0.0.98`]);
    objects.onDelete(svc);
    expect((await ask(4, `fresh.${T}`)).flags! & 0xf).toBe(3);
  });

  it('keeps nothing when the log plugin must see every query', async () => {
    const { cache, logger, ask } = setup(true);
    await ask(1, `svc1.${T}`);
    await ask(2, `svc1.${T}`);
    expect(cache.size).toBe(0);
    expect(logger.lines.filter((l) => l['msg'] === 'query')).toHaveLength(2);
  });

  it('reuses cached forwarded replies with TTLs aged as the cache plugin does, until it drops them', async () => {
    const upstream = await startFakeUpstream({
      records: { 'www.example.test': ['192.0.2.20'] },
      ttl: 60,
    });
    try {
      let now = 1_000_000;
      const objects = staticSource(fixtureObjects(), () => 1700000000);
      const metrics = new DnsMetrics();
      const logger = memoryLogger('dns');
      const cache = new ReplyCache(() => objects.generation());
      const chain = buildDnsChain({
        objects,
        kubernetes: kubernetesOptions(),
        forward: { upstreams: [upstream.address], allow: ['127.0.0.0/8'], timeoutMs: 5000 },
        cache: { now: () => now },
        logger,
        metrics,
      });
      const server = new DnsServer({
        host: '127.0.0.1',
        port: 0,
        handler: chain.handler,
        logger,
        metrics,
        replyCache: cache,
      });
      const ttl = async (id: number): Promise<number | undefined> => {
        const out = await server.handle(query(id, 'www.example.test'), client);
        const a = dnsPacket.decode(out ?? Buffer.alloc(0)).answers?.[0];
        expect(a).toMatchObject({ data: '192.0.2.20' });
        return a && 'ttl' in a ? a.ttl : undefined;
      };
      expect(await ttl(1)).toBe(60); // forwarded, stored by the cache plugin
      expect(cache.size).toBe(0);
      expect(await ttl(2)).toBe(60); // a cache plugin hit, kept as bytes
      expect(cache.size).toBe(1);
      now += 2500;
      expect(await ttl(3)).toBe(58); // from the bytes, aged
      now += 1000;
      expect(await ttl(4)).toBe(57);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/coredns_cache_hits_total\{[^}]*type="success"[^}]*\} 3/);
      expect(text).toMatch(/coredns_cache_requests_total\{[^}]*\} 4/);
      now += 60_000;
      expect(await ttl(5)).toBe(60); // expired: forwarded again
      expect(cache.size).toBe(0);
    } finally {
      await upstream.close();
    }
  });
});
