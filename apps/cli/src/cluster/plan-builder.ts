// Builds the local cluster's Plan (DESIGN.md "Addresses", local mode): every address is loopback.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentSpec, Plan } from './plan.js';

export interface LocalClusterConfig {
  readonly root: string;
  readonly dataDir: string;
  readonly tokensFile: string;
  readonly nodes: number;
  readonly proxyMode: 'iptables' | 'ipvs';
  /** kube-proxy --min-sync-period; its default (1s) when unset. */
  readonly minSyncPeriod?: string;
  readonly ports: {
    readonly nats: number;
    readonly redis: number;
    readonly apiserver: number;
    readonly dns: number;
    readonly dnsHttp: number;
    readonly esc: number;
    readonly cm: number;
    /** cloud-provider /healthz /readyz /metrics; default 10258 (upstream cloud-controller-manager). */
    readonly cloudProvider?: number;
  };
  /** host:port the cluster DNS forwards other names to; none when undefined. */
  readonly dnsUpstream?: string;
  readonly token: string;
  readonly otlpEndpoint?: string;
  /** Serve the apiserver over HTTPS with these files; every client trusts `caCert`. */
  readonly pki?: { readonly caCert: string; readonly serverCert: string; readonly serverKey: string };
}

/** DESIGN.md "Addresses": the LoadBalancer pool of local mode. */
export const LocalLoadBalancerPool = '127.200.0.0/24';

export interface LocalNode {
  readonly name: string;
  readonly ip: string;
  readonly podCIDR: string;
}

export function localNodes(n: number): LocalNode[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `node-${i + 1}`,
    ip: `127.0.1.${i + 1}`,
    podCIDR: `127.244.${i + 1}.0/24`,
  }));
}

/** `node apps/<app>/dist/main.js`, or undefined when that app is not built (not part of this cluster yet). */
function appMain(root: string, app: string): string | undefined {
  const p = join(root, 'apps', app, 'dist', 'main.js');
  return existsSync(p) ? p : undefined;
}

export function buildPlan(cfg: LocalClusterConfig, binaries: { nats: string; redis: string }): Plan {
  const apiserverURL = `${cfg.pki === undefined ? 'http' : 'https'}://127.0.0.1:${cfg.ports.apiserver}`;
  const common: Record<string, string> = {
    NATS_URL: `nats://127.0.0.1:${cfg.ports.nats}`,
    APISERVER_URL: apiserverURL,
    SVCLAB_TOKEN: cfg.token,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
    ...(cfg.pki === undefined ? {} : { NODE_EXTRA_CA_CERTS: cfg.pki.caCert }),
    ...(cfg.otlpEndpoint === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: cfg.otlpEndpoint }),
  };
  const components: ComponentSpec[] = [
    {
      name: 'nats',
      command: binaries.nats,
      args: ['-a', '127.0.0.1', '-p', String(cfg.ports.nats), '-js', '-sd', join(cfg.dataDir, 'nats')],
      env: {},
      ready: `tcp://127.0.0.1:${cfg.ports.nats}`,
    },
    {
      name: 'redis',
      command: binaries.redis,
      args: [
        '--port', String(cfg.ports.redis), '--bind', '127.0.0.1', '--dir', join(cfg.dataDir, 'redis'),
        '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no',
      ],
      env: {},
      ready: `tcp://127.0.0.1:${cfg.ports.redis}`,
    },
  ];
  const app = (name: string, spec: Omit<ComponentSpec, 'command'> & { app: string }): void => {
    const main = appMain(cfg.root, spec.app);
    if (main === undefined) return;
    components.push({ name, command: process.execPath, args: [main, ...spec.args], env: { ...common, ...spec.env, OTEL_SERVICE_NAME: name }, ready: spec.ready, ...(spec.readyCA === undefined ? {} : { readyCA: spec.readyCA }) });
  };
  app('apiserver', {
    name: 'apiserver',
    app: 'apiserver',
    args: [
      '--bind-address', '127.0.0.1', '--secure-port', String(cfg.ports.apiserver),
      '--service-cluster-ip-range', '127.96.0.0/12', '--service-node-port-range', '30000-32767',
      '--token-auth-file', cfg.tokensFile,
      ...(cfg.pki === undefined ? [] : ['--tls-cert-file', cfg.pki.serverCert, '--tls-private-key-file', cfg.pki.serverKey]),
    ],
    env: { REDIS_URL: `redis://127.0.0.1:${cfg.ports.redis}` },
    ready: `${apiserverURL}/readyz`,
    ...(cfg.pki === undefined ? {} : { readyCA: cfg.pki.caCert }),
  });
  app('endpointslice-controller', {
    name: 'endpointslice-controller',
    app: 'endpointslice-controller',
    args: ['--metrics-bind-address', `127.0.0.1:${cfg.ports.esc}`],
    env: {},
    ready: `http://127.0.0.1:${cfg.ports.esc}/readyz`,
  });
  const upstream = cfg.dnsUpstream === undefined ? [] : ['--upstream', cfg.dnsUpstream];
  app('dns', {
    name: 'dns',
    app: 'dns',
    args: ['--dns-address', `127.0.0.1:${cfg.ports.dns}`, '--http-address', `127.0.0.1:${cfg.ports.dnsHttp}`, ...upstream],
    env: {},
    ready: `http://127.0.0.1:${cfg.ports.dnsHttp}/ready`,
  });
  app('controller-manager', {
    name: 'controller-manager',
    app: 'controller-manager',
    args: ['--bind-address', `127.0.0.1:${cfg.ports.cm}`],
    env: {},
    ready: `http://127.0.0.1:${cfg.ports.cm}/healthz`,
  });
  const cpPort = cfg.ports.cloudProvider ?? 10258;
  app('cloud-provider', {
    name: 'cloud-provider',
    app: 'cloud-provider',
    args: ['--lb-pool', LocalLoadBalancerPool, '--metrics-bind-address', `127.0.0.1:${cpPort}`],
    env: {},
    ready: `http://127.0.0.1:${cpPort}/readyz`,
  });
  for (const n of localNodes(cfg.nodes)) {
    const nodeEnv = { NODE_NAME: n.name, NODE_IP: n.ip };
    app(`node-agent-${n.name}`, {
      name: `node-agent-${n.name}`,
      app: 'node-agent',
      args: ['--pod-cidr', n.podCIDR, '--healthz-bind-address', `${n.ip}:10248`],
      env: nodeEnv,
      ready: `http://${n.ip}:10248/readyz`,
    });
    app(`kube-proxy-${n.name}`, {
      name: `kube-proxy-${n.name}`,
      app: 'kube-proxy',
      args: [
        ...(cfg.minSyncPeriod === undefined ? [] : ['--min-sync-period', cfg.minSyncPeriod]),
        '--proxy-mode', cfg.proxyMode, '--healthz-bind-address', `${n.ip}:10256`, '--metrics-bind-address', `${n.ip}:10249`,
        '--cluster-dns', `127.0.0.1:${cfg.ports.dns}`, '--cluster-cidr', '127.244.0.0/16',
      ],
      env: nodeEnv,
      ready: `http://${n.ip}:10256/healthz`,
    });
  }
  return { components };
}
