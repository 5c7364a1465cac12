// E2E: `docker compose up` of the whole cluster from images built offline (deploy/offline-images.sh),
// driven by the real kubectl through the published apiserver: a Service + Deployment of svclab/echo,
// kube-proxy's KUBE-SVC chain in node-1's iptables, a curl to the ClusterIP inside node-1 through the
// kernel rules, and the cluster DNS answering for the Service. Installs and starts a Docker engine
// when absent; skipped only when that is impossible (not root and no engine reachable).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@svclab/testkit';

const repoRoot = resolve(import.meta.dirname, '..');
const project = 'svclab-e2e';
const kubectlBin = '/usr/bin/kubectl';

/** GET over HTTPS trusting only `ca` (the system store when undefined); the status code. */
function httpsGet(url: string, ca: string | undefined, token?: string): Promise<number> {
  return new Promise((res, rej) => {
    const req = httpsRequest(
      url,
      {
        ...(ca === undefined ? {} : { ca }),
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        timeout: 10_000,
      },
      (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', rej);
    req.end();
  });
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'compose e2e needs Linux';
  if (process.getuid?.() === 0) return undefined; // deploy/offline-images.sh installs and starts the engine
  if (dockerAnswers()) return undefined;
  return 'no Docker engine reachable and not root, so none can be installed or started';
}

const skip = skipReason();

function run(
  file: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<Run> {
  return new Promise((res) => {
    const child = execFile(
      file,
      [...args],
      {
        cwd: repoRoot,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code =
          err === null
            ? 0
            : typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1;
        res({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a long command, keeping the last 200 lines of its output for the failure message. */
function runLong(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(file, [...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const keep = (b: Buffer): void => {
      lines.push(...b.toString().split('\n'));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => {
      res({ code: 127, stdout: '', stderr: err.message });
    });
    child.on('close', (code) => {
      res({ code: code ?? 1, stdout: '', stderr: lines.join('\n') });
    });
  });
}

/** `docker compose` (v2 plugin) when present, else `docker-compose` (v1, Debian bookworm). */
async function composeCommand(): Promise<[string, string[]]> {
  const v2 = await run('docker', ['compose', 'version']);
  return v2.code === 0 ? ['docker', ['compose']] : ['docker-compose', []];
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined>,
  detail: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${String(timeoutMs / 1000)} s waiting for ${what}\n${await detail()}`,
      );
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

const manifest = `apiVersion: v1
kind: Service
metadata:
  name: my-app
  namespace: default
spec:
  selector:
    app: my-app
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
        - name: echo
          image: svclab/echo:1.0
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /readyz
              port: 8080
            periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: pinned
  namespace: default
spec:
  selector:
    app: pinned
  ports:
    - name: http
      port: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: pinned-on-node-2
  namespace: default
  labels:
    app: pinned
spec:
  nodeName: node-2
  containers:
    - name: echo
      image: svclab/echo:1.0
      ports:
        - containerPort: 8080
`;

interface EchoReply {
  readonly pod: string;
  readonly namespace: string;
  readonly node: string;
  readonly podIP: string;
  readonly port: number;
  readonly path: string;
  readonly clientIP: string;
}

describe.skipIf(skip !== undefined)(
  `docker compose cluster${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    let compose: [string, string[]] = ['docker-compose', []];
    let env: NodeJS.ProcessEnv = process.env;
    let dir = '';
    let kubeconfig = '';
    let apiserverPort = 0;
    let ca = '';
    let clusterIP = '';

    const dc = (args: readonly string[], timeoutMs = 120_000): Promise<Run> =>
      run(compose[0], [...compose[1], '-p', project, '-f', 'docker-compose.yml', ...args], {
        env,
        timeoutMs,
      });
    const logsTail = async (): Promise<string> => {
      const ps = await dc(['ps']);
      const logs = await dc(['logs', '--no-color', '--tail=25']);
      return `--- ${compose.join(' ')} ps\n${ps.stdout}${ps.stderr}\n--- logs (last 25 lines per service)\n${logs.stdout}${logs.stderr}`;
    };
    const kubectl = (args: readonly string[], input?: string): Promise<Run> =>
      run(kubectlBin, [...args], {
        env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir },
        timeoutMs: 60_000,
        ...(input === undefined ? {} : { input }),
      });
    const inNode1 = (args: readonly string[]): Promise<Run> =>
      dc(['exec', '-T', 'node-1', ...args], 60_000);

    beforeAll(async () => {
      const built = await runLong(join(repoRoot, 'deploy/offline-images.sh'), [], process.env);
      if (built.code !== 0)
        throw new Error(`deploy/offline-images.sh exited ${String(built.code)}:\n${built.stderr}`);
      compose = await composeCommand();
      dir = mkdtempSync(join(tmpdir(), 'svclab-compose-'));
      apiserverPort = await freePort();
      env = {
        ...process.env,
        SVCLAB_APISERVER_PORT: String(apiserverPort),
        LOG_LEVEL: 'info',
      };
      await dc(['down', '-v', '--remove-orphans'], 300_000); // leftovers of an interrupted run
      const up = await dc(['up', '-d'], 600_000);
      if (up.code !== 0)
        throw new Error(
          `${compose.join(' ')} up -d exited ${String(up.code)}:\n${up.stdout}${up.stderr}\n${await logsTail()}`,
        );
    }, 1_500_000);

    afterAll(async () => {
      if (dir !== '') {
        await dc(['down', '-v', '--remove-orphans'], 300_000);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);

    it('serves the API over HTTPS on the host, verified by the pki service CA: /readyz with no token, 401 without a token, 200 with it', async () => {
      const url = `https://127.0.0.1:${String(apiserverPort)}`;
      const caRun = await poll(
        'the CA in the pki volume',
        180_000,
        async () => {
          const r = await dc(['exec', '-T', 'apiserver', 'cat', '/pki/ca.crt'], 30_000);
          return r.code === 0 && r.stdout.includes('BEGIN CERTIFICATE') ? r.stdout : undefined;
        },
        logsTail,
      );
      ca = caRun;
      writeFileSync(join(dir, 'ca.crt'), ca);
      kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- cluster: {server: "${url}", certificate-authority: ${join(dir, 'ca.crt')}}`,
          '  name: svclab-compose',
          'contexts:',
          '- context: {cluster: svclab-compose, user: admin}',
          '  name: svclab-compose',
          'current-context: svclab-compose',
          'users:',
          '- name: admin',
          '  user: {token: svclab-compose-token}',
          '',
        ].join('\n'),
      );
      await poll(
        'the apiserver /readyz on the published port',
        180_000,
        async () => {
          const r = await httpsGet(`${url}/readyz`, ca).catch(() => undefined);
          return r === 200 ? true : undefined;
        },
        logsTail,
      );
      expect(await httpsGet(`${url}/api/v1/namespaces`, ca)).toBe(401);
      expect(await httpsGet(`${url}/api/v1/namespaces`, ca, 'svclab-compose-token')).toBe(200);
      // The certificate is the CA's, not any certificate: verification against another CA fails.
      await expect(httpsGet(`${url}/readyz`, undefined)).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    }, 240_000);

    it('registers three Ready nodes (kubectl get nodes)', async () => {
      const ready = await poll(
        '3 Ready nodes',
        300_000,
        async () => {
          const r = await kubectl([
            'get',
            'nodes',
            '-o',
            'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
          ]);
          const lines = r.stdout
            .trim()
            .split('\n')
            .filter((l) => l.endsWith('=True'));
          return lines.length >= 3 ? lines.sort() : undefined;
        },
        async () =>
          `${(await kubectl(['get', 'nodes', '-o', 'wide'])).stdout}\n${await logsTail()}`,
      );
      expect(ready).toEqual(['node-1=True', 'node-2=True', 'node-3=True']);
    }, 360_000);

    it('applies a Service + Deployment of svclab/echo and gets two ready endpoints', async () => {
      const r = await kubectl(['apply', '-f', '-'], manifest);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('service/my-app created');
      expect(r.stdout).toContain('deployment.apps/my-app created');
      expect(r.stdout).toContain('pod/pinned-on-node-2 created');
      clusterIP = (
        await kubectl(['get', 'svc', 'my-app', '-o', 'jsonpath={.spec.clusterIP}'])
      ).stdout.trim();
      expect(clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
      const addrs = await poll(
        '2 ready endpoints of default/my-app',
        300_000,
        async () => {
          const s = await kubectl([
            'get',
            'endpointslices',
            '-l',
            'kubernetes.io/service-name=my-app',
            '-o',
            'jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\\n"}{end}',
          ]);
          const ips = s.stdout
            .trim()
            .split('\n')
            .filter((l) => l !== '');
          return ips.length >= 2 ? ips : undefined;
        },
        async () =>
          `${(await kubectl(['get', 'pods', '-o', 'wide'])).stdout}\n${(await kubectl(['get', 'endpointslices', '-o', 'yaml'])).stdout}\n${await logsTail()}`,
      );
      for (const ip of addrs) expect(ip).toMatch(/^10\.244\.[123]\.\d+$/);
    }, 360_000);

    it('kube-proxy wrote the KUBE-SVC chain of the Service into node-1 (iptables-save)', async () => {
      const rules = await poll(
        'KUBE-SVC chain of default/my-app in node-1',
        180_000,
        async () => {
          const r = await inNode1(['iptables-save', '-t', 'nat']);
          return /KUBE-SVC-[A-Z0-9]{16}/.test(r.stdout) &&
            r.stdout.includes('default/my-app:http') &&
            r.stdout.includes(`-d ${clusterIP}/32`)
            ? r.stdout
            : undefined;
        },
        async () =>
          `${(await inNode1(['iptables-save', '-t', 'nat'])).stdout}\n${await logsTail()}`,
      );
      const jump = rules
        .split('\n')
        .find((l) => l.startsWith('-A KUBE-SERVICES') && l.includes(`-d ${clusterIP}/32`));
      expect(jump).toMatch(
        /-m comment --comment "default\/my-app:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-[A-Z0-9]{16}$/,
      );
      const svc = /-j (KUBE-SVC-[A-Z0-9]{16})$/.exec(jump ?? '')?.[1] ?? '';
      expect(
        rules.split('\n').filter((l) => l.startsWith(`-A ${svc} `) && l.includes('-j KUBE-SEP-'))
          .length,
      ).toBe(2);
    }, 240_000);

    it('a curl to the ClusterIP inside node-1 reaches an echo pod through the kernel rules', async () => {
      const reply = await poll(
        `an echo reply from http://${clusterIP}/ inside node-1`,
        120_000,
        async () => {
          const r = await inNode1(['curl', '-s', '--max-time', '5', `http://${clusterIP}/hello`]);
          if (r.code !== 0) return undefined;
          try {
            return JSON.parse(r.stdout) as EchoReply;
          } catch {
            return undefined;
          }
        },
        async () =>
          `${(await inNode1(['iptables-save', '-t', 'nat'])).stdout}\n${await logsTail()}`,
      );
      expect(reply.namespace).toBe('default');
      expect(reply.pod).toMatch(/^my-app-/);
      expect(reply.podIP).toMatch(/^10\.244\.[123]\.\d+$/);
      expect(reply.port).toBe(8080);
      expect(reply.path).toBe('/hello');
    }, 180_000);

    it('node-1 reaches a pod on node-2 through its ClusterIP (DNAT across the compose network)', async () => {
      const pinnedIP = (
        await kubectl(['get', 'svc', 'pinned', '-o', 'jsonpath={.spec.clusterIP}'])
      ).stdout.trim();
      expect(pinnedIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
      const reply = await poll(
        `an echo reply from http://${pinnedIP}:8080/ inside node-1`,
        180_000,
        async () => {
          const r = await inNode1([
            'curl',
            '-s',
            '--max-time',
            '5',
            `http://${pinnedIP}:8080/cross`,
          ]);
          if (r.code !== 0) return undefined;
          try {
            return JSON.parse(r.stdout) as EchoReply;
          } catch {
            return undefined;
          }
        },
        async () =>
          `${(await kubectl(['get', 'pods', '-o', 'wide'])).stdout}\n${(await inNode1(['iptables-save', '-t', 'nat'])).stdout}\n${await logsTail()}`,
      );
      expect(reply.pod).toBe('pinned-on-node-2');
      expect(reply.node).toBe('node-2');
      expect(reply.podIP).toMatch(/^10\.244\.2\.\d+$/);
      expect(reply.clientIP).toBe('10.244.0.11'); // node-1's own address: no SNAT on the way
    }, 240_000);

    it('the cluster DNS answers for the Service from inside node-1', async () => {
      const answer = await poll(
        'dig my-app.default.svc.cluster.local @10.244.0.10',
        120_000,
        async () => {
          const r = await inNode1([
            'dig',
            '+short',
            '+time=3',
            '+tries=1',
            'my-app.default.svc.cluster.local',
            '@10.244.0.10',
          ]);
          return r.stdout.trim() === clusterIP ? r.stdout.trim() : undefined;
        },
        logsTail,
      );
      expect(answer).toBe(clusterIP);
    }, 180_000);
  },
);
