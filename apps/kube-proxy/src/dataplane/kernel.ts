// The kernel data plane (--dataplane=kernel, needs NET_ADMIN): installs kube-proxy's jump rules
// once, then applies each sync's rendered ruleset with `iptables-restore --noflush` (the
// nf_tables backend here), in the current network namespace or in `netns`.
import { execFile, spawn } from 'node:child_process';
import type { Logger } from '@svclab/telemetry';
import type { Dataplane, DataplaneSnapshot } from './dataplane.js';

/** Upstream's iptablesJumpChains (+ kubelet's KUBE-FIREWALL): [table, chain, from, comment, extra args]. */
const jumpChains: readonly (readonly [string, string, string, string, readonly string[]])[] = [
  ['filter', 'KUBE-EXTERNAL-SERVICES', 'INPUT', 'kubernetes externally-visible service portals', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-EXTERNAL-SERVICES', 'FORWARD', 'kubernetes externally-visible service portals', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-NODEPORTS', 'INPUT', 'kubernetes health check service ports', []],
  ['filter', 'KUBE-SERVICES', 'FORWARD', 'kubernetes service portals', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-FORWARD', 'FORWARD', 'kubernetes forwarding rules', []],
  ['filter', 'KUBE-PROXY-FIREWALL', 'INPUT', 'kubernetes load balancer firewall', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-PROXY-FIREWALL', 'OUTPUT', 'kubernetes load balancer firewall', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['filter', 'KUBE-PROXY-FIREWALL', 'FORWARD', 'kubernetes load balancer firewall', ['-m', 'conntrack', '--ctstate', 'NEW']],
  ['nat', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', []],
  ['nat', 'KUBE-SERVICES', 'PREROUTING', 'kubernetes service portals', []],
  ['nat', 'KUBE-POSTROUTING', 'POSTROUTING', 'kubernetes postrouting rules', []],
];

export class IptablesRestoreError extends Error {
  override readonly name = 'IptablesRestoreError';
}

export function isIptablesRestoreError(err: unknown): err is IptablesRestoreError {
  return err instanceof Error && err.name === 'IptablesRestoreError';
}

export interface KernelDataplaneOptions {
  /** Run inside this network namespace (`ip netns exec NS …`); default: the current one. */
  readonly netns?: string;
  readonly logger: Logger;
}

/** Runs iptables commands; single event loop, one apply at a time (the proxier serialises syncs). */
export class KernelDataplane implements Dataplane {
  private jumpsInstalled = false;

  constructor(private readonly opts: KernelDataplaneOptions) {}

  private argv(cmd: string, args: readonly string[]): [string, string[]] {
    return this.opts.netns === undefined ? [cmd, [...args]] : ['ip', ['netns', 'exec', this.opts.netns, cmd, ...args]];
  }

  private run(cmd: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
    const [file, argv] = this.argv(cmd, args);
    return new Promise((resolve) => {
      execFile(file, argv, { timeout: 60_000 }, (err, _stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
        resolve({ code, stderr });
      });
    });
  }

  /**
   * Whether the kernel has nfacct (xt_nfacct), as upstream probes before writing `-m nfacct`:
   * restores a throwaway chain with an nfacct match.
   */
  async hasNfacct(): Promise<boolean> {
    const chain = 'KUBE-NFACCT-PROBE';
    try {
      await this.restore(`*filter\n:${chain} - [0:0]\n-A ${chain} -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j RETURN\n-X ${chain}\nCOMMIT\n`);
      return true;
    } catch {
      await this.restore(`*filter\n:${chain} - [0:0]\n-X ${chain}\nCOMMIT\n`).catch(() => undefined);
      return false;
    }
  }

  /** `iptables-restore --noflush` with `text` on stdin. */
  async restore(text: string): Promise<void> {
    const [file, argv] = this.argv('iptables-restore', ['--noflush', '--wait']);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(file, argv, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('error', (err) => { reject(new IptablesRestoreError(`iptables-restore: ${err.message}`, { cause: err })); });
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new IptablesRestoreError(`iptables-restore exited ${String(code)}: ${stderr.trim()}`));
      });
      child.stdin.end(text);
    });
  }

  /** Creates the KUBE-* chains jumped to from the built-in chains, and the jump rules. */
  async ensureJumps(): Promise<void> {
    for (const [table, chain, from, comment, extra] of jumpChains) {
      await this.run('iptables', ['-w', '-t', table, '-N', chain]); // exists → non-zero, fine
      const rule = [...extra, '-m', 'comment', '--comment', comment, '-j', chain];
      const check = await this.run('iptables', ['-w', '-t', table, '-C', from, ...rule]);
      if (check.code === 0) continue;
      const ins = await this.run('iptables', ['-w', '-t', table, '-I', from, ...rule]);
      if (ins.code !== 0) throw new IptablesRestoreError(`iptables -t ${table} -I ${from} -j ${chain}: ${ins.stderr.trim()}`);
    }
    this.jumpsInstalled = true;
  }

  async apply(snapshot: DataplaneSnapshot): Promise<void> {
    if (snapshot.mode === 'ipvs') throw new IptablesRestoreError('the kernel data plane supports --proxy-mode=iptables only (no IPVS in this kernel)');
    if (!this.jumpsInstalled) await this.ensureJumps();
    await this.restore(snapshot.restoreText);
    this.opts.logger.debug('iptables-restore applied', { full: snapshot.fullSync, bytes: snapshot.restoreText.length });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
