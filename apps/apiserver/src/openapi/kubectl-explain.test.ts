// Runs the REAL kubectl (v1.32) against a minimal express app that serves only discovery and our
// OpenAPI documents: `kubectl explain` must find and print the field docs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllResources, groupVersion } from '@svclab/api';
import { openapiHandler } from './index.js';

const KUBECTL = '/usr/bin/kubectl';

/** Legacy (non-aggregated) discovery for our resources, enough for kubectl's RESTMapper. */
function discoveryApp(): express.Express {
  const app = express();
  const gvs = [...new Set(AllResources.map((r) => groupVersion(r)))];
  const resourceList = (gv: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: AllResources.filter((r) => groupVersion(r) === gv).map((r) => ({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: r.shortNames,
    })),
  });
  app.use(openapiHandler);
  app.get('/version', (_req, res) => {
    res.json({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
  });
  app.get('/api', (_req, res) => {
    res.json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  });
  app.get('/api/v1', (_req, res) => {
    res.json(resourceList('v1'));
  });
  app.get('/apis', (_req, res) => {
    res.json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: gvs
        .filter((gv) => gv.includes('/'))
        .map((gv) => {
          const [group = '', version = ''] = gv.split('/');
          const v = { groupVersion: gv, version };
          return { name: group, versions: [v], preferredVersion: v };
        }),
    });
  });
  app.get('/apis/:group/:version', (req, res) => {
    res.json(resourceList(`${req.params.group}/${req.params.version}`));
  });
  app.use((_req, res) => {
    res
      .status(404)
      .json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  return app;
}

function kubectl(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('kubectl explain against our OpenAPI v3', () => {
  let server: Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = discoveryApp().listen(0, '127.0.0.1', () => {
        resolve(s);
      });
    });
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'svclab-explain-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: t, cluster: {server: "http://127.0.0.1:' + String(port) + '"}}]',
        'users: [{name: t, user: {token: t}}]',
        'contexts: [{name: t, context: {cluster: t, user: t}}]',
        'current-context: t',
        '',
      ].join('\n'),
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

  it.each([
    {
      name: 'service.spec.sessionAffinity',
      field: 'service.spec.sessionAffinity',
      expected: [
        'KIND:       Service',
        'VERSION:    v1',
        'FIELD: sessionAffinity <string>',
        'pins connections from the same source address',
        'ClientIP',
        'None',
      ],
    },
    {
      name: 'service.spec.ports (list of definitions)',
      field: 'service.spec.ports',
      expected: ['FIELD: ports <[]ServicePort>', 'Ports the service exposes.', 'targetPort\t<'],
    },
    {
      name: 'endpointslice.endpoints.conditions',
      field: 'endpointslices.endpoints.conditions',
      expected: ['GROUP:      discovery.k8s.io', 'KIND:       EndpointSlice', 'ready\t<boolean>'],
    },
    {
      name: 'pod.spec.containers.env.valueFrom.fieldRef (deep refs)',
      field: 'pod.spec.containers.env.valueFrom.fieldRef',
      expected: ['FIELD: fieldRef <ObjectFieldSelector>', 'fieldPath <string> -required-'],
    },
    {
      name: 'deployment.spec.strategy',
      field: 'deployment.spec.strategy',
      expected: [
        'GROUP:      apps',
        'FIELD: strategy <DeploymentStrategy>',
        'rollingUpdate\t<RollingUpdateDeployment>',
      ],
    },
  ])('$name', async ({ field, expected }) => {
    const out = await kubectl(['explain', field], env);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    // kubectl wraps descriptions at 80 columns: compare with whitespace collapsed.
    const flat = out.stdout.replace(/\s+/g, ' ');
    for (const e of expected) expect(flat).toContain(e.replace(/\s+/g, ' '));
  });
});
