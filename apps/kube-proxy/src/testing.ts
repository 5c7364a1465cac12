// Test helpers (the `./testing` export): a minimal SOCKS5 client for the node entry and "pods"
// that answer `<name> <client address>` on a loopback address.
import { createSocket } from 'node:dgram';
import { connect, createServer, isIPv4, type Server, type Socket } from 'node:net';

export interface SocksTarget {
  readonly host: string;
  readonly port: number;
  /** RFC 1929 username, e.g. `ns=production`. */
  readonly username?: string;
  /** Bind the client socket here (the client's source address). */
  readonly localAddress?: string;
}

/** Connects through a SOCKS5 proxy; resolves with the reply code and, on success (0), the open socket. */
export function socksConnect(proxy: { host: string; port: number }, t: SocksTarget): Promise<{ reply: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: proxy.host, port: proxy.port, ...(t.localAddress === undefined ? {} : { localAddress: t.localAddress }) });
    let buf = Buffer.alloc(0);
    let stage = 0;
    s.on('error', reject);
    s.on('connect', () => {
      s.write(Buffer.from(t.username === undefined ? [5, 1, 0] : [5, 1, 2]));
    });
    const onData = (b: Buffer): void => {
      buf = Buffer.concat([buf, b]);
      for (;;) {
        if (stage === 0 && buf.length >= 2) {
          const method = buf[1];
          buf = buf.subarray(2);
          if (method === 2) {
            const u = Buffer.from(t.username ?? '');
            s.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([1, 0x78])]));
            stage = 1;
          } else {
            stage = 2;
            sendRequest();
          }
          continue;
        }
        if (stage === 1 && buf.length >= 2) {
          buf = buf.subarray(2);
          stage = 2;
          sendRequest();
          continue;
        }
        if (stage === 3 && buf.length >= 10) {
          const reply = buf[1] ?? 1;
          const rest = buf.subarray(10);
          s.off('data', onData);
          s.off('error', reject);
          if (rest.length > 0) s.unshift(rest);
          resolve({ reply, socket: s });
        }
        return;
      }
    };
    const sendRequest = (): void => {
      const port = Buffer.alloc(2);
      port.writeUInt16BE(t.port);
      const addr = isIPv4(t.host)
        ? Buffer.from([1, ...t.host.split('.').map(Number)])
        : Buffer.concat([Buffer.from([3, Buffer.byteLength(t.host)]), Buffer.from(t.host)]);
      s.write(Buffer.concat([Buffer.from([5, 1, 0]), addr, port]));
      stage = 3;
    };
    s.on('data', onData);
    s.on('close', () => { reject(new Error('closed during SOCKS handshake')); });
  });
}

/** Reads a socket until it ends (or `timeoutMs`), as a string. */
export function readAll(s: Socket, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve(out); }, timeoutMs);
    s.on('data', (b: Buffer) => { out += b.toString(); });
    s.on('close', () => { clearTimeout(timer); resolve(out); });
    s.on('error', () => undefined);
    s.resume();
  });
}

/** One request through the proxy: reply code and what the pod answered (`<pod> <source ip>`). */
export async function socksRequest(proxy: { host: string; port: number }, t: SocksTarget, payload = 'hi\n'): Promise<{ reply: number; data: string }> {
  const { reply, socket } = await socksConnect(proxy, t);
  if (reply !== 0) {
    socket.destroy();
    return { reply, data: '' };
  }
  socket.end(payload);
  return { reply, data: await readAll(socket) };
}

/** A plain TCP request (NodePort, externalIP): the answer, or an error code (`ECONNRESET`, `ECONNREFUSED`, `closed`). */
export function tcpRequest(host: string, port: number, opts: { localAddress?: string; payload?: string; timeoutMs?: number } = {}): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    const s = connect({ host, port, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) });
    let out = '';
    let error: string | undefined;
    const timer = setTimeout(() => { error ??= 'timeout'; s.destroy(); }, opts.timeoutMs ?? 10_000);
    s.on('connect', () => { s.end(opts.payload ?? 'hi\n'); });
    s.on('data', (b: Buffer) => { out += b.toString(); });
    s.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(error === undefined ? (out === '' ? { data: '', error: 'closed' } : { data: out }) : { data: out, error });
    });
  });
}

/** A UDP request/answer through a NodePort; undefined when nothing came back within `timeoutMs`. */
export function udpRequest(host: string, port: number, opts: { payload?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
  const payload = opts.payload ?? 'hi';
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(undefined); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m.toString()); });
    s.send(payload, port, host);
  });
}

export interface EchoPod {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A "pod": TCP (and UDP) on ip:port answering `<name> <client address>\n` to any request. With
 * `port` 0 a free port is picked (use it for the other pods of the service).
 */
export async function startEchoPod(name: string, ip: string, port: number): Promise<EchoPod> {
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    s.on('error', () => undefined);
    s.once('data', () => { s.end(`${name} ${s.remoteAddress ?? ''}\n`); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => { resolve(); });
  });
  const a = server.address();
  const realPort = typeof a === 'object' && a !== null ? a.port : port;
  const udp = createSocket('udp4');
  udp.on('message', (_m, r) => { udp.send(`${name} ${r.address}\n`, r.port, r.address); });
  await new Promise<void>((resolve) => { udp.bind(realPort, ip, () => { resolve(); }); });
  return {
    name,
    ip,
    port: realPort,
    close: () =>
      new Promise((resolve) => {
        udp.close();
        for (const s of open) s.destroy();
        server.close(() => { resolve(); });
      }),
  };
}

/**
 * One datagram through SOCKS5 UDP ASSOCIATE: the answer's payload and the source address the
 * relay reported for it, or undefined when nothing came back within `timeoutMs`.
 */
export async function socksUdpRequest(
  proxy: { host: string; port: number },
  target: { host: string; port: number; payload?: string; timeoutMs?: number },
): Promise<{ from: string; data: string } | undefined> {
  const { reply, socket } = await socksAssociate(proxy);
  if (reply.code !== 0) {
    socket.destroy();
    return undefined;
  }
  const udp = createSocket('udp4');
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => { resolve(undefined); }, target.timeoutMs ?? 3000);
      udp.on('message', (m) => {
        if (m.length < 10 || m[3] !== 1) return;
        clearTimeout(timer);
        resolve({ from: `${[...m.subarray(4, 8)].join('.')}:${String(m.readUInt16BE(8))}`, data: m.subarray(10).toString() });
      });
      const port = Buffer.alloc(2);
      port.writeUInt16BE(target.port);
      const addr = isIPv4(target.host)
        ? Buffer.from([1, ...target.host.split('.').map(Number)])
        : Buffer.concat([Buffer.from([3, Buffer.byteLength(target.host)]), Buffer.from(target.host)]);
      udp.send(Buffer.concat([Buffer.from([0, 0, 0]), addr, port, Buffer.from(target.payload ?? 'hi')]), reply.port, reply.host);
    });
  } finally {
    udp.close();
    socket.destroy();
  }
}

/** Sends UDP ASSOCIATE; resolves with the relay address from the reply and the control socket. */
function socksAssociate(proxy: { host: string; port: number }): Promise<{ reply: { code: number; host: string; port: number }; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: proxy.host, port: proxy.port });
    let buf = Buffer.alloc(0);
    let stage = 0;
    s.on('error', reject);
    s.on('connect', () => { s.write(Buffer.from([5, 1, 0])); });
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (stage === 0 && buf.length >= 2) {
        buf = buf.subarray(2);
        stage = 1;
        s.write(Buffer.from([5, 3, 0, 1, 0, 0, 0, 0, 0, 0]));
      }
      if (stage === 1 && buf.length >= 10) {
        stage = 2;
        resolve({ reply: { code: buf[1] ?? 1, host: [...buf.subarray(4, 8)].join('.'), port: buf.readUInt16BE(8) }, socket: s });
      }
    });
  });
}
