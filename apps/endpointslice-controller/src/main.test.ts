import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('main (process)', () => {
  it.each([
    {
      name: 'max-endpoints-per-slice too small',
      args: ['--max-endpoints-per-slice=0'],
      err: 'Error: max-endpoints-per-slice must not be less than 1, but got 0',
    },
    {
      name: 'max-endpoints-per-slice too large',
      args: ['--max-endpoints-per-slice=1001'],
      err: 'Error: max-endpoints-per-slice must not be more than 1000, but got 1001',
    },
    { name: 'unknown flag', args: ['--bogus'], err: 'Error: unknown flag: --bogus' },
  ])('$name → exit 2 with a clear error', ({ args, err }) => {
    const r = spawnSync(
      process.execPath,
      ['--conditions=@svclab/source', '--import', 'tsx', mainPath, ...args],
      {
        env: {
          ...process.env,
          APISERVER_URL: 'http://127.0.0.1:1',
          NATS_URL: 'nats://127.0.0.1:1',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(err);
  });
});
