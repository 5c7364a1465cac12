import { describe, expect, it } from 'vitest';
import { isConfigError, parseConfig, parseDuration } from './options.js';

const env = { NODE_NAME: 'node-1', NODE_IP: '127.0.1.1', APISERVER_URL: 'http://127.0.0.1:6443', NATS_URL: 'nats://127.0.0.1:4222' };

describe('parseDuration', () => {
  it.each([
    { name: 'seconds', s: '1s', ms: 1000 },
    { name: 'milliseconds', s: '250ms', ms: 250 },
    { name: 'minutes and seconds', s: '1m30s', ms: 90_000 },
    { name: 'hours', s: '2h', ms: 7_200_000 },
    { name: 'bare number is seconds', s: '30', ms: 30_000 },
  ])('$name', ({ s, ms }) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it.each(['', '1x', 's', '1s2'])('rejects %j', (s) => {
    expect(() => parseDuration(s)).toThrow(/invalid duration/);
  });
});

describe('parseConfig', () => {
  it('defaults as upstream (and svclab) set them', () => {
    expect(parseConfig([], env)).toMatchObject({
      nodeName: 'node-1',
      nodeIP: '127.0.1.1',
      proxyMode: 'iptables',
      minSyncPeriodMs: 1000,
      syncPeriodMs: 30_000,
      ipvsScheduler: 'rr',
      healthzBindAddress: '127.0.1.1:10256',
      dataplane: 'userspace',
      nodeEntryPort: 1080,
      clusterDomain: 'cluster.local',
      clusterDNS: undefined,
    });
  });

  it.each([
    { name: '--flag=value', argv: ['--proxy-mode=ipvs', '--ipvs-scheduler=wlc'], want: { proxyMode: 'ipvs', ipvsScheduler: 'wlc' } },
    { name: '--flag value', argv: ['--min-sync-period', '200ms', '--sync-period', '10s'], want: { minSyncPeriodMs: 200, syncPeriodMs: 10_000 } },
    { name: 'data plane flags', argv: ['--dataplane=kernel', '--node-entry-port=1081', '--cluster-dns=127.0.0.53:53'], want: { dataplane: 'kernel', nodeEntryPort: 1081, clusterDNS: '127.0.0.53:53' } },
    { name: 'cluster CIDR and conntrack', argv: ['--cluster-cidr=127.244.0.0/16', '--conntrack-max=10'], want: { clusterCIDR: '127.244.0.0/16', conntrackMax: 10 } },
  ])('$name', ({ argv, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it.each([
    { name: 'bad proxy mode', argv: ['--proxy-mode=nftables'], env, msg: /invalid --proxy-mode/ },
    { name: 'bad scheduler', argv: ['--ipvs-scheduler=xx'], env, msg: /invalid --ipvs-scheduler/ },
    { name: 'unknown flag', argv: ['--nope=1'], env, msg: /unknown flag/ },
    { name: 'missing value', argv: ['--proxy-mode'], env, msg: /needs an argument/ },
    { name: 'min above max', argv: ['--min-sync-period=1m', '--sync-period=30s'], env, msg: /must not exceed/ },
    { name: 'no NODE_NAME', argv: [], env: { NODE_IP: '127.0.1.1' }, msg: /NODE_NAME/ },
    { name: 'no NODE_IP', argv: [], env: { NODE_NAME: 'n' }, msg: /NODE_IP/ },
  ])('rejects $name', ({ argv, env: e, msg }) => {
    let err: unknown;
    try {
      parseConfig(argv, e);
    } catch (x) {
      err = x;
    }
    expect(isConfigError(err)).toBe(true);
    expect((err as Error).message).toMatch(msg);
  });
});
