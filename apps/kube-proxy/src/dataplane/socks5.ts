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

function ipv6String(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

/** Where the handshake is: each stage waits until its whole message is buffered. */
type Stage = 'greeting' | 'auth' | 'request';

/**
 * Runs the greeting, optional RFC 1929 auth and reads the request. The socket is paused
 * afterwards; reply with `writeSocksReply`. Rejects with SocksProtocolError on bad input.
 * Parses synchronously in the 'data' handler (one promise per handshake, no hop per field).
 */
export function readSocksRequest(sock: Socket): Promise<SocksRequest> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let stage: Stage = 'greeting';
    let username: string | undefined;
    const detach = (): void => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('close', onEnd);
      sock.pause();
    };
    /** Consumes one complete message of the current stage; false when more bytes are needed. */
    const step = (): SocksRequest | boolean => {
      if (stage === 'greeting') {
        if (buf.length < 2) return false;
        if (buf[0] !== 5) throw new SocksProtocolError(`unsupported SOCKS version ${String(buf[0])}`);
        const end = 2 + (buf[1] ?? 0);
        if (buf.length < end) return false;
        const methods = buf.subarray(2, end);
        buf = buf.subarray(end);
        if (methods.includes(2)) {
          sock.write(Buffer.from([5, 2]));
          stage = 'auth';
        } else if (methods.includes(0)) {
          sock.write(Buffer.from([5, 0]));
          stage = 'request';
        } else {
          if (!sock.writableEnded) sock.end(Buffer.from([5, 0xff]));
          throw new SocksProtocolError('no acceptable auth method');
        }
        return true;
      }
      if (stage === 'auth') {
        if (buf.length < 2) return false;
        if (buf[0] !== 1) throw new SocksProtocolError('bad auth version');
        const ulen = buf[1] ?? 0;
        if (buf.length < 3 + ulen) return false;
        const end = 3 + ulen + (buf[2 + ulen] ?? 0);
        if (buf.length < end) return false;
        username = buf.subarray(2, 2 + ulen).toString('utf8');
        buf = buf.subarray(end);
        sock.write(Buffer.from([1, 0]));
        stage = 'request';
        return true;
      }
      return parseRequest(buf, sock, username);
    };
    const onData = (b: Buffer): void => {
      buf = buf.length === 0 ? b : Buffer.concat([buf, b]);
      try {
        for (;;) {
          const r = step();
          if (r === false) return;
          if (r !== true) {
            detach();
            resolve(r);
            return;
          }
        }
      } catch (err) {
        detach();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const onEnd = (): void => {
      detach();
      reject(new SocksProtocolError('connection closed during the SOCKS handshake'));
    };
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('close', onEnd);
  });
}

/** The request (VER CMD RSV ATYP DST.ADDR DST.PORT) at the start of `buf`, or false if incomplete. */
function parseRequest(buf: Buffer, sock: Socket, username: string | undefined): SocksRequest | false {
  if (buf.length < 4) return false;
  if (buf[0] !== 5) throw new SocksProtocolError('bad request version');
  const atyp = buf[3];
  let host: string;
  let off: number;
  if (atyp === 1) {
    if (buf.length < 10) return false;
    host = `${String(buf[4])}.${String(buf[5])}.${String(buf[6])}.${String(buf[7])}`;
    off = 8;
  } else if (atyp === 4) {
    if (buf.length < 22) return false;
    host = ipv6String(buf.subarray(4, 20));
    off = 20;
  } else if (atyp === 3) {
    if (buf.length < 5) return false;
    off = 5 + (buf[4] ?? 0);
    if (buf.length < off + 2) return false;
    host = buf.subarray(5, off).toString('utf8');
  } else {
    writeSocksReply(sock, SocksReply.AddressTypeNotSupported);
    throw new SocksProtocolError(`unsupported address type ${String(atyp)}`);
  }
  return {
    command: buf[1] ?? 0,
    host,
    hostIsName: atyp === 3,
    port: buf.readUInt16BE(off),
    ...(username === undefined ? {} : { username }),
    rest: buf.subarray(off + 2),
  };
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
