import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceFromUsername, readSocksRequest, SocksReply, writeSocksReply, type SocksRequest } from './socks5.js';

describe('namespaceFromUsername', () => {
  it.each([
    { name: 'absent', u: undefined, want: undefined },
    { name: 'plain', u: 'ns=production', want: 'production' },
    { name: 'among other options', u: 'pod=client,ns=web', want: 'web' },
    { name: 'no ns option', u: 'alice', want: undefined },
  ])('$name', ({ u, want }) => {
    expect(namespaceFromUsername(u)).toBe(want);
  });
});

describe('readSocksRequest', () => {
  let server: Server;
  let port = 0;
  let last: Promise<SocksRequest | Error>;

  beforeAll(async () => {
    server = createServer((s) => {
      s.on('error', () => undefined);
      last = readSocksRequest(s).then(
        (r) => {
          writeSocksReply(s, SocksReply.Succeeded, { ip: '127.0.0.1', port: 1234 });
          s.resume();
          s.end();
          return r;
        },
        (e: unknown) => {
          s.destroy();
          return e as Error;
        },
      );
    });
    await new Promise<void>((r) => { server.listen(0, '127.0.0.1', () => { r(); }); });
    const a = server.address();
    port = typeof a === 'object' && a !== null ? a.port : 0;
  });

  afterAll(() => {
    server.close();
  });

  /** Sends `chunks` one by one (split handshakes must work) and collects the replies. */
  async function exchange(chunks: number[][]): Promise<{ req: SocksRequest | Error; replies: Buffer }> {
    const s = connect(port, '127.0.0.1');
    let replies = Buffer.alloc(0);
    s.on('data', (b: Buffer) => { replies = Buffer.concat([replies, b]); });
    s.on('error', () => undefined);
    const closed = new Promise((r) => s.once('close', r));
    await new Promise((r) => s.once('connect', r));
    for (const c of chunks) {
      if (!s.destroyed) s.write(Buffer.from(c));
      await new Promise((r) => setTimeout(r, 5));
    }
    await closed;
    return { req: await last, replies };
  }

  const ipv4Req = [5, 1, 0, 1, 127, 96, 0, 10, 0, 80];
  const name = [...Buffer.from('web.default')];

  it.each([
    {
      name: 'no auth, IPv4',
      chunks: [[5, 1, 0], ipv4Req],
      want: { command: 1, host: '127.96.0.10', hostIsName: false, port: 80 },
      replies: [5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 4, 210],
    },
    {
      name: 'domain name, split in small chunks',
      chunks: [[5], [1, 0], [5, 1, 0, 3, name.length], name, [0x1f, 0x90]],
      want: { host: 'web.default', hostIsName: true, port: 8080 },
    },
    {
      name: 'username/password carries ns=',
      chunks: [[5, 2, 0, 2], [1, 7, ...Buffer.from('ns=prod'), 1, 0x78], ipv4Req],
      want: { username: 'ns=prod', host: '127.96.0.10' },
      replies: [5, 2, 1, 0, 5, 0, 0, 1, 127, 0, 0, 1, 4, 210],
    },
    {
      name: 'pipelined data after the request is kept',
      chunks: [[5, 1, 0, ...ipv4Req, 0x68, 0x69]],
      want: { host: '127.96.0.10', rest: Buffer.from('hi') },
    },
  ])('$name', async ({ chunks, want, replies }) => {
    const r = await exchange(chunks);
    expect(r.req).not.toBeInstanceOf(Error);
    expect(r.req).toMatchObject(want);
    if (replies !== undefined) expect([...r.replies]).toEqual(replies);
  });

  it.each([
    { name: 'SOCKS4', chunks: [[4, 1, 0, 80, 127, 0, 0, 1, 0]], msg: /version 4/ },
    { name: 'no acceptable method', chunks: [[5, 1, 0x80]], msg: /no acceptable auth method/ },
    { name: 'closed mid-handshake', chunks: [[5, 1]], msg: /closed during/ },
  ])('rejects $name', async ({ chunks, msg }) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    const closed = new Promise((r) => s.once('close', r));
    await new Promise((r) => s.once('connect', r));
    s.resume();
    for (const c of chunks) s.write(Buffer.from(c));
    s.end();
    await closed;
    const req = await last;
    expect(req).toBeInstanceOf(Error);
    expect((req as Error).message).toMatch(msg);
  });
});
