// E2E: the real kubectl against the built apiserver process (RedisStorage + NATS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedServicesFile, startApiserver, type ApiserverHandle } from './support/apiserver.js';

const seed = seedServicesFile();

describe.skipIf(seed === undefined)('kubectl against the apiserver (seed: ../shared/reference/seed-services.yaml)', () => {
  let api: ApiserverHandle;
  beforeAll(async () => {
    api = await startApiserver();
    const r = await api.kubectl(['apply', '-f', seed ?? '']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('namespace/production created');
    expect(r.stdout).toContain('service/my-app created');
    expect(r.stdout).toContain('endpoints/legacy-db created');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('has the built-in namespaces and the kubernetes service on the first IP of the range', async () => {
    const ns = await api.kubectl(['get', 'ns', '-o', 'name']);
    expect(ns.stdout.split('\n')).toEqual(
      expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/kube-public', 'namespace/kube-node-lease']),
    );
    const ip = await api.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].name}']);
    expect(ip.stdout).toBe('127.96.0.1 https');
    const port = new URL(api.url).port;
    const ep = await api.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}']);
    expect(ep.stdout).toBe(`127.0.0.1:${port}`);
    const es = await api.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].ports[0].port}']);
    expect(es.stdout).toBe(`kubernetes ${port}`);
  });

  it('get svc -n production -o wide lists the seed services', async () => {
    const r = await api.kubectl(['get', 'svc', '-n', 'production', '-o', 'wide']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/);
    for (const name of ['my-app', 'my-app-named', 'web', 'web-lb', 'external-db']) {
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    }
    expect(r.stdout).toMatch(/^web\s+NodePort\s+127\.\d+\.\d+\.\d+\s+<none>\s+80:31080\/TCP\s+\S+\s+app=web$/m);
    expect(r.stdout).toMatch(/^my-app\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=my-app,tier=frontend$/m);
    expect(r.stdout).toMatch(/^cassandra\s+ClusterIP\s+None\s/m);
  });

  it('get svc -A includes every namespace', async () => {
    const r = await api.kubectl(['get', 'svc', '-A']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(r.stdout).toMatch(/^default\s+kubernetes\s+ClusterIP\s+127\.96\.0\.1\s+<none>\s+443\/TCP\s/m);
    expect(r.stdout).toMatch(/^production\s+my-app\s/m);
  });

  it('allocated ClusterIPs and the requested NodePort', async () => {
    const r = await api.kubectl(['get', 'svc', 'web', '-n', 'production', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
    expect(r.stdout).toMatch(/^127\.(9[6-9]|10\d|11[01])\.\d+\.\d+ 31080$/);
  });

  it('get endpoints and endpointslices by label', async () => {
    const ep = await api.kubectl(['get', 'endpoints', '-n', 'production']);
    expect(ep.code).toBe(0);
    expect(ep.stdout).toMatch(/^legacy-db\s/m);
    const es = await api.kubectl(['get', 'endpointslices', '-n', 'production', '-l', 'kubernetes.io/service-name=my-app']);
    expect(es.code).toBe(0);
    expect(`${es.stdout}${es.stderr}`).toMatch(/No resources found in production namespace|^NAME/m);
  });

  it('describe svc my-app', async () => {
    const r = await api.kubectl(['describe', 'svc', 'my-app', '-n', 'production']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+my-app$/m);
    expect(r.stdout).toMatch(/^Namespace:\s+production$/m);
    expect(r.stdout).toMatch(/^Selector:\s+app=my-app,tier=frontend$/m);
    expect(r.stdout).toMatch(/^IP:\s+127\.\d+\.\d+\.\d+$/m);
    expect(r.stdout).toMatch(/^Port:\s+http\s+80\/TCP$/m);
    expect(r.stdout).toMatch(/^Events:\s+<none>$/m);
  });

  it('patch and label', async () => {
    const p = await api.kubectl(['patch', 'svc', 'my-app', '-n', 'production', '-p', '{"metadata":{"annotations":{"owner":"team-a"}}}']);
    expect(p.stdout).toBe('service/my-app patched\n');
    const l = await api.kubectl(['label', 'svc', 'my-app', '-n', 'production', 'team=blue']);
    expect(l.stdout).toBe('service/my-app labeled\n');
    const m = await api.kubectl(['patch', 'svc', 'my-app', '-n', 'production', '--type=merge', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
    expect(m.code).toBe(0);
    const got = await api.kubectl([
      'get',
      'svc',
      'my-app',
      '-n',
      'production',
      '-o',
      'jsonpath={.metadata.labels.team} {.metadata.annotations.owner} {.spec.sessionAffinity}',
    ]);
    expect(got.stdout).toBe('blue team-a ClientIP');
  });

  it('kubectl apply again with a change configures the object (client-side strategic merge)', async () => {
    const before = await api.kubectl(['get', 'svc', 'backend', '-n', 'production', '-o', 'jsonpath={.spec.clusterIP}']);
    const manifest = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: backend, namespace: production}',
      'spec: {type: ClusterIP, selector: {app: backend}, ports: [{port: 8443, targetPort: 8443}]}',
      '',
    ].join('\n');
    const r = await api.kubectl(['apply', '-f', '-'], { stdin: manifest });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('service/backend configured\n');
    const after = await api.kubectl(['get', 'svc', 'backend', '-n', 'production', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[*].port}']);
    expect(after.stdout).toBe(`${before.stdout} 8443`);
    const again = await api.kubectl(['apply', '-f', '-'], { stdin: manifest });
    expect(again.stdout).toBe('service/backend unchanged\n');
  });

  it('get svc -w sees a change', async () => {
    const w = api.kubectlUntil(['get', 'svc', '-n', 'production', '-w', '--output-watch-events'], (out) => /MODIFIED\s+web\s/.test(out));
    // The watch starts after kubectl's initial list; keep changing until the event shows up.
    let n = 0;
    const poke = setInterval(() => {
      void api.kubectl(['label', 'svc', 'web', '-n', 'production', `poke=${n++}`, '--overwrite']);
    }, 1000);
    try {
      const out = await w.done;
      expect(out).toMatch(/ADDED\s+my-app\s/);
    } finally {
      clearInterval(poke);
      w.stop();
    }
  });

  it('server-side apply', async () => {
    const manifest = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: ssa, namespace: production, labels: {team: a}}',
      'spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: ssa}}',
      '',
    ].join('\n');
    const c = await api.kubectl(['apply', '--server-side', '-f', '-'], { stdin: manifest });
    expect(c.stdout).toBe('service/ssa serverside-applied\n');
    // A label set by someone else survives the next apply; the one the manager drops goes.
    await api.kubectl(['label', 'svc', 'ssa', '-n', 'production', 'owner=ops']);
    const second = manifest.replace('app: ssa', 'app: ssa2').replace(', labels: {team: a}', '');
    const u = await api.kubectl(['apply', '--server-side', '-f', '-'], { stdin: second });
    expect(u.stdout).toBe('service/ssa serverside-applied\n');
    const got = await api.kubectl(['get', 'svc', 'ssa', '-n', 'production', '-o', 'jsonpath={.spec.selector.app} {.metadata.labels}']);
    expect(got.stdout).toBe('ssa2 {"owner":"ops"}');
  });

  it('delete, then NotFound as kubectl prints it', async () => {
    const d = await api.kubectl(['delete', 'svc', 'backend', '-n', 'production']);
    expect(d.stdout).toBe('service "backend" deleted\n');
    const g = await api.kubectl(['get', 'svc', 'backend', '-n', 'production']);
    expect(g.code).not.toBe(0);
    expect(g.stderr).toBe('Error from server (NotFound): services "backend" not found\n');
  });

  it('explain service.spec.sessionAffinity', async () => {
    const r = await api.kubectl(['explain', 'service.spec.sessionAffinity']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^KIND:\s+Service$/m);
    expect(r.stdout).toMatch(/FIELD:\s+sessionAffinity/);
  });

  it('rejects invalid manifests with upstream messages', async () => {
    const unknown = 'apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: production}\nspec: {foo: bar, ports: [{port: 80}]}\n';
    const a = await api.kubectl(['create', '-f', '-'], { stdin: unknown });
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('Error from server (BadRequest)');
    expect(a.stderr).toContain('strict decoding error: unknown field "spec.foo"');

    const badIP = 'apiVersion: v1\nkind: Service\nmetadata: {name: badip, namespace: production}\nspec: {clusterIP: 10.1.0.5, ports: [{port: 80}]}\n';
    const b = await api.kubectl(['create', '-f', '-'], { stdin: badIP });
    expect(b.stderr).toBe(
      'The Service "badip" is invalid: spec.clusterIPs: Invalid value: ["10.1.0.5"]: failed to allocate IP 10.1.0.5: the provided IP (10.1.0.5) is not in the valid range. The range of valid IPs is 127.96.0.0/12\n',
    );

    const taken = 'apiVersion: v1\nkind: Service\nmetadata: {name: taken, namespace: production}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 31080}]}\n';
    const c = await api.kubectl(['create', '-f', '-'], { stdin: taken });
    expect(c.stderr).toBe(
      'The Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: 31080: provided port is already allocated\n',
    );

    const noNs = 'apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: nowhere}\nspec: {ports: [{port: 80}]}\n';
    const d = await api.kubectl(['create', '-f', '-'], { stdin: noNs });
    expect(d.stderr).toBe('Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n');
  });
});

describe('kubectl with --token-auth-file', () => {
  let api: ApiserverHandle;
  beforeAll(async () => {
    api = await startApiserver({ tokens: ['s3cret-token,admin,1,"system:masters"'] });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('refuses kubectl without a valid token, serves bearer requests', async () => {
    // NOTE: kubectl 1.32 does not send bearer tokens over plain http://, so only the refusal is
    // observable through it; the token path is checked with a plain HTTP client.
    const bad = await api.kubectl(['get', 'ns']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/the server has asked for the client to provide credentials|Unauthorized/);
    const ok = await fetch(`${api.url}/api/v1/namespaces/default`, { headers: { Authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${api.url}/api/v1/namespaces/default`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('replicas and restarts on one Redis + NATS', () => {
  let api: ApiserverHandle;
  beforeAll(async () => {
    api = await startApiserver();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('bootstraps once, shares allocations, and a watch on one replica sees writes through the other', async () => {
    const uidBefore = (await api.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const b = await api.startReplica();
    // Built-in state is not duplicated or replaced by the second replica.
    const uidAfter = (await b.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    expect(uidAfter).toBe(uidBefore);
    const ns = await b.kubectl(['get', 'ns', '-o', 'name']);
    expect(ns.stdout.trim().split('\n')).toHaveLength(4);

    // A watch served by replica B sees changes written through replica A (NATS fan-out).
    const manifest = (name: string, ip: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec: {clusterIP: ${ip}, ports: [{port: 80}]}\n`;
    const created = await api.kubectl(['create', '-f', '-'], { stdin: manifest('via-a', '127.96.0.20') });
    expect(created.stdout).toBe('service/via-a created\n');
    const w = api.kubectlUntil(['--server', b.url, 'get', 'svc', '-w', '--output-watch-events'], (out) => /MODIFIED\s+via-a\s/.test(out));
    let n = 0;
    const poke = setInterval(() => {
      void api.kubectl(['label', 'svc', 'via-a', `poke=${n++}`, '--overwrite']);
    }, 1000);
    try {
      await w.done;
    } finally {
      clearInterval(poke);
      w.stop();
    }
    // Allocations are shared: replica B cannot hand out the IP replica A allocated.
    const clash = await b.kubectl(['create', '-f', '-'], { stdin: manifest('via-b', '127.96.0.20') });
    expect(clash.stderr).toBe(
      'The Service "via-b" is invalid: spec.clusterIPs: Invalid value: ["127.96.0.20"]: failed to allocate IP 127.96.0.20: provided IP is already allocated\n',
    );
  });

  it('keeps state across a restart', async () => {
    const before = (await api.kubectl(['get', 'svc', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.uid} {end}'])).stdout;
    const r = await api.startReplica();
    // SIGTERM with an open watch: the process closes it and exits 0.
    const watch = await fetch(`${r.url}/api/v1/services?watch=true`);
    const reader = watch.body?.getReader();
    const first = (await reader?.read()) as { value?: Uint8Array } | undefined;
    expect(new TextDecoder().decode(first?.value)).toContain('"ADDED"');
    await r.process.stop(20_000);
    await reader?.cancel().catch(() => undefined);
    expect(r.process.child.exitCode).toBe(0);
    const c = await api.startReplica();
    const after = (await c.kubectl(['get', 'svc', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.uid} {end}'])).stdout;
    expect(after).toBe(before);
  });
});
