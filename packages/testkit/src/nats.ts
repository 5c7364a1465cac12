// A real nats-server (JetStream on) on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { requireBinary, startProcess, waitForPort, type ManagedProcess } from './process.js';

export interface NatsServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  kill(): Promise<void>;
  /** Starts it again on the same port (clients reconnect). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(): Promise<NatsServer> {
  const bin = requireBinary('nats-server', 'apt-get install nats-server');
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'svclab-nats-'));
  const args = ['-a', host, '-p', String(port), '-js', '-sd', dir];
  let proc: ManagedProcess;
  const launch = async (): Promise<void> => {
    proc = startProcess(bin, args);
    try {
      await waitForPort(host, port, 10_000);
    } catch (err) {
      await proc.kill();
      throw new Error(`nats-server did not start: ${proc.output()}`, { cause: err });
    }
  };
  await launch();
  return {
    host,
    port,
    url: `nats://${host}:${port}`,
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
