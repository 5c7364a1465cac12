import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { pki } from './pki.js';

function capture(): Io & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) };
  return io;
}

describe('svclab pki', () => {
  it('writes the CA, certificate and key into --dir and prints their paths', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'svclab-pki-cmd-')), 'pki');
    const io = capture();
    expect(pki(['--dir', dir], io)).toBe(0);
    expect(io.out).toBe(`ca ${dir}/ca.crt\ncert ${dir}/apiserver.crt\nkey ${dir}/apiserver.key\n`);
    for (const f of ['ca.crt', 'apiserver.crt', 'apiserver.key']) expect(existsSync(join(dir, f))).toBe(true);
  });

  it('rejects a missing or extra argument with its usage', () => {
    for (const argv of [[], ['--dir'], ['--dir', ''], ['--dir', '/x', 'y']]) {
      const io = capture();
      expect(pki(argv, io)).toBe(2);
      expect(io.err).toBe('usage: svclab pki --dir DIR\n');
    }
  });
});
