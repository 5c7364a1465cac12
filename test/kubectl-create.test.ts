// E2E: kubectl's typed clients send `application/vnd.kubernetes.protobuf` bodies (create namespace,
// create service, create deployment, expose, scale); the apiserver decodes them and answers JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startApiserver, type ApiserverHandle } from './support/apiserver.js';

/** The e2e harness builds only when dist/main.js is missing; make sure dist has the protobuf decoder. */
function ensureProtobufBuilt(): void {
  if (!existsSync(join(repoRoot, 'apps/apiserver/dist/main.js'))) return; // startApiserver builds it all
  if (existsSync(join(repoRoot, 'apps/apiserver/dist/protobuf/decode.js'))) return;
  const r = spawnSync('npx', ['tsc', '-p', 'apps/apiserver/tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the apiserver failed:\n${r.stdout}\n${r.stderr}`);
}

describe('kubectl create with protobuf request bodies', () => {
  let api: ApiserverHandle;
  let dir: string;
  beforeAll(async () => {
    ensureProtobufBuilt();
    dir = mkdtempSync(join(tmpdir(), 'svclab-kubectl-create-'));
    api = await startApiserver();
  });
  afterAll(async () => {
    await api?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function getJSON(args: readonly string[]): Promise<Record<string, any>> {
    const r = await api.kubectl(['get', ...args, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, any>;
  }

  it('create namespace sends protobuf and succeeds', async () => {
    const r = await api.kubectl(['create', 'namespace', 'pb', '-v=8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('namespace/pb created');
    expect(r.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
    expect(r.stderr).toMatch(/Content-Type: application\/json/); // the answer stays JSON; client-go decodes it
    const ns = await getJSON(['namespace', 'pb']);
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb' }, status: { phase: 'Active' } });
  });

  it('create service clusterip', async () => {
    const r = await api.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'pb', '-v=8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('service/web created');
    const svc = await getJSON(['service', 'web', '-n', 'pb']);
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(svc.spec.clusterIP).toMatch(/^127\./);
    expect(svc.metadata.labels).toEqual({ app: 'web' });
  });

  it('create service nodeport', async () => {
    const r = await api.kubectl(['create', 'service', 'nodeport', 'np', '--tcp=81:8081', '--node-port=30081', '-n', 'pb']);
    expect(r.code, r.stderr).toBe(0);
    const svc = await getJSON(['service', 'np', '-n', 'pb']);
    expect(svc.spec).toMatchObject({ type: 'NodePort', ports: [{ port: 81, targetPort: 8081, nodePort: 30081, protocol: 'TCP' }] });
  });

  it('create deployment, expose it, and scale it', async () => {
    const c = await api.kubectl(['create', 'deployment', 'echo', '--image=svclab/echo', '--replicas=2', '--port=8080', '-n', 'pb', '-v=8']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('deployment.apps/echo created');
    const d = await getJSON(['deployment', 'echo', '-n', 'pb']);
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'echo' } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: { containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }] },
      },
    });

    const e = await api.kubectl(['expose', 'deployment', 'echo', '--port', '80', '--target-port', '8080', '-n', 'pb', '-v=8']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain('service/echo exposed');
    const svc = await getJSON(['service', 'echo', '-n', 'pb']);
    expect(svc.spec).toMatchObject({ selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });

    const s = await api.kubectl(['scale', 'deployment', 'echo', '--replicas=3', '-n', 'pb', '-v=8']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain('deployment.apps/echo scaled');
    expect((await getJSON(['deployment', 'echo', '-n', 'pb'])).spec.replicas).toBe(3);
  });

  it('delete still works after protobuf creates', async () => {
    const r = await api.kubectl(['delete', 'service', 'np', '-n', 'pb']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('service "np" deleted');
    const g = await api.kubectl(['get', 'service', 'np', '-n', 'pb']);
    expect(g.code).not.toBe(0);
    expect(g.stderr).toContain('NotFound');
  });

  it('create -f of a YAML file still works (JSON body)', async () => {
    const f = join(dir, 'svc.yaml');
    writeFileSync(
      f,
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: from-file, namespace: pb, labels: {tier: web}}',
        'spec:',
        '  selector: {app: echo}',
        '  ports: [{name: http, port: 81, targetPort: http}]',
        '',
      ].join('\n'),
    );
    const r = await api.kubectl(['create', '-f', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('service/from-file created');
    const svc = await getJSON(['service', 'from-file', '-n', 'pb']);
    expect(svc.metadata.labels).toEqual({ tier: 'web' });
    expect(svc.spec.ports).toMatchObject([{ name: 'http', port: 81, targetPort: 'http' }]);
  });
});
