import dnsPacket, { type Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { Rcode, reply, type DnsRequest } from './plugin.js';
import { encodeReply, parseQuery } from './wire.js';

const request = (edns: boolean): DnsRequest => {
  const q = parseQuery(
    dnsPacket.encode({
      type: 'query',
      id: 4242,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name: 'Big.Example.Test', type: 'A', class: 'IN' }],
      ...(edns
        ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as Answer] }
        : {}),
    }),
    { address: '127.0.0.1', port: 1, transport: 'udp' },
  );
  if (q.kind !== 'query') throw new Error(q.kind);
  return q.request;
};
const a = (i: number): Answer => ({
  name: 'big.example.test',
  type: 'A',
  ttl: 5,
  class: 'IN',
  data: `10.0.${i >> 8}.${i & 255}`,
});
const glue = (i: number): Answer => ({
  name: `h${i}.example.test`,
  type: 'A',
  ttl: 5,
  class: 'IN',
  data: `10.1.0.${i}`,
});

// encodeReply encodes once when the reply fits, and trims record by record (miekg Truncate) when not.
describe('encodeReply', () => {
  it.each([
    {
      name: 'fits: every section kept, no TC',
      answers: 3,
      extra: 2,
      edns: false,
      limit: 512,
      kept: 3,
      additionals: 2,
      tc: false,
    },
    {
      name: 'fits with EDNS: OPT added to the additionals',
      answers: 3,
      extra: 2,
      edns: true,
      limit: 1232,
      kept: 3,
      additionals: 3,
      tc: false,
    },
    {
      name: 'too big for 512: additionals dropped, answers cut, TC',
      answers: 60,
      extra: 2,
      edns: false,
      limit: 512,
      kept: 14,
      additionals: 0,
      tc: true,
    },
    {
      name: 'only additionals too big: dropped without TC',
      answers: 10,
      extra: 20,
      edns: false,
      limit: 512,
      kept: 10,
      additionals: 0,
      tc: false,
    },
    {
      name: 'too big with EDNS: OPT kept',
      answers: 100,
      extra: 0,
      edns: true,
      limit: 1232,
      kept: 37,
      additionals: 1,
      tc: true,
    },
    {
      name: 'TCP limit: all of it',
      answers: 200,
      extra: 5,
      edns: false,
      limit: 65535,
      kept: 200,
      additionals: 5,
      tc: false,
    },
  ])('$name', ({ answers, extra, edns, limit, kept, additionals, tc }) => {
    const req = request(edns);
    const rep = reply('kubernetes', Rcode.NOERROR, {
      aa: true,
      answers: Array.from({ length: answers }, (_, i) => a(i)),
      additionals: Array.from({ length: extra }, (_, i) => glue(i)),
    });
    const out = encodeReply(req, rep, limit);
    const d = dnsPacket.decode(out);
    expect(out.length).toBeLessThanOrEqual(limit);
    expect({
      id: d.id,
      tc: d.flag_tc,
      aa: d.flag_aa,
      rd: d.flag_rd,
      answers: d.answers?.length,
      additionals: d.additionals?.length,
    }).toEqual({
      id: 4242,
      tc,
      aa: true,
      rd: true,
      answers: kept,
      additionals,
    });
    // The question is the client's own bytes (case kept).
    expect(d.questions?.[0]?.name).toBe('Big.Example.Test');
    expect(rep.answers).toHaveLength(answers);
  });
});
