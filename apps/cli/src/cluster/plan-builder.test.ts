import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigYaml } from './cluster-info.js';
import { buildPlan, localNodes } from './plan-builder.js';
import { parseUpArgs } from '../commands/up.js';

const cfg = {
  root: mkdtempSync(join(tmpdir(), 'svclab-root-')),
  dataDir: '/tmp/data',
  tokensFile: '/tmp/tokens.csv',
  nodes: 3,
  proxyMode: 'iptables' as const,
  ports: { nats: 14222, redis: 16379, apiserver: 6443, dns: 1053, dnsHttp: 19153, esc: 10257, cm: 10252 },
  token: 't0k',
};

describe('local cluster plan', () => {
  it('gives node N the address 127.0.1.N and the pod CIDR 127.244.N.0/24', () => {
    expect(localNodes(2)).toEqual([
      { name: 'node-1', ip: '127.0.1.1', podCIDR: '127.244.1.0/24' },
      { name: 'node-2', ip: '127.0.1.2', podCIDR: '127.244.2.0/24' },
    ]);
  });

  it('starts NATS with JetStream and Redis with an fsynced append-only file', () => {
    const plan = buildPlan(cfg, { nats: '/usr/sbin/nats-server', redis: '/usr/bin/redis-server' });
    const [nats, redis] = plan.components;
    expect(nats?.args).toEqual(expect.arrayContaining(['-js', '-p', '14222']));
    expect(redis?.args.join(' ')).toContain('--appendonly yes --appendfsync always');
  });

  it('leaves out apps that are not built', () => {
    const plan = buildPlan(cfg, { nats: 'n', redis: 'r' });
    expect(plan.components.map((c) => c.name)).toEqual(['nats', 'redis']);
  });

  it.each([
    { name: 'defaults', argv: [], want: { nodes: 3, proxyMode: 'iptables' } },
    { name: 'nodes and mode', argv: ['--nodes', '5', '--proxy-mode', 'ipvs'], want: { nodes: 5, proxyMode: 'ipvs' } },
    { name: 'min sync period', argv: ['--min-sync-period', '0'], want: { nodes: 3, proxyMode: 'iptables', minSyncPeriod: '0' } },
  ])('parses up arguments: $name', ({ argv, want }) => {
    expect(parseUpArgs(argv)).toEqual(want);
  });

  it.each([['--nodes', '0'], ['--nodes', 'x'], ['--bogus']])('rejects bad up arguments %j', (...argv) => {
    expect(() => parseUpArgs(argv)).toThrow();
  });

  it('plans the cloud-provider with the local LB pool once it is built', () => {
    const root = mkdtempSync(join(tmpdir(), 'svclab-root-'));
    mkdirSync(join(root, 'apps', 'cloud-provider', 'dist'), { recursive: true });
    writeFileSync(join(root, 'apps', 'cloud-provider', 'dist', 'main.js'), '');
    const plan = buildPlan({ ...cfg, root, ports: { ...cfg.ports, cloudProvider: 10300 } }, { nats: 'n', redis: 'r' });
    const cp = plan.components.find((c) => c.name === 'cloud-provider');
    expect(cp?.args.slice(1)).toEqual(['--lb-pool', '127.200.0.0/24', '--metrics-bind-address', '127.0.0.1:10300']);
    expect(cp?.ready).toBe('http://127.0.0.1:10300/readyz');
    expect(cp?.env['OTEL_SERVICE_NAME']).toBe('cloud-provider');
  });

  it('writes a kubeconfig carrying the token', () => {
    const y = kubeconfigYaml('http://127.0.0.1:6443', 'abc');
    expect(y).toContain('server: http://127.0.0.1:6443');
    expect(y).toContain('token: abc');
    expect(y).toContain('current-context: svclab');
  });
});
