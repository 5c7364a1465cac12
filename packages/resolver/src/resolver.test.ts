import dnsPacket, { type Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { podResolvConf } from './resolv-conf.js';
import { Resolver, type Exchange } from './resolver.js';

/** A fake nameserver: name → A/AAAA addresses; every other name NXDOMAIN; `tc` names truncated over UDP. */
function fakeExchange(
  zone: Record<string, { A?: string[]; AAAA?: string[] }>,
  tc: string[] = [],
): Exchange {
  return (_server, query, { transport }) => {
    const q = dnsPacket.decode(query);
    const question = q.questions?.[0];
    const name = question?.name ?? '';
    const entry = zone[name];
    const trunc = transport === 'udp' && tc.includes(name);
    const type = question?.type === 'AAAA' ? 'AAAA' : 'A';
    const answers: Answer[] =
      trunc || !entry
        ? []
        : (entry[type] ?? []).map((ip) => ({ name, type, ttl: 5, class: 'IN', data: ip }));
    return Promise.resolve(
      dnsPacket.encode({
        type: 'response',
        id: q.id ?? 0,
        flags: (entry ? 0 : 3) | (trunc ? dnsPacket.TRUNCATED_RESPONSE : 0),
        questions: q.questions ?? [],
        answers,
      }),
    );
  };
}

const zone = {
  'web.prod.svc.cluster.local': { A: ['10.0.0.1'] },
  'api.example.com': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
  'big.prod.svc.cluster.local': { A: ['10.0.0.2'] },
  'v6only.prod.svc.cluster.local': { AAAA: ['fd00::1'] },
};
const conf = podResolvConf('prod', { nameserver: '127.0.0.1:1053' });
const sent = (r: {
  queries: readonly { name: string; type: string; transport: string }[];
}): string[] => r.queries.map((q) => `${q.name} ${q.type} ${q.transport}`);

describe('Resolver', () => {
  it.each([
    {
      name: 'service in the own namespace: one query',
      qname: 'web',
      want: ['10.0.0.1'],
      queries: ['web.prod.svc.cluster.local A udp'],
    },
    {
      name: 'external name with ndots:5: three search queries, then as is',
      qname: 'api.example.com',
      want: ['192.0.2.1'],
      queries: [
        'api.example.com.prod.svc.cluster.local A udp',
        'api.example.com.svc.cluster.local A udp',
        'api.example.com.cluster.local A udp',
        'api.example.com A udp',
      ],
    },
    {
      name: 'trailing dot: one query',
      qname: 'api.example.com.',
      want: ['192.0.2.1'],
      queries: ['api.example.com A udp'],
    },
    {
      name: 'ndots:2: one query',
      qname: 'api.example.com',
      ndots: 2,
      want: ['192.0.2.1'],
      queries: ['api.example.com A udp'],
    },
    {
      name: 'TC over UDP: TCP retry',
      qname: 'big',
      want: ['10.0.0.2'],
      queries: ['big.prod.svc.cluster.local A udp', 'big.prod.svc.cluster.local A tcp'],
    },
  ])('$name', async ({ qname, ndots, want, queries }) => {
    const r = new Resolver(
      { ...conf, ndots: ndots ?? conf.ndots },
      { exchange: fakeExchange(zone, ['big.prod.svc.cluster.local']) },
    );
    const res = await r.resolve(qname, 'A');
    expect(res.status).toBe('NOERROR');
    expect(res.addresses).toEqual(want);
    expect(sent(res)).toEqual(queries);
  });

  it('NODATA keeps searching and is the final status', async () => {
    const r = new Resolver(conf, { exchange: fakeExchange(zone) });
    const res = await r.resolve('v6only', 'A');
    expect(res.status).toBe('NODATA');
    expect(res.queries).toHaveLength(4);
  });

  it('NXDOMAIN everywhere', async () => {
    const r = new Resolver(conf, { exchange: fakeExchange(zone) });
    const res = await r.resolve('nope', 'A');
    expect(res.status).toBe('NXDOMAIN');
    expect(res.queries.map((q) => q.rcode)).toEqual([
      'NXDOMAIN',
      'NXDOMAIN',
      'NXDOMAIN',
      'NXDOMAIN',
    ]);
  });

  it('lookup sends A and AAAA per candidate, as getaddrinfo(AF_UNSPEC)', async () => {
    const r = new Resolver(conf, { exchange: fakeExchange(zone) });
    const res = await r.lookup('api.example.com.');
    expect(res.addresses).toEqual(['192.0.2.1', '2001:db8::1']);
    expect(sent(res).sort()).toEqual(['api.example.com A udp', 'api.example.com AAAA udp']);
  });

  it('timeouts: attempts × nameservers, then TIMEOUT', async () => {
    const never: Exchange = () => Promise.reject(new Error('timeout'));
    const r = new Resolver(
      { ...conf, nameservers: ['127.0.0.1:1', '127.0.0.2:1'], attempts: 2 },
      { exchange: never },
    );
    const res = await r.resolve('web.', 'A');
    expect(res.status).toBe('TIMEOUT');
    expect(res.queries.map((q) => q.server)).toEqual([
      '127.0.0.1:1',
      '127.0.0.2:1',
      '127.0.0.1:1',
      '127.0.0.2:1',
    ]);
  });
});
