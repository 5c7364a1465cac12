import { describe, expect, it } from 'vitest';
import { DnsMetrics } from './metrics.js';

const q = (type: string, rcode: string) => ({
  server: 'dns://127.0.0.1:53',
  proto: 'udp',
  family: '1',
  type,
  rcode,
  plugin: 'kubernetes',
});

// Request/response counts are added up per label set and handed to prom-client when it collects:
// every scrape (and every get()) sees every query observed before it.
describe('DnsMetrics counts', () => {
  it.each([
    {
      name: 'one batch',
      batches: [[q('A', 'NOERROR'), q('A', 'NOERROR'), q('SRV', 'NXDOMAIN')]],
      a: 2,
      srv: 1,
      noerror: 2,
      nxdomain: 1,
    },
    {
      name: 'two scrapes add up',
      batches: [[q('A', 'NOERROR')], [q('A', 'NOERROR'), q('A', 'NXDOMAIN')]],
      a: 3,
      srv: 0,
      noerror: 2,
      nxdomain: 1,
    },
    {
      name: 'a scrape with nothing new',
      batches: [[q('SRV', 'NOERROR')], []],
      a: 0,
      srv: 1,
      noerror: 1,
      nxdomain: 0,
    },
  ])('$name', async ({ batches, a, srv, noerror, nxdomain }) => {
    const m = new DnsMetrics();
    let text = '';
    for (const batch of batches) {
      for (const x of batch) m.observeQuery(x, 0.001);
      text = await m.registry.metrics();
    }
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
    expect({
      a: value(/coredns_dns_requests_total\{[^}]*type="A"\} (\d+)/),
      srv: value(/coredns_dns_requests_total\{[^}]*type="SRV"\} (\d+)/),
      noerror: value(/coredns_dns_responses_total\{[^}]*rcode="NOERROR"[^}]*\} (\d+)/),
      nxdomain: value(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} (\d+)/),
      durations: value(/coredns_dns_request_duration_seconds_count\{[^}]*type="A"[^}]*\} (\d+)/),
    }).toEqual({ a, srv, noerror, nxdomain, durations: a });
  });

  it('get() on the counter sees pending counts too', async () => {
    const m = new DnsMetrics();
    m.observeResponse({ server: 's', rcode: 'SERVFAIL', plugin: '' });
    m.observeResponse({ server: 's', rcode: 'SERVFAIL', plugin: '' });
    expect((await m.responses.get()).values.map((v) => v.value)).toEqual([2]);
  });
});
