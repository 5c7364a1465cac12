// The local cluster's PKI: a CA and the apiserver's serving certificate, made once with openssl
// and kept in `.svclab/pki/`. kubectl sends bearer tokens only over HTTPS, hence TLS locally too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterPKI {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

/** Subject alternative names of the serving certificate: every name the apiserver is reached by. */
export const ApiserverSANs = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:apiserver',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed (is openssl installed? 'make deps'): ${stderr.trim()}`, { cause: err });
  }
}

/** Creates the CA and serving certificate under `dir` unless they exist; returns their paths. */
export function ensurePKI(dir: string): ClusterPKI {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(dir, f);
  const pki = { caCert: p('ca.crt'), serverCert: p('apiserver.crt'), serverKey: p('apiserver.key') };
  if (existsSync(pki.caCert) && existsSync(pki.serverCert) && existsSync(pki.serverKey)) return pki;
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', pki.caCert, '-days', '3650', '-subj', '/CN=svclab-ca']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', pki.serverKey, '-out', p('apiserver.csr'), '-subj', '/CN=kube-apiserver']);
  writeFileSync(p('apiserver.ext'), `subjectAltName=${ApiserverSANs.join(',')}\nextendedKeyUsage=serverAuth\n`);
  openssl([
    'x509', '-req', '-in', p('apiserver.csr'), '-CA', pki.caCert, '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', pki.serverCert, '-days', '3650', '-extfile', p('apiserver.ext'),
  ]);
  return pki;
}
