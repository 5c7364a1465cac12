// A real redis-server on a free port, with an append-only file in its own temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { requireBinary, startProcess, waitForPort, type ManagedProcess } from './process.js';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** The same server on a Unix socket (`<dir>/redis.sock`): `unixUrl` is `unix://<path>`. */
  readonly unixSocket: string;
  readonly unixUrl: string;
  readonly dir: string;
  /** SIGKILL, as a crash: only what reached the append-only file survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (after kill or stop). */
  restart(): Promise<void>;
  /** Stops it and removes its dir. */
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** `always` (default) makes every acknowledged write durable across a kill. */
  appendfsync?: 'always' | 'everysec' | 'no';
  appendonly?: boolean;
}

/** One PING; true only on `+PONG` (a redis still replaying its append-only file answers `-LOADING`). */
function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = '';
    const s = connect({ host, port }, () => s.write('PING\r\n'));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('data', (d) => {
      reply += d.toString();
      if (!reply.includes('\r\n')) return;
      s.destroy();
      resolve(reply.startsWith('+PONG'));
    });
    s.on('error', () => {
      resolve(false);
    });
    s.on('close', () => {
      resolve(false);
    });
  });
}

/** Waits until redis answers PING, not merely until its port accepts connections. */
async function waitForPong(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pingOnce(host, port))) {
    if (Date.now() > deadline)
      throw new Error(`redis on ${host}:${port} did not answer PING after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const bin = requireBinary('redis-server', 'apt-get install redis-server');
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'svclab-redis-'));
  const unixSocket = join(dir, 'redis.sock');
  const args = [
    '--unixsocket',
    unixSocket,
    '--unixsocketperm',
    '700',
    '--port',
    String(port),
    '--bind',
    host,
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    opts.appendfsync ?? 'always',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
  ];
  let proc: ManagedProcess;
  const launch = async (): Promise<void> => {
    proc = startProcess(bin, args);
    try {
      await waitForPort(host, port, 10_000);
      await waitForPong(host, port, 10_000);
    } catch (err) {
      await proc.kill();
      throw new Error(`redis-server did not start: ${proc.output()}`, { cause: err });
    }
  };
  await launch();
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    unixSocket,
    unixUrl: `unix://${unixSocket}`,
    dir,
    kill: async () => proc.kill(),
    restart: async () => {
      await proc.stop();
      await launch();
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
