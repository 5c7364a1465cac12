// `svclab pki --dir DIR`: makes the cluster CA and the apiserver's serving certificate in DIR
// unless they exist (docker compose runs it once into a shared volume); prints their paths.
import { ensurePKI } from '../cluster/pki.js';
import type { Io } from '../io.js';

export function pki(argv: readonly string[], io: Io): number {
  const i = argv.indexOf('--dir');
  const dir = i < 0 ? undefined : argv[i + 1];
  if (dir === undefined || dir === '' || argv.length !== 2) {
    io.stderr('usage: svclab pki --dir DIR\n');
    return 2;
  }
  const made = ensurePKI(dir);
  io.stdout(`ca ${made.caCert}\ncert ${made.serverCert}\nkey ${made.serverKey}\n`);
  return 0;
}
