// Node agent benchmark: `npx tsx --conditions=@svclab/source apps/node-agent/bench/nodes.bench.ts`
// (or `make bench`). Builds the node-agent and controller-manager dist first. Real nats-server + redis-server, the built apiserver, the controller-manager
// and node agents as processes. Prints a `### node agent` Markdown section:
//   1. pods reaching Ready per second: a 30-replica Deployment on one node agent, from create to
//      all Ready (scheduler + ReplicaSet controller + agent + status writes, end to end);
//   2. RSS of that node agent process with its 30 pods running;
//   3. one process hosting 100 simulated nodes (`--nodes 100`) running 3,000 pods: RSS per node.
// Target: < 10 MB RSS per simulated node.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Deployment, Pod } from '@svclab/api';
import { createClient, type ClientSet } from '@svclab/client';
import { freePort, startNats, startRedis, waitForPort } from '@svclab/testkit';

const root = resolve(import.meta.dirname, '../../..');
const scale = { pods: Number(process.env['BENCH_PODS'] ?? '3000'), nodes: Number(process.env['BENCH_NODES'] ?? '100') };

function start(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (b: Buffer) => process.stderr.write(b));
  return child;
}

/** Builds the app's dist (its dependencies' dist must exist, as for the apiserver) and runs it. */
function build(app: string): void {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'apps', app, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${app} failed:\n${r.stdout}${r.stderr}`);
}

function fromDist(app: string, args: readonly string[], env: Record<string, string>): ChildProcess {
  return start([join(root, 'apps', app, 'dist/main.js'), ...args], env);
}

function rssMiB(pid: number | undefined): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ready = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function readyPods(client: ClientSet, app: string): Promise<number> {
  const l = await client.resource('pods').namespace('default').list({ labelSelector: `app=${app}` });
  return l.items.filter((p) => ready(p) && p.metadata.deletionTimestamp == null).length;
}

function deployment(name: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { nodeSelector: { 'svclab.io/bench': name }, containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

async function main(): Promise<void> {
  build('node-agent');
  build('controller-manager');
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const procs: ChildProcess[] = [];
  try {
    procs.push(start([join(root, 'apps/apiserver/dist/main.js'), '--bind-address=127.0.0.1', `--secure-port=${String(port)}`, '--service-cluster-ip-range=127.96.0.0/12'], { REDIS_URL: redis.url, NATS_URL: nats.url, LOG_LEVEL: 'error' }));
    await waitForPort('127.0.0.1', port, 30_000);
    const client = createClient({ server: url, userAgent: 'node-agent-bench' });
    await until('apiserver ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
    const common = { APISERVER_URL: url, NATS_URL: nats.url, LOG_LEVEL: 'error' };
    const cmPort = await freePort();
    procs.push(fromDist('controller-manager', ['--leader-elect=false', '--bind-address', `127.0.0.1:${String(cmPort)}`], common));
    await until('controller-manager synced', async () => (await fetch(`http://127.0.0.1:${String(cmPort)}/readyz`)).status === 200, 60_000);

    // 1 + 2: one node, 30 pods.
    const single = fromDist('node-agent', ['--healthz-bind-address', '127.0.0.1:0'], { ...common, NODE_NAME: 'bench-1', NODE_IP: '127.0.1.250' });
    procs.push(single);
    await until('bench-1 registered', async () => (await client.resource('nodes').get('bench-1')).metadata.name === 'bench-1', 60_000);
    await client.resource('nodes').patch('bench-1', { type: 'application/merge-patch+json', data: { metadata: { labels: { 'svclab.io/bench': 'small' } } } });
    const idleRss = rssMiB(single.pid);
    let t0 = performance.now();
    await client.resource('deployments').namespace('default').create(deployment('small', 30));
    await until('30 pods Ready', async () => (await readyPods(client, 'small')) === 30, 180_000);
    const smallSecs = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const smallRss = rssMiB(single.pid);

    // 3: one process, N nodes, P pods.
    const many = fromDist('node-agent', ['--nodes', String(scale.nodes), '--healthz-bind-address', '127.0.0.1:0'], { ...common, NODE_IP: '127.0.1.1' });
    procs.push(many);
    await until(`${String(scale.nodes)} nodes`, async () => (await client.resource('nodes').list()).items.length === scale.nodes + 1, 180_000);
    for (const n of (await client.resource('nodes').list()).items) {
      if (n.metadata.name !== 'bench-1') await client.resource('nodes').patch(n.metadata.name ?? '', { type: 'application/merge-patch+json', data: { metadata: { labels: { 'svclab.io/bench': 'big' } } } });
    }
    const manyIdle = rssMiB(many.pid);
    t0 = performance.now();
    await client.resource('deployments').namespace('default').create(deployment('big', scale.pods));
    await until(`${String(scale.pods)} pods Ready`, async () => (await readyPods(client, 'big')) === scale.pods, 900_000);
    const bigSecs = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const manyRss = rssMiB(many.pid);

    const f = (n: number, d = 1): string => n.toFixed(d);
    const out = [
      '### node agent',
      '',
      'Real nats-server + redis-server, the built apiserver, controller-manager and node agents as processes (built `dist/`); pods run `svclab/echo` (an HTTP listener on the pod IP). Times are from creating the Deployment to every pod Ready as the API shows it (scheduler, ReplicaSet controller, node agent, status writes).',
      '',
      '| measurement | value | target |',
      '|---|---|---|',
      `| pods reaching Ready per second (30-pod Deployment, 1 node) | ${f(30 / smallSecs)} pods/s (${f(smallSecs, 2)} s) | |`,
      `| node agent RSS, idle (1 node) | ${f(idleRss)} MiB | |`,
      `| node agent RSS with 30 pods (1 node) | ${f(smallRss)} MiB | |`,
      `| pods reaching Ready per second (${String(scale.pods)} pods on ${String(scale.nodes)} nodes, one process) | ${f(scale.pods / bigSecs)} pods/s (${f(bigSecs, 1)} s) | |`,
      `| RSS of one process hosting ${String(scale.nodes)} nodes, idle | ${f(manyIdle)} MiB (${f(manyIdle / scale.nodes, 2)} MiB/node) | |`,
      `| RSS of one process hosting ${String(scale.nodes)} nodes with ${String(scale.pods)} pods | ${f(manyRss)} MiB | |`,
      `| RSS per simulated node (${String(scale.pods / scale.nodes)} pods each) | ${f(manyRss / scale.nodes, 2)} MiB | < 10 MB |`,
      `| … of which per node above one idle single-node agent | ${f((manyRss - idleRss) / scale.nodes, 2)} MiB | |`,
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    for (const p of procs.reverse()) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await Promise.all([nats.stop(), redis.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
