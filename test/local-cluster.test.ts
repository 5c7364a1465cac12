// End to end: the local cluster as a user drives it. `svclab up --nodes 3` in a temp SVCLAB_HOME →
// kubectl with the written kubeconfig → `svclab demo` → `svclab curl` through a node's kube-proxy
// entry → NodePort on every node IP → LoadBalancer IP (cloud-provider) answering and refusing by
// loadBalancerSourceRanges → `svclab dig` → `svclab down`. CI=true: the cluster DNS forwards nowhere.
// Node IPs are fixed by design (127.0.1.N), so this cannot run beside another local cluster on the
// same loopback: it fails fast then. Beside one, run it in its own network namespace:
//   unshare -n sh -c 'ip link set lo up && npx vitest run test/local-cluster.test.ts'
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@svclab/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const cliMain = join(root, 'apps/cli/dist/main.js');
const has = (app: string): boolean => existsSync(join(root, 'apps', app, 'dist', 'main.js'));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds what the CLI runs from dist when dist is missing or older than src (tsc emits despite siblings' type errors). */
function ensureBuilt(): void {
  for (const ws of ['packages/resolver', 'packages/proxy-rules', 'apps/cloud-provider', 'apps/cli']) {
    const dist = join(root, ws, 'dist');
    if (existsSync(dist) && newest(dist) >= newest(join(root, ws, 'src'))) continue;
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, ws, 'tsconfig.build.json')], { encoding: 'utf8' });
    if (!existsSync(join(dist, 'index.js')) && !existsSync(join(dist, 'main.js'))) throw new Error(`building ${ws} failed:\n${r.stdout}${r.stderr}`);
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: { timeoutMs?: number; stdin?: string } = {}): Promise<Run> {
  return new Promise((res) => {
    const child = execFile(bin, [...args], { env, timeout: opts.timeoutMs ?? 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      res({ code, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One HTTP/1.0 GET over a raw socket, optionally from `localAddress`; '' when refused or closed without data. */
function rawGet(host: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((res) => {
    const s = connect({ host, port, ...(localAddress === undefined ? {} : { localAddress }) }, () => {
      s.write(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
    });
    let out = '';
    s.setTimeout(10_000, () => s.destroy());
    s.on('data', (b) => (out += b.toString()));
    s.on('error', () => { res(out); });
    s.on('close', () => { res(out); });
  });
}

const missing = ['apiserver', 'endpointslice-controller', 'dns', 'kube-proxy'].filter((a) => !has(a));

describe.skipIf(missing.length > 0)('local cluster: svclab up → demo → curl → NodePort → LB → dig → down', () => {
  const home = mkdtempSync(join(tmpdir(), 'svclab-home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SVCLAB_HOME: home, CI: 'true', SVCLAB_DNS_UPSTREAM: '', LOG_LEVEL: 'warn' };
  const svclab = (...args: string[]): Promise<Run> => run(process.execPath, [cliMain, ...args], env);
  let kubeEnv: NodeJS.ProcessEnv;
  const kubectl = (...args: string[]): Promise<Run> => run('kubectl', args, kubeEnv, { timeoutMs: 60_000 });
  /** Writes and reads go through kubectl: the kubeconfig carries the token and the cluster CA (https). */
  const kubectlJSON = async (args: string[], stdin?: unknown): Promise<Record<string, unknown>> => {
    const r = await run('kubectl', [...args, '-o', 'json'], kubeEnv, { timeoutMs: 60_000, ...(stdin === undefined ? {} : { stdin: JSON.stringify(stdin) }) });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  let info: { kubeconfig: string; apiserver: string; dns: string | null; nodes: { name: string; ip: string; proxy: string | null }[] };
  let echo: Server;
  let up: Run;
  const podsRun = has('node-agent') && has('controller-manager');
  const cloudProvider = () => existsSync(join(root, 'apps/cloud-provider/dist/main.js'));

  beforeAll(async () => {
    ensureBuilt();
    const busy = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.1.1', port: 1080 }, () => { s.destroy(); r(true); });
      s.on('error', () => { r(false); });
    });
    if (busy) throw new Error('another local cluster holds 127.0.1.1:1080 (node-1\'s kube-proxy entry); stop it, or run this test in its own network namespace (see the header)');
    up = await svclab('up', '--nodes', '3');
    if (up.code !== 0) return;
    info = JSON.parse(readFileSync(join(home, 'cluster.json'), 'utf8')) as typeof info;
    kubeEnv = { ...process.env, KUBECONFIG: info.kubeconfig, HOME: home };
  }, 400_000);

  afterAll(async () => {
    if (existsSync(join(home, 'supervisor.pid'))) await svclab('down');
    await new Promise<void>((r) => (echo === undefined ? r() : echo.close(() => { r(); })));
    rmSync(home, { recursive: true, force: true });
  });

  it('comes up with 3 nodes and writes cluster.json and a kubeconfig', () => {
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(info.nodes.map((n) => [n.name, n.ip, n.proxy])).toEqual([
      ['node-1', '127.0.1.1', '127.0.1.1:1080'],
      ['node-2', '127.0.1.2', '127.0.1.2:1080'],
      ['node-3', '127.0.1.3', '127.0.1.3:1080'],
    ]);
    expect(up.stdout).toContain('cluster is up');
  });

  it('answers kubectl get nodes,svc,endpointslices -A', async () => {
    if (!podsRun) {
      // No node-agent registers the nodes: the test does, Ready, with the local-mode addresses.
      for (const n of info.nodes) {
        await kubectlJSON(['create', '-f', '-'], { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name } });
        const status = { status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: n.ip }] } };
        await kubectlJSON(['patch', 'node', n.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
      }
    }
    const out = await until('3 Ready nodes', async () => {
      const r = await kubectl('get', 'nodes,svc,endpointslices', '-A');
      return r.code === 0 && (r.stdout.match(/node-\d\s+Ready/g) ?? []).length === 3 ? r.stdout : undefined;
    });
    expect(out).toContain('service/kubernetes');
  });

  it('svclab demo applies the seed Services and their workloads', async () => {
    const r = await svclab('demo');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('service/my-app created');
    expect(r.stdout).toContain('deployment/my-app created');
    expect(r.stdout).toContain('statefulset/cassandra created');
    const svc = await kubectl('get', 'svc', '-n', 'production');
    expect(svc.stdout).toMatch(/web-lb\s+LoadBalancer/);
  });

  it.skipIf(!cloudProvider())('gives the demo LoadBalancers addresses of the pool 127.200.0.0/24', async () => {
    const out = await until('EXTERNAL-IP of web-lb', async () => {
      const r = await kubectl('get', 'svc', 'web-lb', 'web-local', '-n', 'production');
      return (r.stdout.match(/127\.200\.0\.\d+/g) ?? []).length === 2 ? r.stdout : undefined;
    });
    expect(out).not.toContain('<pending>');
  });

  it.skipIf(!podsRun)('svclab curl --node node-1 http://my-app.production/ answers from a pod (needs node-agent + controller-manager)', async () => {
    const body = await until('an answer from a my-app pod', async () => {
      const r = await svclab('curl', '--node', 'node-1', 'http://my-app.production/');
      return r.code === 0 && r.stdout.includes('"pod"') ? r.stdout : undefined;
    }, 150_000);
    const reply = JSON.parse(body) as { pod: string; namespace: string; port: number };
    expect(reply.pod).toMatch(/^my-app-/);
    expect(reply.namespace).toBe('production');
    expect(reply.port).toBe(8080);
  });

  describe('a LoadBalancer Service of the test (selector-less, backed by a server the test runs)', () => {
    let nodePort = 0;
    let port = 0;
    let lbIP = '';

    beforeAll(async () => {
      if (up.code !== 0) return;
      const podIP = '127.244.9.1';
      const podPort = await freePort();
      echo = createServer((req, res) => { res.end(`hello from the test pod; client ${req.socket.remoteAddress ?? ''}\n`); });
      await new Promise<void>((r) => echo.listen(podPort, podIP, () => { r(); }));
      const svc = await kubectlJSON(['create', '-f', '-'], {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-check', namespace: 'default' },
        spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: podPort }], loadBalancerSourceRanges: ['127.0.0.0/24'] },
      });
      const ports = (svc['spec'] as { ports: { port: number; nodePort: number }[] }).ports;
      nodePort = ports[0]?.nodePort ?? 0;
      port = ports[0]?.port ?? 0;
      await kubectlJSON(['create', '-f', '-'], {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: 'lb-check-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'lb-check' } },
        addressType: 'IPv4', endpoints: [{ addresses: [podIP], conditions: { ready: true }, nodeName: 'node-1' }],
        ports: [{ name: 'http', port: podPort, protocol: 'TCP' }],
      });
    });

    it('svclab curl --node N reaches it through every node\'s entry', async () => {
      for (const n of ['node-1', 'node-2', 'node-3']) {
        const out = await until(`curl through ${n}`, async () => {
          const r = await svclab('curl', '--node', n, 'http://lb-check.default/');
          return r.code === 0 && r.stdout.includes('hello from the test pod') ? r.stdout : undefined;
        });
        expect(out).toContain('hello from the test pod');
      }
    });

    it('answers on its NodePort on every node IP', async () => {
      for (const n of info.nodes) {
        const out = await until(`NodePort on ${n.ip}`, async () => {
          const r = await rawGet(n.ip, nodePort);
          return r.includes('hello from the test pod') ? r : undefined;
        });
        expect(out).toMatch(/^HTTP\/1\.[01] 200/);
      }
    });

    it.skipIf(!cloudProvider())('answers on its LB IP from inside loadBalancerSourceRanges and refuses a source outside', async () => {
      lbIP = await until('ingress IP', async () => {
        const s = await kubectlJSON(['get', 'svc', 'lb-check', '-n', 'default']);
        return (s['status'] as { loadBalancer?: { ingress?: { ip: string }[] } }).loadBalancer?.ingress?.[0]?.ip;
      });
      expect(lbIP).toMatch(/^127\.200\.0\.\d+$/);
      const inside = await until('LB answer from 127.0.0.1', async () => {
        const r = await rawGet(lbIP, port, '127.0.0.1');
        return r.includes('hello from the test pod') ? r : undefined;
      });
      expect(inside).toMatch(/^HTTP\/1\.[01] 200/);
      expect(await rawGet(lbIP, port, '127.0.2.9')).toBe('');
    });
  });

  it('svclab rules node-1 prints the iptables rules kube-proxy programmed', async () => {
    const r = await until('rules', async () => {
      const x = await svclab('rules', 'node-1');
      return x.code === 0 && x.stdout.includes('lb-check') ? x : undefined;
    });
    expect(r.stdout).toContain('*nat');
    expect(r.stdout).toContain('KUBE-SERVICES');
  });

  it('svclab dig resolves my-app.production.svc.cluster.local to its ClusterIP', async () => {
    const clusterIP = ((await kubectlJSON(['get', 'svc', 'my-app', '-n', 'production']))['spec'] as { clusterIP: string }).clusterIP;
    const r = await until('dig answer', async () => {
      const x = await svclab('dig', 'my-app.production.svc.cluster.local');
      return x.code === 0 ? x : undefined;
    });
    expect(r.stdout).toContain(`IN\tA\t${clusterIP}`);
    expect(r.stdout).toContain('QUERY LOG');
  });

  it('svclab down stops everything', async () => {
    const r = await svclab('down');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cluster stopped');
    const apiPort = Number(new URL(info.apiserver).port);
    const refused = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port: apiPort }, () => { s.destroy(); r(false); });
      s.on('error', () => { r(true); });
    });
    expect(refused).toBe(true);
  });
});
