import { createSocket } from 'node:dgram';
import { promises as dnsp } from 'node:dns';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '@svclab/telemetry';
import { buildDnsChain } from './chain.js';
import { DnsMetrics } from './metrics.js';
import { staticSource } from './objects-file.js';
import { DnsController } from './plugins/kubernetes/controller.js';
import { kubernetesOptions, PodMode } from './plugins/kubernetes/setup.js';
import { DnsServer, literalLookup } from './server.js';
import { dig } from './testing/dig.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import { fixtureObjects, service, slice } from './testing/fixtures.js';

const T = 'testns.svc.cluster.local';
const SERIAL = 1700000000;
const SOA = `cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${SERIAL} 7200 1800 86400 5`;

function bigHeadless(n: number): ReturnType<typeof fixtureObjects> {
  const eps = Array.from({ length: n }, (_, i) => ({
    ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  }));
  return [
    service('testns', 'big', {
      clusterIP: 'None',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    }),
    slice({ ns: 'testns', name: 'big-1', svc: 'big' }, eps),
  ];
}

/** Sends raw datagrams from one socket and collects replies until `until` holds. */
async function udpExchange(
  port: number,
  packets: Buffer[],
  until: (replies: Buffer[]) => boolean,
): Promise<Buffer[]> {
  const sock = createSocket('udp4');
  const replies: Buffer[] = [];
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timeout; got ${replies.length} replies`));
      }, 20_000);
      sock.on('message', (m) => {
        replies.push(m);
        if (until(replies)) {
          clearTimeout(timer);
          resolve(replies);
        }
      });
      for (const p of packets) sock.send(p, port, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}

const query = (id: number, name: string, type: dnsPacket.RecordType = 'A'): Buffer =>
  dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
  });

describe('DnsServer over UDP and TCP', () => {
  let server: DnsServer;
  let unsynced: DnsServer;
  let fallback: DnsServer;
  let upstream: FakeUpstream;
  let metrics: DnsMetrics;
  const logger = memoryLogger('dns');

  beforeAll(async () => {
    upstream = await startFakeUpstream({
      records: {
        'ext.interwebs.test': ['192.0.2.10'],
        'www.example.test': ['192.0.2.20'],
        'big.example.test': Array.from({ length: 60 }, (_, i) => `192.0.2.${i + 1}`),
      },
      truncate: ['big.example.test'],
    });
    metrics = new DnsMetrics();
    const objects = staticSource([...fixtureObjects(), ...bigHeadless(200)], () => SERIAL);
    const chain = buildDnsChain({
      objects,
      kubernetes: kubernetesOptions({ pods: PodMode.Insecure }),
      forward: { upstreams: [upstream.address], allow: ['127.0.0.0/8'], timeoutMs: 5000 },
      log: true,
      logger,
      metrics,
    });
    server = new DnsServer({ host: '127.0.0.1', port: 0, handler: chain.handler, logger, metrics });
    await server.start();
    fallback = new DnsServer({
      host: '127.0.0.1',
      port: 0,
      handler: chain.handler,
      logger,
      udpBatch: false,
    });
    await fallback.start();
    const empty = new DnsController({ now: () => SERIAL });
    empty.onAdd({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'testns' } });
    unsynced = new DnsServer({
      host: '127.0.0.1',
      port: 0,
      handler: buildDnsChain({ objects: empty, kubernetes: kubernetesOptions(), logger }).handler,
      logger,
    });
    await unsynced.start();
  });
  afterAll(async () => {
    await server.stop();
    await fallback.stop();
    await unsynced.stop();
    await upstream.close();
  });

  const digCases = [
    {
      name: 'A',
      args: [`svc1.${T}`, 'A'],
      status: 'NOERROR',
      answer: [`svc1.${T}. 5 IN A 10.0.0.1`],
    },
    {
      name: 'AAAA',
      args: [`svc6.${T}`, 'AAAA'],
      status: 'NOERROR',
      answer: [`svc6.${T}. 5 IN AAAA 1234:abcd::1`],
    },
    {
      name: 'SRV with additional',
      args: [`_http._tcp.svc1.${T}`, 'SRV'],
      status: 'NOERROR',
      answer: [`_http._tcp.svc1.${T}. 5 IN SRV 0 100 80 svc1.${T}.`],
      additional: [`svc1.${T}. 5 IN A 10.0.0.1`],
    },
    {
      name: 'headless endpoint name',
      args: [`ep1a.svc1.${T}`, 'A'],
      status: 'NOERROR',
      answer: [`ep1a.svc1.${T}. 5 IN A 172.0.0.1`],
    },
    {
      name: 'CNAME',
      args: [`external.${T}`, 'CNAME'],
      status: 'NOERROR',
      answer: [`external.${T}. 5 IN CNAME ext.interwebs.test.`],
    },
    {
      name: 'ExternalName A through forward',
      args: [`external.${T}`, 'A'],
      status: 'NOERROR',
      answer: [
        `external.${T}. 5 IN CNAME ext.interwebs.test.`,
        'ext.interwebs.test. 60 IN A 192.0.2.10',
      ],
    },
    {
      name: 'PTR',
      args: ['-x', '10.0.0.1'],
      status: 'NOERROR',
      answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${T}.`],
    },
    {
      name: 'PTR of an endpoint',
      args: ['-x', '172.0.0.2'],
      status: 'NOERROR',
      answer: [`2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.svc1.${T}.`],
    },
    {
      name: 'pod record (insecure)',
      args: ['1-2-3-4.testns.pod.cluster.local', 'A'],
      status: 'NOERROR',
      answer: ['1-2-3-4.testns.pod.cluster.local. 5 IN A 1.2.3.4'],
    },
    {
      name: 'dns-version TXT',
      args: ['dns-version.cluster.local', 'TXT'],
      status: 'NOERROR',
      answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'],
    },
    { name: 'apex SOA', args: ['cluster.local', 'SOA'], status: 'NOERROR', answer: [SOA] },
    {
      name: 'apex NS',
      args: ['cluster.local', 'NS'],
      status: 'NOERROR',
      answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'],
      additional: ['ns.dns.cluster.local. 5 IN A 127.0.0.1'],
    },
    {
      name: 'NXDOMAIN with SOA',
      args: [`nothere.${T}`, 'A'],
      status: 'NXDOMAIN',
      authority: [SOA],
    },
    { name: 'NODATA with SOA', args: [`svc1.${T}`, 'AAAA'], status: 'NOERROR', authority: [SOA] },
    {
      name: 'forwarded name',
      args: ['www.example.test', 'A'],
      status: 'NOERROR',
      answer: ['www.example.test. 60 IN A 192.0.2.20'],
    },
  ];

  it.each(digCases)('dig $name', async (c) => {
    const r = await dig(server.port, c.args);
    expect(r.status).toBe(c.status);
    expect(r.answer).toEqual(c.answer ?? []);
    expect(r.authority).toEqual(c.authority ?? []);
    expect(r.additional).toEqual(c.additional ?? []);
  });

  it('serves UDP through the udp-batch addon, and through node:dgram when told not to', () => {
    expect(server.udpMode).toBe('batch');
    expect(fallback.udpMode).toBe('dgram');
    expect(logger.lines.filter((l) => l['msg'] === 'udp listener').map((l) => l['mode'])).toEqual(
      expect.arrayContaining(['batch', 'dgram']),
    );
  });

  it.each(digCases)('dig $name over the dgram fallback', async (c) => {
    const r = await dig(fallback.port, c.args);
    expect(r.status).toBe(c.status);
    expect(r.answer).toEqual(c.answer ?? []);
    expect(r.authority).toEqual(c.authority ?? []);
    expect(r.additional).toEqual(c.additional ?? []);
  });

  it('sets aa on authoritative answers', async () => {
    const r = await dig(server.port, [`svc1.${T}`]);
    expect(r.flags).toContain('aa');
    expect(r.flags).toContain('qr');
  });

  it('truncates a 200-endpoint headless answer over UDP (512 without EDNS) and sends it whole over TCP', async () => {
    const udp = await dig(server.port, ['+noedns', '+ignore', `big.${T}`, 'A']);
    expect(udp.flags).toContain('tc');
    expect(udp.answer.length).toBeGreaterThan(0);
    expect(udp.answer.length).toBeLessThan(200);
    const retried = await dig(server.port, ['+noedns', `big.${T}`, 'A']);
    expect(retried.flags).not.toContain('tc');
    expect(retried.answer).toHaveLength(200);
    const tcp = await dig(server.port, ['+tcp', `big.${T}`, 'A']);
    expect(tcp.answer).toHaveLength(200);
    expect(tcp.answer[0]).toBe(`big.${T}. 5 IN A 10.1.0.1`);
  });

  it('honours the EDNS0 UDP size of the client', async () => {
    const small = await dig(server.port, ['+noedns', '+ignore', `big.${T}`]);
    const large = await dig(server.port, ['+bufsize=4096', '+ignore', `big.${T}`]);
    expect(large.flags).toContain('tc');
    expect(large.answer.length).toBeGreaterThan(small.answer.length * 4);
    expect(large.opt).toMatch(/version: 0/);
    expect(large.raw).toMatch(/udp: 4096/);
    expect(small.opt).toBeUndefined();
  });

  it('answers BADVERS to EDNS versions other than 0', async () => {
    const r = await dig(server.port, ['+edns=1', '+noednsneg', `svc1.${T}`]);
    expect(r.status).toBe('BADVERS');
    expect(r.answer).toEqual([]);
  });

  it('echoes the DO bit', async () => {
    const r = await dig(server.port, ['+dnssec', `svc1.${T}`]);
    expect(r.opt).toMatch(/flags: do/);
    expect(r.answer).toEqual([`svc1.${T}. 5 IN A 10.0.0.1`]);
  });

  it('retries forwarded queries over TCP when the upstream truncates', async () => {
    const r = await dig(server.port, ['big.example.test', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toHaveLength(60);
    expect(upstream.queries).toContain('big.example.test A udp');
    expect(upstream.queries).toContain('big.example.test A tcp');
  });

  it('caches forwarded answers', async () => {
    await dig(server.port, ['cached.example.test', 'A']);
    const before = upstream.queries.filter((q) => q.startsWith('cached.example.test')).length;
    const again = await dig(server.port, ['cached.example.test', 'A']);
    expect(again.status).toBe('NXDOMAIN');
    expect(upstream.queries.filter((q) => q.startsWith('cached.example.test')).length).toBe(before);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/coredns_cache_hits_total\{[^}]*type="denial"[^}]*\} [1-9]/);
  });

  it('answers Node dns.promises.Resolver', async () => {
    const r = new dnsp.Resolver({ timeout: 5000, tries: 3 });
    r.setServers([`127.0.0.1:${server.port}`]);
    expect(await r.resolve4(`svc1.${T}`)).toEqual(['10.0.0.1']);
    expect(await r.resolve6(`svc6.${T}`)).toEqual(['1234:abcd::1']);
    expect(await r.resolveSrv(`_http._tcp.svc1.${T}`)).toEqual([
      { name: `svc1.${T}`, port: 80, priority: 0, weight: 100 },
    ]);
    expect(await r.resolveTxt('dns-version.cluster.local')).toEqual([['1.1.0']]);
    expect(await r.resolveCname(`external.${T}`)).toEqual(['ext.interwebs.test']);
    expect(await r.reverse('10.0.0.1')).toEqual([`svc1.${T}`]);
    await expect(r.resolve4(`nothere.${T}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolve6(`svc1.${T}`)).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('answers SERVFAIL for would-be NXDOMAIN until synced', async () => {
    const r = await dig(unsynced.port, [`nothere.${T}`]);
    expect(r.status).toBe('SERVFAIL');
  });

  it('answers FORMERR, NOTIMP, and drops junk', async () => {
    const two = dnsPacket.encode({
      type: 'query',
      id: 11,
      questions: [
        { name: 'a.test', type: 'A' },
        { name: 'b.test', type: 'A' },
      ],
    });
    const status = query(12, `svc1.${T}`);
    status.writeUInt16BE((2 << 11) | 0x100, 2); // opcode STATUS
    const garbled = Buffer.concat([
      query(13, `svc1.${T}`).subarray(0, 14),
      Buffer.from([0xff, 0xff]),
    ]);
    const short = Buffer.from([1, 2, 3]);
    const response = query(14, `svc1.${T}`);
    response.writeUInt16BE(0x8000, 2);
    const good = query(15, `svc1.${T}`);
    const replies = await udpExchange(
      server.port,
      [two, status, garbled, short, response, good],
      (rs) => rs.some((r) => r.readUInt16BE(0) === 15) && rs.length >= 4,
    );
    const byId = new Map(replies.map((r) => [r.readUInt16BE(0), r]));
    expect((byId.get(11)?.readUInt16BE(2) ?? 0) & 0xf).toBe(1);
    expect((byId.get(12)?.readUInt16BE(2) ?? 0) & 0xf).toBe(4);
    expect((byId.get(13)?.readUInt16BE(2) ?? 0) & 0xf).toBe(1);
    expect(byId.has(14)).toBe(false);
    const ok = dnsPacket.decode(byId.get(15) ?? Buffer.alloc(0));
    expect(ok.answers?.[0]).toMatchObject({ type: 'A', data: '10.0.0.1' });
  });

  it('survives random and mutated packets and still answers correctly', async () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const templates = [
      query(1, `svc1.${T}`),
      query(2, `_http._tcp.svc1.${T}`, 'SRV'),
      query(3, 'x.example.test'),
      query(4, '1.0.0.10.in-addr.arpa', 'PTR'),
    ];
    const packets: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) {
        packets.push(
          Buffer.from(
            Array.from({ length: Math.floor(rand() * 100) }, () => Math.floor(rand() * 256)),
          ),
        );
      } else {
        const t = Buffer.from(templates[i % templates.length] ?? Buffer.alloc(0));
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) t[Math.floor(rand() * t.length)] = Math.floor(rand() * 256);
        packets.push(rand() < 0.2 ? t.subarray(0, Math.floor(rand() * t.length)) : t);
      }
    }
    // Straight into the handler: never rejects, and every reply decodes with the query's id.
    for (const p of packets) {
      const out = await server.handle(p, { address: '127.0.0.1', port: 1, transport: 'udp' });
      if (out) expect(out.readUInt16BE(0)).toBe(p.readUInt16BE(0));
    }
    // And over the wire, UDP and TCP.
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    for (const p of packets.slice(0, 1000)) sock.send(p, server.port, '127.0.0.1');
    sock.close();
    const { connect } = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port }, () => {
        for (const p of packets.slice(0, 200)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(p.length);
          s.write(Buffer.concat([len, p]));
        }
        s.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
      });
      s.on('error', () => {
        resolve();
      });
      s.on('close', () => {
        resolve();
      });
      s.resume();
    });
    const r = await dig(server.port, [`svc1.${T}`]);
    expect(r.answer).toEqual([`svc1.${T}. 5 IN A 10.0.0.1`]);
    const t = await dig(server.port, ['+tcp', `_http._tcp.svc1.${T}`, 'SRV']);
    expect(t.answer).toEqual([`_http._tcp.svc1.${T}. 5 IN SRV 0 100 80 svc1.${T}.`]);
  });

  it('exports CoreDNS metrics and logs queries', async () => {
    await dig(server.port, [`svc1.${T}`]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"[^}]*\} \d+/);
    expect(text).toMatch(
      /coredns_dns_responses_total\{[^}]*rcode="NOERROR"[^}]*plugin="kubernetes"[^}]*\} \d+/,
    );
    expect(text).toMatch(/coredns_dns_request_duration_seconds_bucket/);
    expect(text).toMatch(/coredns_forward_requests_total\{to="127\.0\.0\.1:\d+"\} \d+/);
    expect(
      logger.lines.some(
        (l) => l['msg'] === 'query' && l['name'] === `svc1.${T}.` && l['rcode'] === 'NOERROR',
      ),
    ).toBe(true);
  });
});

describe('literalLookup', () => {
  it.each([
    { name: 'IPv4 literal', address: '127.0.0.1', family: 4 },
    { name: 'IPv6 literal', address: '::1', family: 6 },
    { name: 'v4-mapped literal', address: '::ffff:127.0.0.1', family: 6 },
  ])('answers an $name at once', ({ address, family }) => {
    let got: unknown[] | undefined;
    literalLookup(address, {}, (...args) => {
      got = args;
    });
    expect(got).toEqual([null, address, family]);
  });

  it('resolves a name through dns.lookup, later', async () => {
    let sync = true;
    const got = await new Promise<unknown[]>((resolve) => {
      literalLookup('localhost', { family: 4 }, (...args) => {
        resolve([sync, ...args]);
      });
      sync = false;
    });
    expect(got).toEqual([false, null, '127.0.0.1', 4]);
  });
});
