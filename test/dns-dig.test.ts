// End to end: the BUILT dns app (`node apps/dns/dist/main.js --objects …`) answering the real `dig`,
// forwarding to a fake upstream on loopback, autopath for a pod client, and the stub resolver.
import { execFile, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podResolvConf, Resolver } from '@svclab/resolver';
import { startProcess, type ManagedProcess } from '@svclab/testkit';

const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'apps/dns/dist/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the resolver package and the dns app when dist is missing or older than src. */
function ensureBuilt(): void {
  for (const ws of ['packages/resolver', 'packages/client', 'apps/dns']) {
    const dist = join(root, ws, 'dist');
    if (existsSync(dist) && newest(dist) >= newest(join(root, ws, 'src'))) continue;
    // tsc emits even with type errors (e.g. a sibling's work in progress); what matters is the output.
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, ws, 'tsconfig.build.json')], { encoding: 'utf8' });
    if (!existsSync(join(dist, 'index.js')) && !existsSync(join(dist, 'main.js'))) throw new Error(`building ${ws} failed:\n${r.stdout}${r.stderr}`);
  }
}

const OBJECTS = `
apiVersion: v1
kind: Namespace
metadata: {name: production}
---
apiVersion: v1
kind: Service
metadata: {name: my-app, namespace: production}
spec:
  clusterIP: 127.96.0.20
  ports: [{name: http, protocol: TCP, port: 80}, {name: metrics, protocol: TCP, port: 9090}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: my-app-x1, namespace: production, labels: {kubernetes.io/service-name: my-app}}
addressType: IPv4
endpoints:
  - {addresses: [127.244.1.10], conditions: {ready: true}}
ports: [{name: http, protocol: TCP, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: production}
spec: {clusterIP: None, ports: [{name: pg, protocol: TCP, port: 5432}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: production, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
endpoints:
  - {addresses: [127.244.1.21], hostname: db-0, conditions: {ready: true}}
  - {addresses: [127.244.1.22], hostname: db-1, conditions: {ready: true}}
  - {addresses: [127.244.1.23], hostname: db-2, conditions: {ready: false, serving: true}}
ports: [{name: pg, protocol: TCP, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: search, namespace: production}
spec: {type: ExternalName, externalName: search.example.test}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: production}
spec: {containers: [{name: c}]}
status: {phase: Running, podIP: 127.244.1.42}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: big, namespace: production}
    spec: {clusterIP: None, ports: [{name: http, protocol: TCP, port: 80}]}
  - apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata: {name: big-1, namespace: production, labels: {kubernetes.io/service-name: big}}
    addressType: IPv4
    endpoints: [${Array.from({ length: 200 }, (_, i) => `{addresses: [127.245.${Math.floor(i / 200)}.${(i % 200) + 1}]}`).join(', ')}]
    ports: [{name: http, protocol: TCP, port: 80}]
`;

interface Dig {
  status: string;
  flags: string[];
  answer: string[];
  additional: string[];
}
function dig(port: number, args: string[]): Promise<Dig> {
  const argv = ['@127.0.0.1', '-p', String(port), '+noall', '+comments', '+answer', '+additional', '+tries=3', '+time=5', ...args];
  return new Promise((resolve, reject) => {
    execFile('dig', argv, { timeout: 60_000 }, (err, out) => {
      if (err && out === '') {
        reject(err);
        return;
      }
      const r: Dig = { status: '', flags: [], answer: [], additional: [] };
      let sec: 'answer' | 'additional' | undefined;
      for (const line of out.split('\n')) {
        r.status = /status: (\w+)/.exec(line)?.[1] ?? r.status;
        const fl = /;; flags: ([^;]*);/.exec(line)?.[1];
        if (fl) r.flags = fl.trim().split(/\s+/);
        if (line.startsWith(';; ANSWER SECTION')) sec = 'answer';
        else if (line.startsWith(';; ADDITIONAL SECTION')) sec = 'additional';
        else if (line.startsWith(';; ')) sec = undefined;
        else if (sec && line.trim() !== '' && !line.startsWith(';')) r[sec].push(line.trim().split(/\s+/).join(' '));
      }
      resolve(r);
    });
  });
}

/** A fake upstream: answers `search.example.test` and `www.example.test`, NXDOMAIN otherwise. */
async function fakeUpstream(): Promise<{ sock: Socket; port: number; seen: string[] }> {
  const zone: Record<string, string> = { 'search.example.test': '192.0.2.80', 'www.example.test': '192.0.2.81' };
  const seen: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const name = (question?.name ?? '').toLowerCase();
    seen.push(name);
    const ip = zone[name];
    sock.send(
      dnsPacket.encode({
        type: 'response',
        id: q.id ?? 0,
        flags: dnsPacket.RECURSION_AVAILABLE | (ip ? 0 : 3),
        questions: q.questions ?? [],
        answers: ip && question?.type === 'A' ? [{ name: question.name, type: 'A', ttl: 300, class: 'IN', data: ip }] : [],
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { sock, port: sock.address().port, seen };
}

async function waitFor<T>(what: string, f: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const P = 'production.svc.cluster.local';

describe('dns app end to end (dig)', () => {
  let proc: ManagedProcess;
  let up: Awaited<ReturnType<typeof fakeUpstream>>;
  let dnsPort = 0;
  let httpPort = 0;
  let file = '';

  beforeAll(async () => {
    ensureBuilt();
    up = await fakeUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'svclab-dns-'));
    file = join(dir, 'objects.yaml');
    writeFileSync(file, OBJECTS);
    proc = startProcess(process.execPath, [
      main,
      '--objects',
      file,
      '--dns-address',
      '127.0.0.1:0',
      '--http-address',
      '127.0.0.1:0',
      '--upstream',
      `127.0.0.1:${up.port}`,
      '--pods',
      'verified',
      '--autopath',
      '--log',
      '--lameduck',
      '500',
    ]);
    const listening = await waitFor('listening line', () => /"msg":"listening","dns":"127\.0\.0\.1:(\d+)","http":"127\.0\.0\.1:(\d+)"/.exec(proc.output()) ?? undefined);
    dnsPort = Number(listening[1]);
    httpPort = Number(listening[2]);
  });

  afterAll(async () => {
    await proc.stop();
    up.sock.close();
  });

  it.each([
    { name: 'ClusterIP A', args: [`my-app.${P}`], answer: [`my-app.${P}. 5 IN A 127.96.0.20`] },
    {
      name: 'SRV of a named port with glue',
      args: [`_http._tcp.my-app.${P}`, 'SRV'],
      answer: [`_http._tcp.my-app.${P}. 5 IN SRV 0 100 80 my-app.${P}.`],
      additional: [`my-app.${P}. 5 IN A 127.96.0.20`],
    },
    { name: 'headless: ready endpoints only', args: [`db.${P}`], answer: [`db.${P}. 5 IN A 127.244.1.21`, `db.${P}. 5 IN A 127.244.1.22`] },
    { name: 'endpoint hostname', args: [`db-1.db.${P}`], answer: [`db-1.db.${P}. 5 IN A 127.244.1.22`] },
    {
      name: 'headless SRV targets',
      args: [`_pg._tcp.db.${P}`, 'SRV'],
      answer: [`_pg._tcp.db.${P}. 5 IN SRV 0 50 5432 db-0.db.${P}.`, `_pg._tcp.db.${P}. 5 IN SRV 0 50 5432 db-1.db.${P}.`],
      additional: [`db-0.db.${P}. 5 IN A 127.244.1.21`, `db-1.db.${P}. 5 IN A 127.244.1.22`],
    },
    { name: 'PTR of a ClusterIP', args: ['-x', '127.96.0.20'], answer: [`20.0.96.127.in-addr.arpa. 5 IN PTR my-app.${P}.`] },
    { name: 'PTR of an endpoint', args: ['-x', '127.244.1.21'], answer: [`21.1.244.127.in-addr.arpa. 5 IN PTR db-0.db.${P}.`] },
    { name: 'verified pod record', args: ['127-244-1-42.production.pod.cluster.local'], answer: ['127-244-1-42.production.pod.cluster.local. 5 IN A 127.244.1.42'] },
    { name: 'ExternalName via the upstream', args: [`search.${P}`], answer: [`search.${P}. 5 IN CNAME search.example.test.`, 'search.example.test. 300 IN A 192.0.2.80'] },
    { name: 'dns-version', args: ['dns-version.cluster.local', 'TXT'], answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
    { name: 'NXDOMAIN', args: [`nope.${P}`], status: 'NXDOMAIN', answer: [] },
    { name: 'forwarded', args: ['www.example.test'], answer: ['www.example.test. 300 IN A 192.0.2.81'] },
  ])('$name', async ({ args, answer, additional, status }) => {
    const r = await dig(dnsPort, args);
    expect(r.status).toBe(status ?? 'NOERROR');
    expect(r.answer).toEqual(answer);
    if (additional) expect(r.additional).toEqual(additional);
  });

  it('truncates 200 endpoints over UDP and dig retries over TCP', async () => {
    const udp = await dig(dnsPort, ['+noedns', '+ignore', `big.${P}`]);
    expect(udp.flags).toContain('tc');
    const full = await dig(dnsPort, [`big.${P}`]);
    expect(full.answer).toHaveLength(200);
  });

  it('autopath answers a pod client in one round trip with a CNAME', async () => {
    const r = await dig(dnsPort, ['-b', '127.244.1.42', `www.example.test.${P}`]);
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toEqual([`www.example.test.${P}. 300 IN CNAME www.example.test.`, 'www.example.test. 300 IN A 192.0.2.81']);
  });

  it('the stub resolver walks the pod search path', async () => {
    const res = new Resolver(podResolvConf('production', { nameserver: `127.0.0.1:${dnsPort}` }));
    const short = await res.resolve('my-app', 'A');
    expect(short.addresses).toEqual(['127.96.0.20']);
    expect(short.queries.map((q) => q.name)).toEqual([`my-app.${P}`]);
    const ext = await res.resolve('www.example.test', 'A');
    expect(ext.addresses).toEqual(['192.0.2.81']);
    expect(ext.queries.map((q) => `${q.name} ${q.rcode}`)).toEqual([
      `www.example.test.${P} NXDOMAIN`,
      'www.example.test.svc.cluster.local NXDOMAIN',
      'www.example.test.cluster.local NXDOMAIN',
      'www.example.test NOERROR',
    ]);
  });

  it('serves /health, /ready and /metrics', async () => {
    const base = `http://127.0.0.1:${httpPort}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const m = await (await fetch(`${base}/metrics`)).text();
    expect(m).toMatch(/coredns_dns_requests_total\{server="dns:\/\/127\.0\.0\.1:\d+",zone="\.",view="",proto="udp",family="1",type="A"\} \d+/);
    expect(m).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} \d+/);
    expect(m).toMatch(/coredns_forward_requests_total/);
    expect(m).toMatch(/coredns_autopath_success_total/);
    expect(proc.output()).toMatch(/"msg":"query".*"rcode":"NOERROR"/);
  });

  it('re-reads the objects file on SIGHUP', async () => {
    expect((await dig(dnsPort, [`added.${P}`])).status).toBe('NXDOMAIN');
    writeFileSync(file, `${OBJECTS}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: added, namespace: production}\nspec: {clusterIP: 127.96.0.99}\n`);
    proc.child.kill('SIGHUP');
    await waitFor('reload', () => (/"msg":"reloaded objects"/.test(proc.output()) ? true : undefined));
    expect((await dig(dnsPort, [`added.${P}`])).answer).toEqual([`added.${P}. 5 IN A 127.96.0.99`]);
  });

  it('goes lameduck on SIGTERM, then exits', async () => {
    proc.child.kill('SIGTERM');
    await waitFor('lameduck', () => (/"msg":"lameduck"/.test(proc.output()) ? true : undefined));
    const r = await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined);
    if (r) expect(r.status).toBe(503);
    await waitFor('exit', () => (proc.child.exitCode !== null ? proc.child.exitCode : undefined));
    expect(proc.child.exitCode).toBe(0);
  });
});

describe('dns app against the apiserver (informers: REST list, NATS watch)', () => {
  let api: Awaited<ReturnType<typeof import('./support/apiserver.js').startApiserver>>;
  let proc: ManagedProcess;
  let dnsPort = 0;
  let httpPort = 0;

  beforeAll(async () => {
    ensureBuilt();
    const { startApiserver } = await import('./support/apiserver.js');
    api = await startApiserver();
    const applied = await api.kubectl(['apply', '-f', '-'], {
      stdin: [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec: {ports: [{name: http, port: 80, protocol: TCP}], selector: {app: cart}}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop}\nspec: {clusterIP: None, ports: [{name: pg, port: 5432, protocol: TCP}]}',
        'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}\naddressType: IPv4\nendpoints: [{addresses: [127.244.2.5], hostname: db-0, conditions: {ready: true}}]\nports: [{name: pg, port: 5432, protocol: TCP}]',
      ].join('\n---\n'),
    });
    if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
    proc = startProcess('env', [
      `APISERVER_URL=${api.url}`,
      `NATS_URL=${api.nats.url}`,
      process.execPath,
      main,
      '--dns-address',
      '127.0.0.1:0',
      '--http-address',
      '127.0.0.1:0',
      '--lameduck',
      '0',
    ]);
    const listening = await waitFor('listening line', () => /"msg":"listening","dns":"127\.0\.0\.1:(\d+)","http":"127\.0\.0\.1:(\d+)"/.exec(proc.output()) ?? undefined);
    dnsPort = Number(listening[1]);
    httpPort = Number(listening[2]);
  });

  afterAll(async () => {
    await proc.stop();
    await api.stop();
  });

  async function until(args: string[], ok: (r: Dig) => boolean): Promise<Dig> {
    let last: Dig | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      last = await dig(dnsPort, args);
      if (ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`dig ${args.join(' ')}: last ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('answers from the API once synced, and follows changes', async () => {
    expect((await fetch(`http://127.0.0.1:${httpPort}/ready`)).status).toBe(200);
    expect(proc.output()).toMatch(/connected to NATS/);
    const ip = (await api.kubectl(['get', 'svc', 'cart', '-n', 'shop', '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    const a = await until(['cart.shop.svc.cluster.local'], (r) => r.status === 'NOERROR');
    expect(a.answer).toEqual([`cart.shop.svc.cluster.local. 5 IN A ${ip}`]);
    const db = await dig(dnsPort, ['db-0.db.shop.svc.cluster.local']);
    expect(db.answer).toEqual(['db-0.db.shop.svc.cluster.local. 5 IN A 127.244.2.5']);

    const deleted = await api.kubectl(['delete', 'svc', 'cart', '-n', 'shop']);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    await until(['cart.shop.svc.cluster.local'], (r) => r.status === 'NXDOMAIN');

    const created = await api.kubectl(['apply', '-f', '-'], {
      stdin: 'apiVersion: v1\nkind: Service\nmetadata: {name: late, namespace: shop}\nspec: {ports: [{port: 8080, protocol: TCP}]}\n',
    });
    expect(created.stdout).toMatch(/created/);
    const late = await until(['late.shop.svc.cluster.local'], (r) => r.status === 'NOERROR');
    expect(late.answer[0]).toMatch(/^late\.shop\.svc\.cluster\.local\. 5 IN A 127\./);
  });
});
