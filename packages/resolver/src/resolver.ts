// A stub resolver with glibc's search semantics: for each candidate name it asks each nameserver in
// turn, `attempts` rounds, over UDP with a TCP retry on TC, and keeps a log of every query sent.
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import { searchCandidates, type ResolvConf } from './resolv-conf.js';

export type ResolveType = 'A' | 'AAAA' | 'SRV' | 'TXT' | 'PTR' | 'CNAME' | 'MX' | 'NS' | 'SOA';

/** One query the resolver sent: the query log. */
export interface QueryLogEntry {
  readonly name: string;
  readonly type: ResolveType;
  readonly server: string;
  readonly transport: 'udp' | 'tcp';
  /** NOERROR, NXDOMAIN, SERVFAIL, … or TIMEOUT / ERROR when no reply came. */
  readonly rcode: string;
  readonly answers: number;
}

export interface ResolveResult {
  /** The candidate name that answered (or the last tried). */
  readonly name: string;
  /** NOERROR with answers, NODATA, NXDOMAIN, SERVFAIL or TIMEOUT. */
  readonly status: 'NOERROR' | 'NODATA' | 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT';
  /** A/AAAA data of the answer (for A/AAAA queries; the CNAME chain's final addresses). */
  readonly addresses: readonly string[];
  readonly answers: readonly Answer[];
  readonly queries: readonly QueryLogEntry[];
}

export interface ResolverOptions {
  /** Injected for tests: one exchange. Default: real UDP/TCP. */
  readonly exchange?: Exchange;
}

/** One exchange with one server over one transport; rejects with Error('timeout') after `timeoutMs`. */
export type Exchange = (
  server: { host: string; port: number },
  query: Buffer,
  how: { transport: 'udp' | 'tcp'; timeoutMs: number },
) => Promise<Buffer>;

function parseServer(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m?.[1]) return { host: m[1], port: m[2] === undefined ? 53 : Number(m[2]) };
  if (isIP(s) === 6) return { host: s, port: 53 };
  const i = s.lastIndexOf(':');
  return i < 0 ? { host: s, port: 53 } : { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export const realExchange: Exchange = (server, query, { transport, timeoutMs }) =>
  new Promise((resolve, reject) => {
    if (transport === 'udp') {
      const sock = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
      const id = query.readUInt16BE(0);
      const timer = setTimeout(() => {
        sock.close();
        reject(new Error('timeout'));
      }, timeoutMs);
      sock.on('message', (m) => {
        if (m.length < 12 || m.readUInt16BE(0) !== id) return;
        clearTimeout(timer);
        sock.close();
        resolve(m);
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        sock.close();
        reject(e);
      });
      sock.send(query, server.port, server.host);
      return;
    }
    const s = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      s.write(Buffer.concat([len, query]));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });

/**
 * Resolver with resolv.conf semantics. `resolve(name, type)` follows glibc res_nsearch: candidates
 * from `searchCandidates`, moving on after NXDOMAIN, NODATA or SERVFAIL, stopping at the first answer.
 * `lookup(name)` is getaddrinfo(AF_UNSPEC): A and AAAA for each candidate (both sent, as glibc sends
 * them in parallel), done at the first candidate where either has addresses.
 */
export class Resolver {
  private readonly exchange: Exchange;
  constructor(
    readonly conf: ResolvConf,
    opts: ResolverOptions = {},
  ) {
    this.exchange = opts.exchange ?? realExchange;
  }

  async resolve(name: string, type: ResolveType): Promise<ResolveResult> {
    const log: QueryLogEntry[] = [];
    let last: ResolveResult | undefined;
    let gotNodata: ResolveResult | undefined;
    for (const candidate of searchCandidates(name, this.conf)) {
      const r = await this.query(candidate, type, log);
      if (r.status === 'NOERROR') return { ...r, queries: log };
      if (r.status === 'NODATA') gotNodata ??= r;
      last = r;
    }
    const final = gotNodata ?? last;
    return { ...(final ?? empty(name, 'NXDOMAIN')), queries: log };
  }

  async lookup(name: string): Promise<ResolveResult> {
    const log: QueryLogEntry[] = [];
    let last: ResolveResult | undefined;
    for (const candidate of searchCandidates(name, this.conf)) {
      const [a, aaaa] = await Promise.all([
        this.query(candidate, 'A', log),
        this.query(candidate, 'AAAA', log),
      ]);
      if (a.status === 'NOERROR' || aaaa.status === 'NOERROR') {
        return {
          name: candidate,
          status: 'NOERROR',
          addresses: [...a.addresses, ...aaaa.addresses],
          answers: [...a.answers, ...aaaa.answers],
          queries: log,
        };
      }
      last = a.status === 'NODATA' ? a : aaaa;
    }
    return { ...(last ?? empty(name, 'NXDOMAIN')), queries: log };
  }

  /** One name, one type: each nameserver, `attempts` rounds; TCP retry on TC. */
  private async query(
    name: string,
    type: ResolveType,
    log: QueryLogEntry[],
  ): Promise<ResolveResult> {
    const q = dnsPacket.encode({
      type: 'query',
      id: Math.floor(Math.random() * 65536),
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type: type, class: 'IN' }],
    });
    let servfail = false;
    for (let attempt = 0; attempt < this.conf.attempts; attempt++) {
      for (const ns of this.conf.nameservers) {
        const server = parseServer(ns);
        let transport: 'udp' | 'tcp' = 'udp';
        for (;;) {
          let buf: Buffer;
          try {
            buf = await this.exchange(server, q, {
              transport,
              timeoutMs: this.conf.timeout * 1000,
            });
          } catch (err) {
            log.push({
              name,
              type,
              server: ns,
              transport,
              rcode: err instanceof Error && err.message === 'timeout' ? 'TIMEOUT' : 'ERROR',
              answers: 0,
            });
            break;
          }
          const m = dnsPacket.decode(buf);
          const rcode = RCODES[buf.readUInt16BE(2) & 0xf] ?? 'RCODE';
          const answers = m.answers ?? [];
          log.push({ name, type, server: ns, transport, rcode, answers: answers.length });
          if (m.flag_tc && transport === 'udp') {
            transport = 'tcp';
            continue;
          }
          if (rcode === 'SERVFAIL' || rcode === 'REFUSED') {
            servfail = true;
            break;
          }
          if (rcode === 'NXDOMAIN') return empty(name, 'NXDOMAIN');
          const matching = answers.filter((a) => a.type === type);
          if (rcode !== 'NOERROR' || matching.length === 0) return empty(name, 'NODATA');
          const addresses = answers.flatMap((a) =>
            a.type === 'A' || a.type === 'AAAA' ? [a.data] : [],
          );
          return { name, status: 'NOERROR', addresses, answers, queries: [] };
        }
      }
    }
    return empty(name, servfail ? 'SERVFAIL' : 'TIMEOUT');
  }
}

function empty(name: string, status: ResolveResult['status']): ResolveResult {
  return { name, status, addresses: [], answers: [], queries: [] };
}
