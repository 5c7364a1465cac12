// A real redis-server on a free port, with an append-only file in its own temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { requireBinary, startProcess, waitForPort, type ManagedProcess } from './process.js';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
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

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const bin = requireBinary('redis-server', 'apt-get install redis-server');
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'svclab-redis-'));
  const args = [
    '--port', String(port), '--bind', host, '--dir', dir, '--save', '',
    '--appendonly', opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync', opts.appendfsync ?? 'always',
    '--protected-mode', 'no', '--loglevel', 'warning',
  ];
  let proc: ManagedProcess;
  const launch = async (): Promise<void> => {
    proc = startProcess(bin, args);
    try {
      await waitForPort(host, port, 10_000);
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
