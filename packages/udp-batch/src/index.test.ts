import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADDR_SLOT,
  isIPv6Peer,
  loadUdpBatch,
  peerPort,
  udpBatchUnavailableReason,
  type UdpBatchSocket,
} from './index.js';

const addon = loadUdpBatch();

describe('loadUdpBatch', () => {
  it('loads on Linux (the addon is built by npm ci)', () => {
    expect(udpBatchUnavailableReason()).toBe('');
    expect(addon).toBeDefined();
  });
});

const cases = [
  { name: 'IPv4', host: '127.0.0.1', type: 'udp4' as const, family: 4 },
  { name: 'IPv6', host: '::1', type: 'udp6' as const, family: 6 },
];

describe.each(cases)('UdpBatchSocket over $name', ({ host, type, family }) => {
  const opened: UdpBatchSocket[] = [];
  const clients: Socket[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
    for (const c of clients.splice(0)) c.close();
  });
  const open = (slots = 64): UdpBatchSocket => {
    if (!addon) throw new Error(udpBatchUnavailableReason());
    const s = addon.open({ host, port: 0, slots, slotSize: 512 });
    opened.push(s);
    return s;
  };
  const client = async (): Promise<Socket> => {
    const c = createSocket(type);
    clients.push(c);
    await new Promise<void>((resolve) => c.bind(0, host, resolve));
    return c;
  };

  it('receives a batch and echoes every datagram back to its sender with one send', async () => {
    const s = open();
    expect(s.port).toBeGreaterThan(0);
    expect(s.family).toBe(family);
    const a = await client();
    const b = await client();
    const got = new Map<Socket, string[]>([
      [a, []],
      [b, []],
    ]);
    const all = new Promise<void>((resolve) => {
      for (const c of [a, b])
        c.on('message', (m) => {
          got.get(c)?.push(m.toString());
          if ((got.get(a)?.length ?? 0) + (got.get(b)?.length ?? 0) === 50) resolve();
        });
    });
    // All 50 wait in the socket's receive queue (loopback delivers within the send) before reading
    // starts, so the first recvmmsg finds them together.
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 25; i++)
      for (const [c, p] of [
        [a, 'a'],
        [b, 'b'],
      ] as const)
        sent.push(
          new Promise<void>((resolve) => {
            c.send(`${p}${String(i)}`, s.port, host, () => {
              resolve();
            });
          }),
        );
    await Promise.all(sent);
    const batches: number[] = [];
    s.start((count) => {
      batches.push(count);
      for (let i = 0; i < count; i++) {
        const len = s.inLen[i] ?? 0;
        s.inBuf.copy(s.outBuf, i * s.slotSize, i * s.slotSize, i * s.slotSize + len);
        s.outBuf[i * s.slotSize] = 0x21; // "!" instead of the first byte
        s.outLen[i] = len;
        s.inAddr.copy(s.outAddr, i * ADDR_SLOT, i * ADDR_SLOT, (i + 1) * ADDR_SLOT);
      }
      expect(s.send(count)).toBe(count);
    });
    await all;
    expect(new Set(got.get(a))).toEqual(
      new Set(Array.from({ length: 25 }, (_, i) => `!${String(i)}`)),
    );
    expect(new Set(got.get(b))).toEqual(
      new Set(Array.from({ length: 25 }, (_, i) => `!${String(i)}`)),
    );
    expect(batches.reduce((x, y) => x + y, 0)).toBe(50);
    expect(batches).toEqual([50]); // one recvmmsg, one callback, one sendmmsg
  });

  it('reports the sender address and port, and sends single replies with sendTo', async () => {
    if (!addon) throw new Error(udpBatchUnavailableReason());
    const s = open(4);
    const c = await client();
    const peer = new Promise<{ address: string; port: number; v6: boolean; data: string }>(
      (resolve) => {
        s.start((count) => {
          expect(count).toBe(1);
          const addr = Buffer.from(s.inAddr.subarray(0, ADDR_SLOT));
          const data = s.inBuf.toString('utf8', 0, s.inLen[0]);
          resolve({
            address: addon.formatAddress(addr, 0),
            port: peerPort(addr, 0),
            v6: isIPv6Peer(addr, 0),
            data,
          });
          setTimeout(() => {
            s.sendTo(Buffer.from('pong!'), 4, addr);
          }, 10);
        });
      },
    );
    const reply = new Promise<string>((resolve) =>
      c.once('message', (m) => {
        resolve(m.toString());
      }),
    );
    c.send('ping', s.port, host);
    expect(await peer).toEqual({
      address: host,
      port: c.address().port,
      v6: family === 6,
      data: 'ping',
    });
    expect(await reply).toBe('pong');
  });

  it('reports the full length of a datagram longer than a slot', async () => {
    const s = open(2);
    const c = await client();
    const len = new Promise<number>((resolve) => {
      s.start(() => {
        resolve(s.inLen[0] ?? 0);
      });
    });
    c.send(Buffer.alloc(1000, 1), s.port, host);
    expect(await len).toBe(1000);
  });

  it('shares a port between sockets with reusePort', () => {
    if (!addon) throw new Error(udpBatchUnavailableReason());
    const a = addon.open({ host, port: 0, reusePort: true });
    opened.push(a);
    const b = addon.open({ host, port: a.port, reusePort: true });
    opened.push(b);
    expect(b.port).toBe(a.port);
    expect(() => addon.open({ host, port: a.port })).toThrow(/EADDRINUSE|in use/);
  });
});

describe('UdpBatchSocket.close', () => {
  it('is idempotent and makes later calls throw', () => {
    if (!addon) throw new Error(udpBatchUnavailableReason());
    const s = addon.open({ host: '127.0.0.1', port: 0 });
    s.close();
    s.close();
    expect(() => s.send(0)).toThrow(/closed/);
  });

  it('rejects a host that is not an IP literal', () => {
    expect(() => addon?.open({ host: 'localhost', port: 0 })).toThrow(/IP literal/);
  });
});
