// Real kubectl against the apiserver app (MemoryStorage): validation errors reach the user in
// upstream's wording (`The Service "web" is invalid: …`, reference §1.8).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../http/test-server.js';

const kubectl = '/usr/bin/kubectl';
let server: Server;
let base = '';
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svclab-kubectl-invalid-'));
  writeFileSync(join(dir, 'config'), '');
  const { app } = await testServer();
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  rmSync(dir, { recursive: true, force: true });
});

function run(
  args: string[],
  stdin: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectl,
      ['--server', base, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { ...process.env, KUBECONFIG: join(dir, 'config') }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe.skipIf(!existsSync(kubectl))('kubectl shows validation errors as upstream does', () => {
  it.each([
    {
      name: 'one cause',
      manifest:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - name: a\n    port: 80\n  - port: 81\n',
      want: 'The Service "web" is invalid: spec.ports[1].name: Required value\n',
    },
    {
      name: 'several causes',
      manifest:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 0\n  - port: 81\n',
      want: [
        'The Service "web" is invalid: ',
        '* spec.ports[0].name: Required value',
        '* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        '* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
        '* spec.ports[1].name: Required value',
        '',
      ].join('\n'),
    },
    {
      name: 'DNS-1035 name',
      manifest:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: 1ab\nspec:\n  ports:\n  - port: 80\n',
      want: `The Service "1ab" is invalid: metadata.name: Invalid value: "1ab": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n`,
    },
  ])('$name', async ({ manifest, want }) => {
    const r = await run(['create', '-n', 'default', '-f', '-'], manifest);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(want);
  });
});
