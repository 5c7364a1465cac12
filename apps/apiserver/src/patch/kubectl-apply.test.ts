// Runs the REAL kubectl (v1.32) `apply` against a minimal express app that serves discovery, our
// OpenAPI documents and a tiny in-memory Service store whose PATCH uses our strategic merge patch
// and whose writes use our strict field check. kubectl computes the three-way patch from our
// OpenAPI v3 (merge keys, patch strategies), so this checks both ends of client-side apply.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllResources, groupVersion, type ResourceInfo } from '@svclab/api';
import { newNotFound, statusOf } from '@svclab/apimachinery';
import { newStrictDecodingError, openapiHandler, unknownFields } from '../openapi/index.js';
import { applyJsonMergePatch, applyJsonPatch, applyStrategicMergePatch } from './index.js';

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

interface Recorded {
  method: string;
  contentType: string;
  query: Record<string, unknown>;
  body: unknown;
}

/** A route parameter as a string ('' when absent). */
function param(req: express.Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

/** Legacy discovery for the core and apps resources of the register. */
function resourceList(gv: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: AllResources.filter((r) => groupVersion(r) === gv).map((r) => ({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['create', 'get', 'list', 'patch', 'update'],
      shortNames: r.shortNames,
    })),
  };
}

function fakeServer(store: Map<string, Obj>, log: Recorded[]): express.Express {
  const app = express();
  app.use((req, _res, next) => {
    if (req.path.startsWith('/openapi/'))
      log.push({ method: req.method, contentType: '', query: { path: req.path }, body: undefined });
    next();
  });
  app.use(openapiHandler);
  app.use(express.json({ type: (req) => (req.headers['content-type'] ?? '').includes('json') }));
  app.get('/api', (_req, res) => {
    res.json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  });
  app.get('/apis', (_req, res) => {
    const v = { groupVersion: 'apps/v1', version: 'v1' };
    res.json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [{ name: 'apps', versions: [v], preferredVersion: v }],
    });
  });
  app.get('/api/v1', (_req, res) => {
    res.json(resourceList('v1'));
  });
  app.get('/apis/apps/v1', (_req, res) => {
    res.json(resourceList('apps/v1'));
  });
  let rv = 1;
  const fail = (res: express.Response, err: unknown) => {
    const s = statusOf(err);
    res.status(s?.code ?? 500).json(s ?? { message: String(err) });
  };
  const infoOf = (req: express.Request): ResourceInfo => {
    const p = req.params as Record<string, string | undefined>;
    const group = p['group'] ?? '';
    const info = AllResources.find((r) => r.group === group && r.resource === p['resource']);
    if (info === undefined) throw newNotFound({ group, resource: p['resource'] ?? '' }, '');
    return info;
  };
  const strict = (req: express.Request, info: ResourceInfo, obj: Obj) => {
    if (req.query['fieldValidation'] !== 'Strict') return;
    const unknown = unknownFields(groupVersion(info), info.kind, obj);
    if (unknown.length > 0) throw newStrictDecodingError(groupVersion(info), info.kind, unknown);
  };
  app.use((req, _res, next) => {
    if (/^\/apis?\/.*\/namespaces\//.test(req.path)) {
      log.push({
        method: req.method,
        contentType: req.headers['content-type'] ?? '',
        query: { ...req.query },
        body: req.body as unknown,
      });
    }
    next();
  });
  const collection = [
    '/api/v1/namespaces/:ns/:resource',
    '/apis/:group/:version/namespaces/:ns/:resource',
  ];
  const item = collection.map((c) => `${c}/:name`);
  app.get(item, (req, res) => {
    try {
      const info = infoOf(req);
      const obj = store.get(`${info.resource}/${param(req, 'ns')}/${param(req, 'name')}`);
      if (obj === undefined) throw newNotFound(info, param(req, 'name'));
      res.json(obj);
    } catch (e) {
      fail(res, e);
    }
  });
  app.post(collection, (req, res) => {
    try {
      const info = infoOf(req);
      const obj = structuredClone(req.body as Obj);
      strict(req, info, obj);
      obj.metadata = {
        ...obj.metadata,
        namespace: param(req, 'ns'),
        resourceVersion: String(rv++),
        uid: `u-${String(rv)}`,
      };
      store.set(`${info.resource}/${param(req, 'ns')}/${String(obj.metadata['name'])}`, obj);
      res.status(201).json(obj);
    } catch (e) {
      fail(res, e);
    }
  });
  app.patch(item, (req, res) => {
    try {
      const info = infoOf(req);
      const key = `${info.resource}/${param(req, 'ns')}/${param(req, 'name')}`;
      const cur = store.get(key);
      if (cur === undefined) throw newNotFound(info, param(req, 'name'));
      const ct = req.headers['content-type'] ?? '';
      const next = (
        ct.startsWith('application/strategic-merge-patch+json')
          ? applyStrategicMergePatch(cur, req.body, groupVersion(info), info.kind)
          : ct.startsWith('application/merge-patch+json')
            ? applyJsonMergePatch(cur, req.body)
            : applyJsonPatch(cur, req.body)
      ) as Obj;
      strict(req, info, next);
      next.metadata = { ...next.metadata, resourceVersion: String(rv++) };
      store.set(key, next);
      res.json(next);
    } catch (e) {
      fail(res, e);
    }
  });
  return app;
}

function kubectl(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/kubectl', args, { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({
        code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
        stdout,
        stderr,
      });
    });
  });
}

const manifest = (extra: string) =>
  `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
${extra}`;

describe('kubectl apply (client-side) against our OpenAPI and strategic merge patch', () => {
  const store = new Map<string, Obj>();
  const log: Recorded[] = [];
  let server: Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = fakeServer(store, log).listen(0, '127.0.0.1', () => {
        resolve(s);
      });
    });
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'svclab-apply-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "http://127.0.0.1:${String(port)}"}}]
users: [{name: t, user: {token: t}}]
contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]
current-context: t
`,
    );
    env = {
      PATH: process.env['PATH'] ?? '/usr/bin',
      HOME: dir,
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(dir, 'cache'),
    };
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, then patches with a strategic merge patch computed from our OpenAPI v3', async () => {
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, manifest(''));
    const created = await kubectl(['apply', '-f', file], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('service/web created');
    expect(log.find((r) => r.method === 'POST')?.query['fieldValidation']).toBe('Strict');

    // A server-side change that apply must preserve (not in last-applied).
    const live = store.get('services/default/web');
    (live?.['spec'] as Record<string, unknown>)['clusterIP'] = '10.96.0.10';

    writeFileSync(
      file,
      manifest(`  - name: metrics
    port: 9090
  sessionAffinity: ClientIP
`).replace('    app: web\nspec', '    app: web\n    tier: frontend\nspec'),
    );
    const applied = await kubectl(['apply', '-f', file], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('service/web configured');

    // kubectl read the group-version document of our OpenAPI v3 to build the patch.
    expect(log.some((r) => r.query['path'] === '/openapi/v3/api/v1')).toBe(true);
    const patch = log.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.contentType).toContain('application/strategic-merge-patch+json');
    expect(patch?.query['fieldValidation']).toBe('Strict');
    // kubectl only knows to send $setElementOrder for ports from our x-kubernetes-patch-merge-key.
    expect(JSON.stringify(patch?.body)).toContain('$setElementOrder/ports');

    const spec = store.get('services/default/web')?.['spec'] as Record<string, unknown>;
    expect(spec['ports']).toEqual([
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'metrics', port: 9090 },
    ]);
    expect(spec['sessionAffinity']).toBe('ClientIP');
    expect(spec['clusterIP']).toBe('10.96.0.10');
    expect(store.get('services/default/web')?.metadata?.['labels']).toEqual({
      app: 'web',
      tier: 'frontend',
    });
  });

  it('removes a port dropped from the manifest', async () => {
    const file = join(dir, 'svc.yaml');
    writeFileSync(
      file,
      manifest('  sessionAffinity: ClientIP\n').replace(
        '    app: web\nspec',
        '    app: web\n    tier: frontend\nspec',
      ),
    );
    const applied = await kubectl(['apply', '-f', file], env);
    expect(applied.stderr).toBe('');
    const spec = store.get('services/default/web')?.['spec'] as Record<string, unknown>;
    expect(spec['ports']).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
  });

  it('shows the strict decoding error for an unknown field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, manifest('  sessionAffinty: ClientIP\n').replace('name: web', 'name: bad'));
    const out = await kubectl(['apply', '-f', file], env);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('strict decoding error: unknown field "spec.sessionAffinty"');
  });

  it('kubectl patch --type=json with a failing test op reports the rejection', async () => {
    const out = await kubectl(
      [
        'patch',
        'svc',
        'web',
        '--type=json',
        '-p',
        '[{"op":"test","path":"/spec/type","value":"NodePort"}]',
      ],
      env,
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('The request is invalid');
    expect(out.stderr).toContain('testing value /spec/type failed');
  });

  it('applies a Deployment: containers and env merge by name, strategy switch uses $retainKeys', async () => {
    const deployment = (container: string, strategy: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
${strategy}  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
${container}`;
    const file = join(dir, 'deploy.yaml');
    writeFileSync(
      file,
      deployment(
        `      - name: app
        image: echo:1
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
`,
        '  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1}\n',
      ),
    );
    const created = await kubectl(['apply', '-f', file], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('deployment.apps/api created');

    // A sidecar injected by someone else must survive the next apply.
    const live = store.get('deployments/default/api') as Obj;
    const podSpec = ((live['spec'] as Obj)['template'] as Obj)['spec'] as { containers: Obj[] };
    podSpec.containers.push({ name: 'sidecar', image: 'proxy' });

    writeFileSync(
      file,
      deployment(
        `      - name: app
        image: echo:2
        env:
        - {name: B, value: "3"}
        - {name: C, value: "4"}
`,
        '  strategy:\n    type: Recreate\n',
      ),
    );
    const applied = await kubectl(['apply', '-f', file], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('deployment.apps/api configured');
    expect(log.some((r) => r.query['path'] === '/openapi/v3/apis/apps/v1')).toBe(true);
    const patch = log.filter((r) => r.method === 'PATCH').at(-1);
    expect(JSON.stringify(patch?.body)).toContain('$retainKeys');

    const spec = store.get('deployments/default/api')?.['spec'] as Obj;
    expect(spec['strategy']).toEqual({ type: 'Recreate' });
    const containers = ((spec['template'] as Obj)['spec'] as { containers: Obj[] }).containers;
    expect(containers).toEqual([
      {
        name: 'app',
        image: 'echo:2',
        env: [
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ],
      },
      { name: 'sidecar', image: 'proxy' },
    ]);
  });
});
