import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Finds a server binary on PATH or in the sbin folders Debian uses; throws a clear error. */
export function findBinary(name: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) {
    if (d !== '' && existsSync(join(d, name))) return join(d, name);
  }
  throw new Error(`${name} not found; run 'make deps' (apt-get install ${name})`);
}
