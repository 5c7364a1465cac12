import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigYaml } from './cluster-info.js';
import { ensurePKI } from './pki.js';

describe('local cluster PKI', () => {
  it('makes a CA and a serving certificate for 127.0.0.1 signed by it, once', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'svclab-pki-')), 'pki');
    const pki = ensurePKI(dir);
    const text = execFileSync('openssl', ['x509', '-in', pki.serverCert, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('DNS:kubernetes.default.svc.cluster.local');
    expect(execFileSync('openssl', ['verify', '-CAfile', pki.caCert, pki.serverCert], { encoding: 'utf8' })).toContain(': OK');
    const mtime = statSync(pki.serverCert).mtimeMs;
    ensurePKI(dir);
    expect(statSync(pki.serverCert).mtimeMs).toBe(mtime);
  });

  it('embeds the CA in the kubeconfig', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'svclab-pki-')), 'pki');
    const pki = ensurePKI(dir);
    const pem = readFileSync(pki.caCert, 'utf8');
    const y = kubeconfigYaml('https://127.0.0.1:6443', 't', pem);
    expect(y).toContain(`certificate-authority-data: ${Buffer.from(pem).toString('base64')}`);
  });
});
