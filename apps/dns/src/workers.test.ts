// `--workers 2` as a real process tree: the primary forks two workers that share the DNS sockets,
// serves /ready and summed /metrics for them, restarts a worker that dies, and stops them after
// the lameduck period.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = new URL('./main.ts', import.meta.url).pathname;
const NAME = 'web.default.svc.cluster.local';

interface Line {
  readonly msg?: string;
  readonly pid?: number;
  readonly dns?: string;
  readonly http?: string;
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ask(port: number, id: number): Promise<dnsPacket.Packet> {
  const s = createSocket('udp4');
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        reject(new Error('no reply'));
      }, 5000);
      s.on('message', (m) => {
        clearTimeout(t);
        resolve(dnsPacket.decode(m));
      });
      s.send(
        dnsPacket.encode({
          type: 'query',
          id,
          questions: [{ name: NAME, type: 'A', class: 'IN' }],
        }),
        port,
        '127.0.0.1',
      );
    });
  } finally {
    s.close();
  }
}

const get = async (http: string, path: string): Promise<{ status: number; body: string }> => {
  const r = await fetch(`http://${http}${path}`);
  return { status: r.status, body: await r.text() };
};

describe('dns --workers 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svclab-dns-workers-'));
  const lines: Line[] = [];
  let proc: ChildProcess;
  let port = 0;
  let http = '';
  const workerPids = (): number[] =>
    lines.filter((l) => l.msg === 'worker listening').map((l) => l.pid ?? 0);

  beforeAll(async () => {
    const file = join(dir, 'objects.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      }),
    );
    proc = spawn(
      process.execPath,
      [
        '--conditions=@svclab/source',
        '--import',
        'tsx',
        main,
        ...['--objects', file, '--dns-address', '127.0.0.1:0', '--http-address', '127.0.0.1:0'],
        ...['--workers', '2', '--lameduck', '300'],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as Line);
    });
    const listening = await until('listening', () => lines.find((l) => l.msg === 'listening'));
    port = Number(listening.dns?.split(':')[1]);
    http = listening.http ?? '';
  }, 90_000);
  afterAll(() => {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers on the shared port, is ready and sums the workers metrics', async () => {
    expect(workerPids()).toHaveLength(2);
    for (let id = 1; id <= 20; id++) {
      const r = await ask(port, id);
      expect(r.id).toBe(id);
      expect(r.answers?.[0]).toMatchObject({ type: 'A', data: '10.96.0.10' });
    }
    await until('ready', async () =>
      (await get(http, '/ready')).status === 200 ? true : undefined,
    );
    const metrics = (await get(http, '/metrics')).body;
    expect(metrics).toMatch(/coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"\} 20\n/);
    expect(metrics).toMatch(/coredns_dns_request_duration_seconds_count\{[^}]*type="A"\} 20\n/);
  }, 60_000);

  it('restarts a worker that dies', async () => {
    const [victim] = workerPids();
    process.kill(victim ?? 0, 'SIGKILL');
    await until('a third worker', () => (workerPids().length === 3 ? true : undefined));
    await until('ready again', async () =>
      (await get(http, '/ready')).status === 200 ? true : undefined,
    );
    expect((await ask(port, 99)).answers?.[0]).toMatchObject({ data: '10.96.0.10' });
  }, 60_000);

  it('reports unhealthy during lameduck, then stops', async () => {
    const exited = new Promise<number | null>((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await until('lameduck', () => lines.find((l) => l.msg === 'lameduck'));
    expect((await get(http, '/health')).status).toBe(503);
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
  }, 60_000);
});
