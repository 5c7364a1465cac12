// `svclab up`: starts the local cluster under a detached supervisor and returns once it is ready.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { kubeconfigYaml, type ClusterInfo } from '../cluster/cluster-info.js';
import { repoRoot, stateLayout } from '../cluster/layout.js';
import { buildPlan, localNodes } from '../cluster/plan-builder.js';
import { waitReady } from '../cluster/readiness.js';
import { findBinary } from '../cluster/binaries.js';
import { ensurePKI } from '../cluster/pki.js';
import { supervisorAlive } from './down.js';
import type { Io } from '../io.js';

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => { resolve(false); });
    s.listen(port, '127.0.0.1', () => s.close(() => { resolve(true); }));
  });
}

async function pickPort(preferred: number): Promise<number> {
  if (await portFree(preferred)) return preferred;
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => { resolve(typeof a === 'object' && a !== null ? a.port : 0); });
    });
  });
}

/** The host's first nameserver (resolv.conf), where the cluster DNS forwards other names; '' disables. */
function hostNameserver(): string | undefined {
  try {
    const m = /^nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'));
    return m?.[1] === undefined ? undefined : `${m[1]}:53`;
  } catch {
    return undefined;
  }
}

export interface UpOptions {
  nodes: number;
  proxyMode: 'iptables' | 'ipvs';
  /** kube-proxy's --min-sync-period (Go duration, e.g. `0`, `1s`); kube-proxy's default when unset. */
  minSyncPeriod?: string;
}

export function parseUpArgs(argv: readonly string[]): UpOptions {
  const o: UpOptions = { nodes: 3, proxyMode: 'iptables' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--nodes' && v !== undefined) {
      o.nodes = Number(v);
      i++;
      if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 254) throw new Error(`--nodes must be 1..254, got ${v}`);
    } else if (a === '--proxy-mode' && (v === 'iptables' || v === 'ipvs')) {
      o.proxyMode = v;
      i++;
    } else if (a === '--min-sync-period' && v !== undefined && /^(\d+(\.\d+)?(ms|s|m)?)+$/.test(v)) {
      o.minSyncPeriod = v;
      i++;
    } else {
      throw new Error(`unknown argument ${a ?? ''} (usage: svclab up [--nodes N] [--proxy-mode iptables|ipvs] [--min-sync-period D])`);
    }
  }
  return o;
}

export async function up(argv: readonly string[], io: Io): Promise<number> {
  const opts = parseUpArgs(argv);
  const layout = stateLayout();
  if (supervisorAlive(layout)) {
    io.stdout(`svclab: a cluster is already running (state in ${layout.dir}); 'svclab down' stops it\n`);
    return 0;
  }
  for (const d of [layout.dir, layout.logs, join(layout.data, 'nats'), join(layout.data, 'redis')]) mkdirSync(d, { recursive: true });

  // Keep the token across restarts so existing kubeconfigs keep working.
  let token = existsSync(layout.tokens) ? (readFileSync(layout.tokens, 'utf8').split(',')[0] ?? '') : '';
  if (token === '') token = randomBytes(24).toString('hex');
  writeFileSync(layout.tokens, `${token},svclab-admin,svclab-admin,"system:masters"\n`, { mode: 0o600 });

  const ports = {
    nats: await pickPort(14222),
    redis: await pickPort(16379),
    apiserver: await pickPort(6443),
    dns: await pickPort(1053),
    dnsHttp: await pickPort(19153),
    esc: await pickPort(10257),
    cm: await pickPort(10252),
    cloudProvider: await pickPort(10258),
  };
  // Never forward beyond loopback under CI: tests must only reach addresses they own.
  const envUpstream = process.env['SVCLAB_DNS_UPSTREAM'];
  const dnsUpstream =
    envUpstream !== undefined ? (envUpstream === '' ? undefined : envUpstream) : process.env['CI'] === 'true' ? undefined : hostNameserver();
  const pki = ensurePKI(join(layout.dir, 'pki'));
  const plan = buildPlan(
    { root: repoRoot(), dataDir: layout.data, tokensFile: layout.tokens, nodes: opts.nodes, proxyMode: opts.proxyMode, ports, token, pki, ...(opts.minSyncPeriod === undefined ? {} : { minSyncPeriod: opts.minSyncPeriod }), ...(dnsUpstream === undefined ? {} : { dnsUpstream }) },
    { nats: findBinary('nats-server'), redis: findBinary('redis-server') },
  );
  writeFileSync(layout.plan, JSON.stringify(plan, null, 2));

  const apiserver = `https://127.0.0.1:${ports.apiserver}`;
  writeFileSync(layout.kubeconfig, kubeconfigYaml(apiserver, token, readFileSync(pki.caCert, 'utf8')), { mode: 0o600 });
  const names = new Set(plan.components.map((c) => c.name));
  const info: ClusterInfo = {
    kubeconfig: layout.kubeconfig,
    apiserver,
    dns: names.has('dns') ? `127.0.0.1:${ports.dns}` : null,
    nodes: localNodes(opts.nodes).map((n) => ({
      name: n.name,
      ip: n.ip,
      proxy: names.has(`kube-proxy-${n.name}`) ? `${n.ip}:1080` : null,
    })),
    jaeger: null,
    nats: `nats://127.0.0.1:${ports.nats}`,
    redis: `redis://127.0.0.1:${ports.redis}`,
  };
  writeFileSync(layout.clusterJson, JSON.stringify(info, null, 2));

  const out = openSync(join(layout.logs, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'main.js'), 'supervise'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, SVCLAB_HOME: layout.dir },
  });
  child.unref();
  writeFileSync(layout.supervisorPid, String(child.pid));

  io.stdout(`svclab: starting ${plan.components.length} components (logs in ${layout.logs})\n`);
  for (const c of plan.components) {
    const ok = await waitReady(c.ready, 90_000, c.readyCA === undefined ? {} : { ca: c.readyCA });
    io.stdout(`  ${ok ? 'ready  ' : 'NOT READY'} ${c.name}\n`);
    if (!ok) {
      io.stderr(`svclab: ${c.name} did not become ready; see ${join(layout.logs, `${c.name}.log`)}\n`);
      return 1;
    }
  }
  io.stdout(
    [
      '',
      `svclab: cluster is up.`,
      `  export KUBECONFIG=${layout.kubeconfig}`,
      `  kubectl get svc -A`,
      `  apiserver ${apiserver}   nats ${info.nats}   redis ${info.redis}`,
      `  cluster.json: ${layout.clusterJson}`,
      `  'make down' (or 'svclab down') stops it.`,
      '',
    ].join('\n'),
  );
  return 0;
}
