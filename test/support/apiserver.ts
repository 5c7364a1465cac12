// E2E support: real nats-server + redis-server (testkit), the BUILT apiserver as a child process on
// a free port, a kubeconfig for it, and a kubectl runner.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  freePort,
  startNats,
  startProcess,
  startRedis,
  waitForPort,
  type ManagedProcess,
  type NatsServer,
  type RedisServer,
} from '@svclab/testkit';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const apiserverMain = join(repoRoot, 'apps/apiserver/dist/main.js');

/** `../shared/reference/seed-services.yaml` beside the clone, when present (CI has it). */
export function seedServicesFile(): string | undefined {
  const f = resolve(repoRoot, '../shared/reference/seed-services.yaml');
  return existsSync(f) ? f : undefined;
}

/** Builds the apiserver and its dependencies when dist/main.js is missing. */
export function ensureApiserverBuilt(): void {
  if (existsSync(apiserverMain)) return;
  const r = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@svclab/apiserver...'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (!existsSync(apiserverMain)) {
    throw new Error(`building the apiserver failed (npx turbo run build --filter=@svclab/apiserver...):\n${r.stdout}\n${r.stderr}`);
  }
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ApiserverHandle {
  readonly url: string;
  readonly kubeconfig: string;
  readonly nats: NatsServer;
  readonly redis: RedisServer;
  readonly process: ManagedProcess;
  /** Runs kubectl against this apiserver; never throws on a non-zero exit. */
  kubectl(args: readonly string[], opts?: { stdin?: string; token?: string }): Promise<KubectlResult>;
  /** Starts `kubectl` with `args` (e.g. `get -w`) and resolves once its output satisfies `until`. */
  kubectlUntil(args: readonly string[], until: (out: string) => boolean, timeoutMs?: number): { done: Promise<string>; stop(): void };
  /** Another apiserver replica on the same NATS and Redis (same flags); stopped by `stop` too. */
  startReplica(): Promise<{ url: string; process: ManagedProcess; kubectl: ApiserverHandle['kubectl'] }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly serviceClusterIPRange?: string;
  /** Lines of a --token-auth-file; the kubeconfig then uses the first line's token. */
  readonly tokens?: readonly string[];
  /** More apiserver flags (e.g. `--event-ttl=2s`). */
  readonly flags?: readonly string[];
}

function writeKubeconfig(dir: string, url: string, token: string | undefined): string {
  const path = join(dir, 'kubeconfig');
  const user = token === undefined ? '{}' : `{token: "${token}"}`;
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {server: "${url}"}`,
      '  name: svclab',
      'contexts:',
      '- context: {cluster: svclab, user: admin}',
      '  name: svclab',
      'current-context: svclab',
      'users:',
      '- name: admin',
      `  user: ${user}`,
      '',
    ].join('\n'),
  );
  return path;
}

async function waitReady(url: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`apiserver exited:\n${proc.output()}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`apiserver not ready after ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Launched {
  readonly url: string;
  readonly proc: ManagedProcess;
}

/** Starts one apiserver process on a free port against `nats` and `redis`, and waits for /readyz. */
async function launch(nats: NatsServer, redis: RedisServer, extraArgs: readonly string[]): Promise<Launched> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [apiserverMain, '--bind-address=127.0.0.1', `--secure-port=${port}`, ...extraArgs];
  // startProcess has no env option: pass the environment through `env`.
  const proc = startProcess('env', [`REDIS_URL=${redis.url}`, `NATS_URL=${nats.url}`, 'LOG_LEVEL=warn', process.execPath, ...args]);
  try {
    await waitForPort('127.0.0.1', port, 30_000);
    await waitReady(url, proc, 30_000);
  } catch (err) {
    await proc.kill();
    throw err;
  }
  return { url, proc };
}

export async function startApiserver(opts: StartOptions = {}): Promise<ApiserverHandle> {
  ensureApiserverBuilt();
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const dir = mkdtempSync(join(tmpdir(), 'svclab-e2e-'));
  const args = [`--service-cluster-ip-range=${opts.serviceClusterIPRange ?? '127.96.0.0/12'}`, ...(opts.flags ?? [])];
  let token: string | undefined;
  if (opts.tokens !== undefined) {
    const tf = join(dir, 'tokens.csv');
    writeFileSync(tf, `${opts.tokens.join('\n')}\n`);
    args.push(`--token-auth-file=${tf}`);
    token = opts.tokens[0]?.split(',')[0];
  }
  let launched: Launched;
  try {
    launched = await launch(nats, redis, args);
  } catch (err) {
    await Promise.all([nats.stop(), redis.stop()]);
    throw err;
  }
  const { url, proc } = launched;
  const kubeconfig = writeKubeconfig(dir, url, token);
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const replicas: ManagedProcess[] = [];

  const kubectlAt = (server: string | undefined) => (kargs: readonly string[], o: { stdin?: string; token?: string } = {}): Promise<KubectlResult> =>
    new Promise((resolveRun) => {
      const full = [
        ...(server === undefined ? [] : [`--server=${server}`]),
        ...(o.token === undefined ? [] : [`--token=${o.token}`]),
        ...kargs,
      ];
      const child = execFile('kubectl', full, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1;
        resolveRun({ code, stdout, stderr });
      });
      if (o.stdin !== undefined) child.stdin?.end(o.stdin);
    });

  const kubectl = kubectlAt(undefined);

  const kubectlUntil = (kargs: readonly string[], until: (out: string) => boolean, timeoutMs = 60_000) => {
    const child = spawn('kubectl', [...kargs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const done = new Promise<string>((resolveOut, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kubectl ${kargs.join(' ')}: condition not met in ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      const check = (b: Buffer): void => {
        out += b.toString();
        if (until(out)) {
          clearTimeout(timer);
          child.kill('SIGTERM');
          resolveOut(out);
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.on('exit', () => {
        clearTimeout(timer);
        if (until(out)) resolveOut(out);
        else reject(new Error(`kubectl ${kargs.join(' ')} exited early; output:\n${out}`));
      });
    });
    return { done, stop: () => child.kill('SIGKILL') };
  };

  return {
    url,
    kubeconfig,
    nats,
    redis,
    process: proc,
    kubectl,
    kubectlUntil,
    startReplica: async () => {
      const r = await launch(nats, redis, args);
      replicas.push(r.proc);
      return { url: r.url, process: r.proc, kubectl: kubectlAt(r.url) };
    },
    stop: async () => {
      await Promise.all([proc.stop(10_000), ...replicas.map((p) => p.stop(10_000))]);
      await Promise.all([nats.stop(), redis.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
