// `svclab proxy-rules …`: offline rendering of kube-proxy rules from a file (@svclab/proxy-rules).
import { readFile } from 'node:fs/promises';
import { proxyRulesCommand } from '@svclab/proxy-rules';
import type { Io } from '../io.js';

export function proxyRules(argv: readonly string[], io: Io): Promise<number> {
  return proxyRulesCommand([...argv], { stdout: (s) => { io.stdout(s); }, stderr: (s) => { io.stderr(s); }, readFile: (p) => readFile(p, 'utf8') });
}
