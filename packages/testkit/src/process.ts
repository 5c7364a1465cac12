// A child server process that a test owns: started, waited for, restarted, stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** Thrown when a server binary the tests need is not installed. */
export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError';
}

/** Resolves `name` on PATH (and /usr/sbin, where Debian puts nats-server) or throws MissingBinaryError. */
export function requireBinary(name: string, hint: string): string {
  const extra = ['/usr/sbin', '/usr/local/sbin', '/sbin'];
  const env = { ...process.env, PATH: [process.env['PATH'] ?? '', ...extra].join(':') };
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { env, encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || path === '') {
    throw new MissingBinaryError(
      `${name} not found on PATH; install it (${hint}) or run 'make deps'`,
    );
  }
  return path;
}

export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Output so far, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export function startProcess(bin: string, args: readonly string[]): ManagedProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer): void => {
    out = (out + b.toString()).slice(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => {
      resolve();
    });
  });
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(t);
  };
  return {
    child,
    output: () => out,
    stop,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
