// End to end: three BUILT kube-proxy processes (`node apps/kube-proxy/dist/main.js`, userspace data
// plane) against a real apiserver on real NATS + Redis, carrying real TCP/UDP to "pods" listening
// on 127.244.N.x; and the kernel data plane applying rendered rules in a network namespace.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderIptables } from '@svclab/proxy-rules';
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { KernelDataplane } from '@svclab/kube-proxy';
import { socksRequest, startEchoPod, tcpRequest, udpRequest, type EchoPod } from '@svclab/kube-proxy/testing';
import { freePort, startProcess, waitForPort, type ManagedProcess } from '@svclab/testkit';
import { nopLogger } from '@svclab/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';

const root = new URL('..', import.meta.url).pathname;
const kubeProxyMain = join(root, 'apps/kube-proxy/dist/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds kube-proxy and the packages it runs on when dist is missing or older than src. */
function ensureBuilt(): void {
  for (const ws of ['packages/api', 'packages/apimachinery', 'packages/telemetry', 'packages/bus', 'packages/client', 'packages/proxy-rules', 'packages/resolver', 'apps/kube-proxy']) {
    const dist = join(root, ws, 'dist');
    if (existsSync(dist) && newest(dist) >= newest(join(root, ws, 'src'))) continue;
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, ws, 'tsconfig.build.json')], { stdio: 'pipe' });
  }
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface ProxyNode {
  readonly name: string;
  readonly ip: string;
  readonly entry: { host: string; port: number };
  readonly healthz: string;
  readonly proc: ManagedProcess;
}

// Node N of this test = 127.0.1.(60+N), pods on 127.244.(60+N).x: clear of a `svclab up` cluster.
const nodeIPs = ['127.0.1.61', '127.0.1.62', '127.0.1.63'];
const podIPs = ['127.244.61.10', '127.244.62.10', '127.244.63.10'];

describe('kube-proxy processes on a real apiserver (userspace data plane)', () => {
  let api: ApiserverHandle;
  let nodes: ProxyNode[] = [];
  let pods: EchoPod[] = [];
  let podPort = 0;
  const svc: Record<string, { clusterIP: string; nodePort: number }> = {};
  // A stand-in cluster DNS on loopback: `<svc>.default.svc.cluster.local` → the Service's ClusterIP.
  const dns = createSocket('udp4');

  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const j = (await r.json()) as Record<string, unknown>;
    if (r.status >= 300) throw new Error(`POST ${path}: ${String(r.status)} ${JSON.stringify(j)}`);
    return j;
  };
  const createService = async (name: string, spec: Record<string, unknown>): Promise<void> => {
    const o = await post('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
    const s = o['spec'] as { clusterIP: string; ports: { nodePort?: number }[] };
    svc[name] = { clusterIP: s.clusterIP, nodePort: s.ports[0]?.nodePort ?? 0 };
  };
  const endpoint = (i: number, ready = true): Record<string, unknown> => ({
    addresses: [podIPs[i]],
    nodeName: `kp-node-${String(i + 1)}`,
    conditions: { ready, serving: ready, terminating: false },
  });
  const createSlice = (service: string, endpoints: Record<string, unknown>[], protocol = 'TCP'): Promise<Record<string, unknown>> =>
    post('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-1`, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      endpoints,
      ports: [{ name: 'p', port: podPort, protocol }],
    });
  const entry = (i: number): { host: string; port: number } => {
    const n = nodes[i];
    if (n === undefined) throw new Error('no node');
    return n.entry;
  };

  beforeAll(async () => {
    ensureBuilt();
    api = await startApiserver();
    const first = await startEchoPod('pod-1', podIPs[0] ?? '', 0);
    podPort = first.port;
    pods = [first, await startEchoPod('pod-2', podIPs[1] ?? '', podPort), await startEchoPod('pod-3', podIPs[2] ?? '', podPort)];
    const port = { name: 'p', port: 80, targetPort: podPort, protocol: 'TCP' };
    await createService('web', { type: 'NodePort', ports: [port] });
    await createService('sticky', { ports: [port], sessionAffinity: 'ClientIP' });
    await createService('empty', { ports: [port] });
    await createService('etp-local', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [port] });
    await createService('itp-local', { internalTrafficPolicy: 'Local', ports: [port] });
    await createService('udp', { type: 'NodePort', ports: [{ name: 'p', port: 53, targetPort: podPort, protocol: 'UDP' }] });
    await createSlice('web', [endpoint(0), endpoint(1), endpoint(2)]);
    await createSlice('sticky', [endpoint(0), endpoint(1), endpoint(2)]);
    await createSlice('etp-local', [endpoint(1)]);
    await createSlice('itp-local', [endpoint(0), endpoint(1)]);
    await createSlice('udp', [endpoint(2)], 'UDP');
    dns.on('message', (m, r) => {
      const q = dnsPacket.decode(m);
      const name = q.questions?.[0]?.name ?? '';
      const hit = /^([a-z0-9-]+)\.default\.svc\.cluster\.local$/.exec(name);
      const ip = hit?.[1] === undefined ? undefined : svc[hit[1]]?.clusterIP;
      const answers = ip !== undefined && q.questions?.[0]?.type === 'A' ? [{ type: 'A' as const, name, ttl: 5, data: ip }] : [];
      dns.send(dnsPacket.encode({ type: 'response', id: q.id ?? 0, flags: dnsPacket.AUTHORITATIVE_ANSWER | (ip === undefined ? 3 : 0), questions: q.questions ?? [], answers }), r.port, r.address);
    });
    await new Promise<void>((r) => { dns.bind(0, '127.0.0.1', () => { r(); }); });
    nodes = await Promise.all(
      nodeIPs.map(async (ip, i) => {
        const [entryPort, hzPort] = await Promise.all([freePort(), freePort()]);
        const name = `kp-node-${String(i + 1)}`;
        const proc = startProcess('env', [
          `APISERVER_URL=${api.url}`,
          `NATS_URL=${api.nats.url}`,
          `NODE_NAME=${name}`,
          `NODE_IP=${ip}`,
          'LOG_LEVEL=warn',
          process.execPath,
          kubeProxyMain,
          '--proxy-mode=iptables',
          '--min-sync-period=200ms',
          '--cluster-cidr=127.244.0.0/16',
          `--cluster-dns=127.0.0.1:${String(dns.address().port)}`,
          `--node-entry-port=${String(entryPort)}`,
          `--healthz-bind-address=${ip}:${String(hzPort)}`,
          `--metrics-bind-address=${ip}:${String(hzPort)}`,
        ]);
        try {
          await waitForPort(ip, entryPort, 90_000);
        } catch (err) {
          throw new Error(`${name} did not open its node entry:\n${proc.output()}`, { cause: err });
        }
        return { name, ip, entry: { host: ip, port: entryPort }, healthz: `http://${ip}:${String(hzPort)}`, proc };
      }),
    );
    // Ready = the first sync happened (after both informers synced).
    for (const n of nodes) {
      await until(async () => ((await fetch(`${n.healthz}/readyz`)).status === 200 ? true : undefined), `${n.name} ready`, 90_000);
    }
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.proc.stop(10_000)));
    await Promise.all(pods.map((p) => p.close()));
    await api?.stop();
    dns.close();
  });

  const curl = (args: string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile('curl', ['-s', '--http0.9', '--max-time', '20', ...args], (err, stdout) => {
        resolve({ code: err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1, out: stdout });
      });
    });

  it.runIf(spawnSync('curl', ['--version']).status === 0)('the real curl works through the node entry (--socks5 and --socks5-hostname)', async () => {
    const proxy = `${entry(0).host}:${String(entry(0).port)}`;
    const byIP = await curl(['--socks5', proxy, `http://${svc['web']?.clusterIP ?? ''}/`]);
    expect(byIP.out).toMatch(/^pod-[123] 127\.0\.1\.61\n$/);
    const byName = await curl(['--socks5-hostname', proxy, 'http://web/']);
    expect(byName.out).toMatch(/^pod-[123] /);
    const withNs = await curl(['--socks5-hostname', proxy, '--proxy-user', 'ns=default:x', 'http://sticky/']);
    expect(withNs.out).toMatch(/^pod-[123] /);
    const unknown = await curl(['--socks5-hostname', proxy, 'http://nope/']);
    expect(unknown.code).not.toBe(0);
  });

  it('spreads 300 requests through node-1 over the 3 endpoints on 3 nodes (chi-square)', async () => {
    const counts = new Map<string, number>();
    const one = async (): Promise<void> => {
      const r = await socksRequest(entry(0), { host: svc['web']?.clusterIP ?? '', port: 80 });
      expect(r.reply).toBe(0);
      const pod = r.data.split(' ')[0] ?? '';
      counts.set(pod, (counts.get(pod) ?? 0) + 1);
    };
    for (let i = 0; i < 30; i++) await Promise.all(Array.from({ length: 10 }, one));
    expect([...counts.keys()].sort()).toEqual(['pod-1', 'pod-2', 'pod-3']);
    const expected = 100;
    const chi2 = [...counts.values()].reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    // df = 2: P(chi2 > 18.4) ≈ 1e-4. Generous on purpose.
    expect(chi2).toBeLessThan(18.4);
  });

  it('ClientIP affinity pins a client to one endpoint', async () => {
    const got = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await socksRequest(entry(0), { host: svc['sticky']?.clusterIP ?? '', port: 80, localAddress: '127.0.0.77' });
      got.add(r.data.split(' ')[0] ?? '');
    }
    expect(got.size).toBe(1);
  });

  it('no endpoints → connection refused (SOCKS reply 5)', async () => {
    const r = await socksRequest(entry(0), { host: svc['empty']?.clusterIP ?? '', port: 80 });
    expect(r.reply).toBe(5);
  });

  it('NodePort answers on every node IP', async () => {
    for (const ip of nodeIPs) {
      const r = await tcpRequest(ip, svc['web']?.nodePort ?? 0, { localAddress: '127.0.0.88' });
      expect(r.data).toMatch(new RegExp(`^pod-[123] ${ip.replaceAll('.', '\\.')}\\n$`));
    }
  });

  it('UDP NodePort answers on every node IP', async () => {
    for (const ip of nodeIPs) expect(await udpRequest(ip, svc['udp']?.nodePort ?? 0)).toBe(`pod-3 ${ip}\n`);
  });

  it('externalTrafficPolicy Local preserves the client address, and drops on a node without a local endpoint', async () => {
    const port = svc['etp-local']?.nodePort ?? 0;
    const ok = await tcpRequest(nodeIPs[1] ?? '', port, { localAddress: '127.0.0.88' });
    expect(ok.data).toBe('pod-2 127.0.0.88\n');
    const dropped = await tcpRequest(nodeIPs[0] ?? '', port, { localAddress: '127.0.0.88' });
    expect(dropped.data).toBe('');
  });

  it('internalTrafficPolicy Local keeps traffic on the node (and drops without a local endpoint)', async () => {
    const ip = svc['itp-local']?.clusterIP ?? '';
    for (let i = 0; i < 10; i++) {
      expect((await socksRequest(entry(0), { host: ip, port: 80 })).data).toMatch(/^pod-1 /);
      expect((await socksRequest(entry(1), { host: ip, port: 80 })).data).toMatch(/^pod-2 /);
    }
    expect((await socksRequest(entry(2), { host: ip, port: 80 })).reply).toBe(4);
  });

  it('an endpoint turning not ready leaves rotation within one sync', async () => {
    const r = await fetch(`${api.url}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1`);
    const slice = (await r.json()) as Record<string, unknown>;
    const put = await fetch(`${api.url}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...slice, endpoints: [endpoint(0), endpoint(1, false), endpoint(2)] }),
    });
    expect(put.status).toBe(200);
    // Wait for node-1's sync that carries the change (its rules no longer name pod-2) …
    await until(async () => {
      const rules = await (await fetch(`${nodes[0]?.healthz ?? ''}/rules?format=iptables-save`)).text();
      return rules.includes(`"default/web:p -> ${podIPs[1] ?? ''}:`) ? undefined : true;
    }, 'node-1 to drop pod-2 from its rules');
    // … then no new connection reaches it.
    for (let i = 0; i < 30; i++) {
      const x = await socksRequest(entry(0), { host: svc['web']?.clusterIP ?? '', port: 80 });
      expect(x.data).not.toMatch(/^pod-2 /);
    }
  });

  it('serves /healthz (upstream body) and /metrics with upstream names', async () => {
    const hz = await fetch(`${nodes[0]?.healthz ?? ''}/healthz`);
    expect(hz.status).toBe(200);
    expect(Object.keys((await hz.json()) as object)).toEqual(['lastUpdated', 'currentTime', 'nodeEligible']);
    const m = await (await fetch(`${nodes[0]?.healthz ?? ''}/metrics`)).text();
    expect(m).toMatch(/kubeproxy_sync_proxy_rules_endpoint_changes_total \d+/);
    expect(m).toMatch(/kubeproxy_network_programming_duration_seconds_count \d+/);
    expect(m).toMatch(/kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} \d+/);
  });

  it('exits cleanly on SIGTERM', async () => {
    const n = nodes[2];
    if (n === undefined) throw new Error('no node');
    const code = await new Promise<number | null>((resolve) => {
      n.proc.child.once('exit', (c) => { resolve(c); });
      n.proc.child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});

function canNetns(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) return `no ip netns: ${r.stderr}`;
  return undefined;
}

const netnsSkip = canNetns();

describe.skipIf(netnsSkip !== undefined)(`kernel data plane in a network namespace${netnsSkip === undefined ? '' : ` (skipped: ${netnsSkip})`}`, () => {
  const tag = String(process.pid % 100000);
  const nodeNs = `svclab-kpn-${tag}`;
  const podNs = `svclab-kpp-${tag}`;
  const ipn = (...args: string[]): void => { execFileSync('ip', args, { stdio: 'pipe' }); };

  beforeAll(() => {
    ipn('netns', 'add', nodeNs);
    ipn('netns', 'add', podNs);
    ipn('link', 'add', `kpn${tag}`, 'type', 'veth', 'peer', 'name', `kpp${tag}`);
    ipn('link', 'set', `kpn${tag}`, 'netns', nodeNs);
    ipn('link', 'set', `kpp${tag}`, 'netns', podNs);
    ipn('-n', nodeNs, 'addr', 'add', '10.244.1.1/24', 'dev', `kpn${tag}`);
    ipn('-n', podNs, 'addr', 'add', '10.244.1.10/24', 'dev', `kpp${tag}`);
    for (const [ns, dev] of [[nodeNs, `kpn${tag}`], [podNs, `kpp${tag}`]] as const) {
      ipn('-n', ns, 'link', 'set', 'lo', 'up');
      ipn('-n', ns, 'link', 'set', dev, 'up');
    }
    // The service CIDR must be routable for the OUTPUT hook to see the packet.
    ipn('-n', nodeNs, 'route', 'add', 'default', 'dev', `kpn${tag}`);
    ipn('-n', podNs, 'route', 'add', 'default', 'dev', `kpp${tag}`);
  });

  afterAll(() => {
    spawnSync('ip', ['netns', 'del', nodeNs]);
    spawnSync('ip', ['netns', 'del', podNs]);
  });

  it('a connection to the ClusterIP inside the namespace is DNATed by the kernel to the pod', async () => {
    const pod = spawn('ip', ['netns', 'exec', podNs, process.execPath, '-e', "require('net').createServer(s=>{s.end('kernel-pod '+s.remoteAddress+'\\n')}).listen(8080,'10.244.1.10',()=>console.log('listening'))"], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        pod.stdout.once('data', () => { resolve(); });
        pod.once('exit', (c) => { reject(new Error(`pod exited ${String(c)}`)); });
      });
      const services = [makeService('default', 'kweb', { spec: { clusterIP: '10.96.0.10', ports: [{ name: 'p', port: 80, targetPort: 8080, protocol: 'TCP' }] } })];
      const endpointSlices = [makeEndpointSlice('default', 'kweb', { endpoints: [{ addresses: ['10.244.1.10'], conditions: { ready: true } }], ports: [{ name: 'p', port: 8080, protocol: 'TCP' }] })];
      const r = renderIptables({ services, endpointSlices }, { name: 'kernel-node', ip: '10.244.1.1' }, { clusterCIDR: '10.244.0.0/16', nfacct: false });
      const dp = new KernelDataplane({ netns: nodeNs, logger: nopLogger });
      await dp.apply({ mode: 'iptables', restoreText: r.text, fullSync: true, listeners: [] });
      const saved = execFileSync('ip', ['netns', 'exec', nodeNs, 'iptables-save', '-t', 'nat'], { encoding: 'utf8' });
      expect(saved).toContain('-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp');
      expect(saved).toContain('--to-destination 10.244.1.10:8080');
      const out = execFileSync('ip', ['netns', 'exec', nodeNs, process.execPath, '-e', "const s=require('net').connect(80,'10.96.0.10');s.on('data',d=>process.stdout.write(d));s.on('error',e=>{process.stdout.write('ERR '+e.code);});"], { encoding: 'utf8', timeout: 20_000 });
      expect(out).toBe('kernel-pod 10.244.1.1\n');
    } finally {
      pod.kill('SIGKILL');
    }
  });
});
