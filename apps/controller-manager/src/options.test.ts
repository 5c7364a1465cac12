import { describe, expect, it } from 'vitest';
import { isConfigError, parseDuration, parseOptions } from './options.js';

describe('parseDuration', () => {
  it.each([
    { name: 'seconds', s: '40s', want: 40_000 },
    { name: 'ms', s: '500ms', want: 500 },
    { name: 'minutes and seconds', s: '1m30s', want: 90_000 },
    { name: 'hours', s: '1h', want: 3_600_000 },
  ])('$name', ({ s, want }) => {
    expect(parseDuration(s)).toBe(want);
  });
  it.each([{ s: '40' }, { s: 'abc' }, { s: '5s!' }])('rejects $s', ({ s }) => {
    expect(() => parseDuration(s)).toThrow(/invalid duration/);
  });
});

describe('parseOptions', () => {
  it.each([
    {
      name: 'defaults',
      argv: [],
      leaderElect: true,
      grace: 40_000,
      controllers: ['scheduler', 'nodelifecycle', 'replicaset', 'deployment', 'statefulset'],
    },
    {
      name: 'grace period and no leader election',
      argv: ['--node-monitor-grace-period', '5s', '--leader-elect=false'],
      leaderElect: false,
      grace: 5_000,
      controllers: ['scheduler', 'nodelifecycle', 'replicaset', 'deployment', 'statefulset'],
    },
    {
      name: 'bare --leader-elect',
      argv: ['--leader-elect', '--controllers', 'scheduler,replicaset'],
      leaderElect: true,
      grace: 40_000,
      controllers: ['scheduler', 'replicaset'],
    },
    {
      name: 'all but one',
      argv: ['--controllers=*,-statefulset'],
      leaderElect: true,
      grace: 40_000,
      controllers: ['scheduler', 'nodelifecycle', 'replicaset', 'deployment'],
    },
  ])('$name', ({ argv, leaderElect, grace, controllers }) => {
    const o = parseOptions(argv, {});
    expect(o.leaderElect).toBe(leaderElect);
    expect(o.nodeMonitorGracePeriodMs).toBe(grace);
    expect(o.controllers).toEqual(controllers);
    expect(o.leaseNamespace).toBe('kube-system');
    expect(o.leaseName).toBe('kube-controller-manager');
  });
  it.each([
    { name: 'unknown controller', argv: ['--controllers', 'garbagecollector'] },
    { name: 'unknown flag', argv: ['--kubeconfig', 'x'] },
    { name: 'bad leader-elect', argv: ['--leader-elect=maybe'] },
  ])('rejects $name', ({ argv }) => {
    let err: unknown;
    try {
      parseOptions(argv, {});
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
  });
});
