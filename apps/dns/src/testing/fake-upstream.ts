// A fake upstream DNS server on loopback for forward/cache tests: answers A queries from a table,
// NXDOMAIN otherwise, and can force TC over UDP for chosen names. Counts the queries it saw.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';

export interface FakeUpstream {
  readonly address: string;
  /** Queries received, as "name TYPE proto". */
  readonly queries: string[];
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** name (lower case, no dot) → A addresses. */
  readonly records: Readonly<Record<string, readonly string[]>>;
  /** Names answered with TC (and no records) over UDP. */
  readonly truncate?: readonly string[];
  readonly ttl?: number;
}

function answerFor(
  opts: FakeUpstreamOptions & { log: string[] },
  query: Buffer,
  proto: 'udp' | 'tcp',
): Buffer {
  const log = opts.log;
  const q = dnsPacket.decode(query);
  const question = q.questions?.[0];
  const name = (question?.name ?? '').toLowerCase();
  log.push(`${name} ${question?.type ?? '?'} ${proto}`);
  const ips = opts.records[name];
  const tc = proto === 'udp' && (opts.truncate ?? []).includes(name);
  const answers: Answer[] =
    !tc && ips && question?.type === 'A'
      ? ips.map((ip) => ({
          name: question.name,
          type: 'A',
          ttl: opts.ttl ?? 60,
          class: 'IN',
          data: ip,
        }))
      : [];
  const soa: Answer = {
    name: 'test',
    type: 'SOA',
    ttl: 30,
    class: 'IN',
    data: {
      mname: 'ns.test',
      rname: 'hostmaster.test',
      serial: 1,
      refresh: 1,
      retry: 1,
      expire: 1,
      minimum: 30,
    },
  };
  return dnsPacket.encode({
    type: 'response',
    id: q.id ?? 0,
    flags:
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE |
      (tc ? dnsPacket.TRUNCATED_RESPONSE : 0) |
      (ips ? 0 : 3),
    questions: q.questions ?? [],
    answers,
    authorities: ips ? [] : [soa],
  });
}

/** UDP on a free port and TCP on the same number, retried when that TCP port is taken. */
async function bindPair(
  onConnection: (s: TcpSocket) => void,
): Promise<{ udp: Socket; tcp: Server }> {
  for (let attempt = 0; ; attempt++) {
    const udp: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const tcp: Server = createServer(onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, '127.0.0.1', () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (err) {
      // The number is free for UDP but an outgoing TCP connection holds it: try another.
      udp.close();
      if (attempt >= 20) throw err;
    }
  }
}

export async function startFakeUpstream(opts: FakeUpstreamOptions): Promise<FakeUpstream> {
  const queries: string[] = [];
  const { udp, tcp } = await bindPair((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const out = answerFor({ ...opts, log: queries }, Buffer.from(msg), 'tcp');
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        s.write(Buffer.concat([len, out]));
      }
    });
    s.on('error', () => s.destroy());
  });
  udp.on('message', (msg, rinfo) => {
    udp.send(answerFor({ ...opts, log: queries }, msg, 'udp'), rinfo.port, rinfo.address);
  });
  return {
    address: `127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    queries,
    close: async () => {
      await Promise.all([
        new Promise<void>((r) =>
          udp.close(() => {
            r();
          }),
        ),
        new Promise<void>((r) =>
          tcp.close(() => {
            r();
          }),
        ),
      ]);
    },
  };
}
