// The UDP listener on @svclab/udp-batch against node:dgram: the same replies (each with its query's
// ID, to the right peer) and the same metrics, over IPv4 and IPv6, cached and not.
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '@svclab/telemetry';
import { buildDnsChain } from './chain.js';
import { DnsMetrics } from './metrics.js';
import { staticSource } from './objects-file.js';
import { kubernetesOptions } from './plugins/kubernetes/setup.js';
import { ReplyCache } from './reply-cache.js';
import { DnsServer, type UdpMode } from './server.js';
import { fixtureObjects } from './testing/fixtures.js';

const T = 'testns.svc.cluster.local';

const query = (id: number, name: string): Buffer =>
  dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: 'A', class: 'IN' }],
  });

/** The coredns_dns_* series with their values, without the duration buckets (timings differ). */
const series = (text: string): string[] =>
  text
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('coredns_dns_') &&
        !l.includes('_bucket') &&
        !l.includes('_sum') &&
        !l.includes('_seconds'),
    )
    .map((l) => l.replace(/server="[^"]*"/, 'server=""'))
    .sort();

const cases = [
  { name: 'batch over IPv4', udpBatch: true, host: '127.0.0.1', type: 'udp4' as const },
  { name: 'dgram over IPv4', udpBatch: false, host: '127.0.0.1', type: 'udp4' as const },
  { name: 'batch over IPv6', udpBatch: true, host: '::1', type: 'udp6' as const },
  { name: 'dgram over IPv6', udpBatch: false, host: '::1', type: 'udp6' as const },
];

describe('DnsServer UDP listeners', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  const run = async (c: (typeof cases)[number]) => {
    const objects = staticSource(fixtureObjects(), () => 1700000000);
    const metrics = new DnsMetrics();
    const logger = memoryLogger('dns');
    const chain = buildDnsChain({ objects, kubernetes: kubernetesOptions(), logger, metrics });
    const server = new DnsServer({
      host: c.host,
      port: 0,
      handler: chain.handler,
      logger,
      metrics,
      replyCache: new ReplyCache(() => objects.generation()),
      udpBatch: c.udpBatch,
    });
    await server.start();
    cleanup.push(() => server.stop());
    const clients: Socket[] = [];
    for (let k = 0; k < 2; k++) {
      const s = createSocket(c.type);
      cleanup.push(() => {
        s.close();
      });
      await new Promise<void>((resolve) => s.bind(0, c.host, resolve));
      clients.push(s);
    }
    // Client k asks ids k*100 + 0..24: a first (uncached) query each, then bursts answered from the cache.
    const got = clients.map(() => [] as { id: number; answer: string }[]);
    const done = new Promise<void>((resolve) => {
      clients.forEach((s, k) => {
        s.on('message', (m) => {
          const p = dnsPacket.decode(m);
          const a = p.answers?.[0];
          got[k]?.push({ id: p.id ?? -1, answer: a && a.type === 'A' ? a.data : '' });
          if (got.every((g) => g.length === 25)) resolve();
        });
      });
    });
    for (const [k, s] of clients.entries()) {
      await new Promise<void>((resolve) => {
        s.once('message', () => {
          resolve();
        });
        s.send(query(k * 100, `svc1.${T}`), server.port, c.host);
      });
    }
    for (let i = 1; i < 25; i++)
      for (const [k, s] of clients.entries())
        s.send(query(k * 100 + i, `svc1.${T}`), server.port, c.host);
    await done;
    return {
      mode: server.udpMode,
      listenerLog: logger.lines.find((l) => l['msg'] === 'udp listener')?.['mode'],
      got,
      metrics: series(await metrics.registry.metrics()),
    };
  };

  it.each(cases)('$name: every query answered to its sender with its ID, counted', async (c) => {
    const r = await run(c);
    const mode: UdpMode = c.udpBatch ? 'batch' : 'dgram';
    expect(r.mode).toBe(mode);
    expect(r.listenerLog).toBe(mode);
    for (const [k, g] of r.got.entries()) {
      expect(g.map((x) => x.id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => k * 100 + i),
      );
      expect(new Set(g.map((x) => x.answer))).toEqual(new Set(['10.0.0.1']));
    }
    const family = c.host === '::1' ? '2' : '1';
    expect(r.metrics.join('\n')).toMatch(
      new RegExp(`coredns_dns_requests_total\\{[^}]*family="${family}"[^}]*\\} 50`),
    );
  });

  it.each([
    { name: 'IPv4', host: '127.0.0.1', type: 'udp4' as const },
    { name: 'IPv6', host: '::1', type: 'udp6' as const },
  ])('$name: batch and dgram count the same metrics', async ({ host, type }) => {
    const batch = await run({ name: 'batch', udpBatch: true, host, type });
    const dgram = await run({ name: 'dgram', udpBatch: false, host, type });
    expect(batch.metrics).toEqual(dgram.metrics);
  });
});
