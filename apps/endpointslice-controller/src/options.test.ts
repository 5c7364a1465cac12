import { describe, expect, it } from 'vitest';
import { isConfigError, parseConfig, parseDuration } from './options.js';

const env = {
  APISERVER_URL: 'http://127.0.0.1:6443',
  NATS_URL: 'nats://127.0.0.1:4999',
  SVCLAB_TOKEN: 't',
};

describe('parseConfig', () => {
  it('defaults', () => {
    const c = parseConfig([], env);
    expect(c).toMatchObject({
      maxEndpointsPerSlice: 100,
      concurrentServiceEndpointSyncs: 5,
      endpointUpdatesBatchPeriodMs: 0,
      leaderElect: true,
      metricsBindAddress: '127.0.0.1:10257',
      token: 't',
    });
  });

  it.each([
    {
      name: '--flag=value',
      argv: ['--max-endpoints-per-slice=500'],
      want: { maxEndpointsPerSlice: 500 },
    },
    {
      name: '--flag value',
      argv: ['--max-endpoints-per-slice', '1'],
      want: { maxEndpointsPerSlice: 1 },
    },
    { name: 'bare bool', argv: ['--leader-elect'], want: { leaderElect: true } },
    { name: 'bool false', argv: ['--leader-elect=false'], want: { leaderElect: false } },
    {
      name: 'batch period',
      argv: ['--endpoint-updates-batch-period=1s500ms'],
      want: { endpointUpdatesBatchPeriodMs: 1500 },
    },
    {
      name: 'workers',
      argv: ['--concurrent-service-endpoint-syncs=10'],
      want: { concurrentServiceEndpointSyncs: 10 },
    },
    {
      name: 'bind address',
      argv: ['--metrics-bind-address=127.0.0.1:0'],
      want: { metricsBindAddress: '127.0.0.1:0' },
    },
  ])('$name', ({ argv, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it.each([
    {
      name: 'max 0',
      argv: ['--max-endpoints-per-slice=0'],
      err: 'max-endpoints-per-slice must not be less than 1, but got 0',
    },
    {
      name: 'max 1001',
      argv: ['--max-endpoints-per-slice=1001'],
      err: 'max-endpoints-per-slice must not be more than 1000, but got 1001',
    },
    {
      name: 'max not a number',
      argv: ['--max-endpoints-per-slice=abc'],
      err: 'invalid argument "abc" for "--max-endpoints-per-slice" flag',
    },
    {
      name: 'workers 0',
      argv: ['--concurrent-service-endpoint-syncs=0'],
      err: 'concurrent-service-endpoint-syncs must not be less than 1, but got 0',
    },
    { name: 'unknown flag', argv: ['--nope=1'], err: 'unknown flag: --nope' },
    {
      name: 'bad duration',
      argv: ['--endpoint-updates-batch-period=soon'],
      err: 'invalid duration "soon"',
    },
  ])('rejects $name', ({ argv, err }) => {
    let caught: unknown;
    try {
      parseConfig(argv, env);
    } catch (e) {
      caught = e;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toContain(err);
  });

  it('requires APISERVER_URL and NATS_URL', () => {
    expect(() => parseConfig([], { NATS_URL: 'x' })).toThrow('APISERVER_URL must be set');
    expect(() => parseConfig([], { APISERVER_URL: 'x' })).toThrow('NATS_URL must be set');
  });
});

describe('parseDuration', () => {
  it.each([
    { s: '0', ms: 0 },
    { s: '250ms', ms: 250 },
    { s: '2s', ms: 2000 },
    { s: '1m30s', ms: 90_000 },
    { s: '1h', ms: 3_600_000 },
  ])('$s → $ms', ({ s, ms }) => {
    expect(parseDuration(s, 'x')).toBe(ms);
  });
});
