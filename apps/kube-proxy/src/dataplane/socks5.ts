// SOCKS5 (RFC 1928) server side of the node entry, with username/password auth (RFC 1929) used
// only to carry options (`ns=<namespace>`). Parsing only; the data plane decides and connects.
import type { Socket } from 'node:net';

export const SocksReply = {
  Succeeded: 0,
  GeneralFailure: 1,
  NotAllowed: 2,
  NetworkUnreachable: 3,
  HostUnreachable: 4,
  ConnectionRefused: 5,
  TTLExpired: 6,
  CommandNotSupported: 7,
  AddressTypeNotSupported: 8,
} as const;
export type SocksReply = (typeof SocksReply)[keyof typeof SocksReply];

export const SocksCommand = { Connect: 1, Bind: 2, UdpAssociate: 3 } as const;

export interface SocksRequest {
  readonly command: number;
  /** An IPv4/IPv6 literal or a domain name as sent. */
  readonly host: string;
  readonly hostIsName: boolean;
  readonly port: number;
  /** RFC 1929 username, when the client authenticated. */
  readonly username?: string;
  /** Bytes the client sent after the request (pipelined data). */
  readonly rest: Buffer;
}

export class SocksProtocolError extends Error {
  override readonly name = 'SocksProtocolError';
}

/** Buffers a socket's data so the handshake can read exact byte counts. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private readonly onData = (b: Buffer): void => {
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };

  constructor(private readonly sock: Socket) {
    sock.on('data', this.onData);
    sock.once('end', this.onEnd);
    sock.once('close', this.onEnd);
  }

  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.ended) throw new SocksProtocolError('connection closed during the SOCKS handshake');
      await new Promise<void>((r) => { this.waiter = r; });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Stops reading; returns what was buffered beyond the handshake. */
  detach(): Buffer {
    this.sock.off('data', this.onData);
    this.sock.off('end', this.onEnd);
    this.sock.off('close', this.onEnd);
    this.sock.pause();
    return this.buf;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

function ipv6String(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

/**
 * Runs the greeting, optional RFC 1929 auth and reads the request. The socket is paused
 * afterwards; reply with `writeSocksReply`. Rejects with SocksProtocolError on bad input.
 */
export async function readSocksRequest(sock: Socket): Promise<SocksRequest> {
  const r = new Reader(sock);
  try {
    const [ver, nMethods] = await r.read(2);
    if (ver !== 5) throw new SocksProtocolError(`unsupported SOCKS version ${String(ver)}`);
    const methods = await r.read(nMethods ?? 0);
    let username: string | undefined;
    if (methods.includes(2)) {
      sock.write(Buffer.from([5, 2]));
      const [aver, ulen] = await r.read(2);
      if (aver !== 1) throw new SocksProtocolError('bad auth version');
      username = (await r.read(ulen ?? 0)).toString('utf8');
      const [plen] = await r.read(1);
      await r.read(plen ?? 0);
      sock.write(Buffer.from([1, 0]));
    } else if (methods.includes(0)) {
      sock.write(Buffer.from([5, 0]));
    } else {
      if (!sock.writableEnded) sock.end(Buffer.from([5, 0xff]));
      throw new SocksProtocolError('no acceptable auth method');
    }
    const [rver, command, , atyp] = await r.read(4);
    if (rver !== 5) throw new SocksProtocolError('bad request version');
    let host: string;
    let hostIsName = false;
    if (atyp === 1) host = [...(await r.read(4))].join('.');
    else if (atyp === 4) host = ipv6String(await r.read(16));
    else if (atyp === 3) {
      const [len] = await r.read(1);
      host = (await r.read(len ?? 0)).toString('utf8');
      hostIsName = true;
    } else {
      writeSocksReply(sock, SocksReply.AddressTypeNotSupported);
      throw new SocksProtocolError(`unsupported address type ${String(atyp)}`);
    }
    const port = (await r.read(2)).readUInt16BE(0);
    return { command: command ?? 0, host, hostIsName, port, ...(username === undefined ? {} : { username }), rest: r.detach() };
  } catch (err) {
    r.detach();
    throw err;
  }
}

/** Writes a reply with an IPv4 bound address (0.0.0.0:0 unless given). */
export function writeSocksReply(sock: Socket, rep: SocksReply, bound?: { ip: string; port: number }): void {
  const b = Buffer.alloc(10);
  b[0] = 5;
  b[1] = rep;
  b[3] = 1;
  const octets = (bound?.ip ?? '0.0.0.0').split('.').map(Number);
  for (let i = 0; i < 4; i++) b[4 + i] = octets[i] ?? 0;
  b.writeUInt16BE(bound?.port ?? 0, 8);
  if (!sock.destroyed && !sock.writableEnded) sock.write(b);
}

/** `ns=<namespace>` from a SOCKS username like `ns=production` or `pod=x,ns=production`. */
export function namespaceFromUsername(username: string | undefined): string | undefined {
  if (username === undefined) return undefined;
  for (const part of username.split(/[,;&]/)) {
    const m = /^\s*ns=(.+?)\s*$/.exec(part);
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}
