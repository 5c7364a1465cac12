// `svclab/tcp-echo` and `svclab/udp-echo`: bytes in, the same bytes out, on every matching port.
// Logs each connection / datagram with the client address as the pod sees it.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { parseKnobs, readyAt } from './knobs.js';
import type { Workload, WorkloadContext } from './workload.js';

export async function startTcpEcho(
  ctx: WorkloadContext,
  now: () => number = Date.now,
): Promise<Workload> {
  const knobs = parseKnobs(ctx.env);
  const started = now();
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (const p of ctx.ports.filter((x) => x.protocol === 'TCP')) {
    const s = createServer((sock) => {
      ctx.log?.(
        `connection from ${(sock.remoteAddress ?? '').replace(/^::ffff:/, '')}:${String(sock.remotePort ?? 0)}`,
      );
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => sock.destroy());
      sock.pipe(sock);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(p.port, ctx.podIP, () => {
        resolve();
      });
    });
    servers.push(s);
    ctx.log?.(`listening on tcp ${ctx.podIP}:${String(p.port)}`);
  }
  return {
    onExit: () => undefined,
    selfReady: () => readyAt(knobs, now() - started),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

export async function startUdpEcho(
  ctx: WorkloadContext,
  now: () => number = Date.now,
): Promise<Workload> {
  const knobs = parseKnobs(ctx.env);
  const started = now();
  const sockets: UdpSocket[] = [];
  for (const p of ctx.ports.filter((x) => x.protocol === 'UDP')) {
    const s = createSocket('udp4');
    s.on('message', (msg, rinfo) => {
      ctx.log?.(
        `datagram from ${rinfo.address}:${String(rinfo.port)} (${String(msg.length)} bytes)`,
      );
      s.send(msg, rinfo.port, rinfo.address);
    });
    s.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(p.port, ctx.podIP, () => {
        resolve();
      });
    });
    sockets.push(s);
    ctx.log?.(`listening on udp ${ctx.podIP}:${String(p.port)}`);
  }
  return {
    onExit: () => undefined,
    selfReady: () => readyAt(knobs, now() - started),
    stop: async () => {
      await Promise.all(
        sockets.map(
          (s) =>
            new Promise<void>((r) =>
              s.close(() => {
                r();
              }),
            ),
        ),
      );
    },
  };
}
