// Wire format: query parsing with the checks miekg/dns applies before a handler runs, and reply
// encoding with EDNS0 and UDP truncation (dns.Msg.Truncate).
import dnsPacket, { type Answer, type OptAnswer } from 'dns-packet';
import { QType, Rcode, type ClientInfo, type DnsReply, type DnsRequest } from './plugin.js';

/** Queries shorter than a header are dropped; so are queries longer than this (bytes). */
export const MAX_QUERY_SIZE = 4096;
/** Largest UDP reply we ever send, whatever the client advertises (bytes). */
export const MAX_UDP_SIZE = 4096;
/** RFC 1035 UDP limit without EDNS0 (bytes). */
export const MIN_UDP_SIZE = 512;

interface Codec {
  question: { decode: ((buf: Buffer, offset: number) => { name: string }) & { bytes: number } };
  answer: {
    encodingLength(a: Answer): number;
    decode: ((buf: Buffer, offset: number) => Answer) & { bytes: number };
  };
}
const codec = dnsPacket as unknown as Codec;

export type ParsedQuery =
  | { readonly kind: 'query'; readonly request: DnsRequest }
  /** Answer with just a header (and the question when it parsed). */
  | { readonly kind: 'error'; readonly rcode: number; readonly header: Buffer }
  | { readonly kind: 'drop'; readonly reason: string };

/** Parses a query; never throws. */
export function parseQuery(buf: Buffer, client: ClientInfo): ParsedQuery {
  if (buf.length < 12) return { kind: 'drop', reason: 'short' };
  if (buf.length > MAX_QUERY_SIZE) return { kind: 'drop', reason: 'oversized' };
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { kind: 'drop', reason: 'response' };
  const header = Buffer.from(buf.subarray(0, 12));
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return { kind: 'error', rcode: Rcode.NOTIMP, header };
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  // miekg DefaultMsgAcceptFunc: one question, at most one answer/ns record, at most two additionals.
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2)
    return { kind: 'error', rcode: Rcode.FORMERR, header };
  let q: { name: string };
  let qlen: number;
  const records: Answer[] = [];
  try {
    // Section by section (cheaper than decoding the whole message into lists).
    q = codec.question.decode(buf, 12);
    qlen = codec.question.decode.bytes;
    let off = 12 + qlen;
    for (let i = 0; i < an + ns + ar; i++) {
      records.push(codec.answer.decode(buf, off));
      off += codec.answer.decode.bytes;
    }
    if (off > buf.length) throw new RangeError('past the end');
  } catch {
    return { kind: 'error', rcode: Rcode.FORMERR, header };
  }
  const question = Buffer.from(buf.subarray(12, 12 + qlen));
  const opts = records.slice(an + ns).filter((a): a is OptAnswer => a.type === 'OPT');
  if (opts.length > 1)
    return { kind: 'error', rcode: Rcode.FORMERR, header: withQuestion(header, question) };
  const opt = opts[0];
  const name = q.name === '.' ? '' : q.name;
  return {
    kind: 'query',
    request: {
      id: buf.readUInt16BE(0),
      qname: name,
      qtype: question.readUInt16BE(qlen - 4),
      qclass: question.readUInt16BE(qlen - 2),
      rd: (flags & 0x100) !== 0,
      cd: (flags & 0x10) !== 0,
      question,
      raw: buf,
      edns: opt
        ? { udpSize: opt.udpPayloadSize, do: opt.flag_do, version: opt.ednsVersion }
        : undefined,
      client,
      internal: false,
    },
  };
}

function withQuestion(header: Buffer, question: Buffer): Buffer {
  return Buffer.concat([header, question]);
}

/** A header-only (or header+question) error reply for a query that never reached the chain. */
export function encodeError(header: Buffer, rcode: number): Buffer {
  const out = Buffer.from(header);
  const flags = out.readUInt16BE(2);
  // Keep opcode and RD, set QR and the rcode.
  out.writeUInt16BE(0x8000 | (flags & 0x7900) | (rcode & 0xf), 2);
  const hasQuestion = header.length > 12 ? 1 : 0;
  out.writeUInt16BE(hasQuestion, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}

/** Builds a synthetic request for `qname`/`qtype` (upstream lookups, autopath) from `from`. */
export function newRequest(from: DnsRequest, qname: string, qtype: number): DnsRequest {
  const pkt = dnsPacket.encode({
    type: 'query',
    id: from.id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: qname === '' ? '.' : qname, type: typeName(qtype), class: 'IN' }],
    additionals: from.edns ? [optRecord(from.edns.udpSize)] : [],
  });
  const qlen = pkt.length - 12 - (from.edns ? 11 : 0);
  return {
    ...from,
    qname,
    qtype,
    question: Buffer.from(pkt.subarray(12, 12 + qlen)),
    raw: pkt,
    internal: true,
  };
}

function typeName(t: number): dnsPacket.RecordType {
  const known = Object.entries(QType).find(([, v]) => v === t);
  return (known ? known[0] : `UNKNOWN_${t}`) as dnsPacket.RecordType;
}

function optRecord(udpSize: number, dnssecOK = false, extendedRcode = 0): OptAnswer {
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: udpSize,
    extendedRcode,
    ednsVersion: 0,
    flags: dnssecOK ? dnsPacket.DNSSEC_OK : 0,
    flag_do: dnssecOK,
    options: [],
  };
}

/** BADVERS (16): the upper 8 bits go in the OPT record, the lower 4 (0) in the header (RFC 6891). */
export const BADVERS_EXTENDED = 16 >> 4;

/** The reply to a query whose EDNS version we do not speak: BADVERS with our OPT (version 0). */
export function encodeBadVersion(req: DnsRequest): Buffer {
  const body = dnsPacket.encode({
    type: 'response',
    id: req.id,
    flags: (req.rd ? 0x100 : 0) | (req.cd ? 0x10 : 0),
    questions: [],
    additionals: [optRecord(udpLimit(req), false, BADVERS_EXTENDED)],
  });
  body.writeUInt16BE(1, 4);
  return Buffer.concat([body.subarray(0, 12), req.question, body.subarray(12)]);
}

/** The largest reply the client accepts over UDP (EDNS0 size, at least 512, capped). */
export function udpLimit(req: DnsRequest): number {
  if (!req.edns) return MIN_UDP_SIZE;
  return Math.min(Math.max(req.edns.udpSize, MIN_UDP_SIZE), MAX_UDP_SIZE);
}

/**
 * Encodes `rep` as the answer to `req`. `limit` is the size cap (UDP); when the reply does not fit,
 * additionals go first, then answer and authority records from the end, and TC is set if any answer
 * or authority record was dropped (miekg dns.Msg.Truncate).
 */
export function encodeReply(req: DnsRequest, rep: DnsReply, limit = 65535): Buffer {
  const question =
    rep.qname !== undefined && rep.qname !== req.qname
      ? newRequest(req, rep.qname, req.qtype).question
      : req.question;
  const opt = req.edns ? [optRecord(udpLimit(req), req.edns.do)] : [];
  interface Sections {
    readonly answers: readonly Answer[];
    readonly authorities: readonly Answer[];
    readonly additionals: readonly Answer[];
    readonly tc: boolean;
  }
  const encode = ({ answers, authorities, additionals, tc }: Sections): Buffer => {
    const flags =
      (req.rd ? 0x100 : 0) |
      (rep.aa ? 0x400 : 0) |
      (tc ? 0x200 : 0) |
      (rep.ra ? 0x80 : 0) |
      (req.cd ? 0x10 : 0) |
      (rep.rcode & 0xf);
    const body = dnsPacket.encode({
      type: 'response',
      id: req.id,
      flags,
      questions: [],
      answers: answers as Answer[],
      authorities: authorities as Answer[],
      additionals: opt.length > 0 ? [...additionals, ...opt] : (additionals as Answer[]),
    });
    body.writeUInt16BE(1, 4);
    return Buffer.concat([body.subarray(0, 12), question, body.subarray(12)]);
  };
  // Most replies fit: encode once, and measure record by record only when it does not.
  const whole = encode(rep);
  if (whole.length <= limit) return whole;
  const size = (l: readonly Answer[]): number =>
    l.reduce((n, a) => n + codec.answer.encodingLength(a), 0);
  let room = limit - (12 + question.length + size(opt));
  const keep = (l: readonly Answer[]): Answer[] => {
    const out: Answer[] = [];
    for (const a of l) {
      const n = codec.answer.encodingLength(a);
      if (n > room) break;
      room -= n;
      out.push(a);
    }
    return out;
  };
  const answers = keep(rep.answers);
  const cut = answers.length < rep.answers.length;
  const authorities = cut ? [] : keep(rep.authorities);
  const tc = rep.tc || cut || authorities.length < rep.authorities.length;
  return encode({ answers, authorities, additionals: [], tc });
}
