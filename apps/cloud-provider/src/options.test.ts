import { describe, expect, it } from 'vitest';
import { isConfigError, parseConfig, parseDurationMs } from './options.js';

describe('options', () => {
  it.each([
    { name: 'defaults', argv: [], env: {}, want: { lbPool: '127.200.0.0/24', metricsBindAddress: '127.0.0.1:10258', healthCheckPeriodMs: 2000, concurrentServiceSyncs: 1, natsURL: '', apiserverURL: 'http://127.0.0.1:6443' } },
    { name: 'flags with = and separate values', argv: ['--lb-pool=127.201.0.0/28', '--metrics-bind-address', '127.0.0.1:0', '--node-health-check-period=500ms'], env: { NATS_URL: 'nats://127.0.0.1:1', APISERVER_URL: 'http://127.0.0.1:2' }, want: { lbPool: '127.201.0.0/28', metricsBindAddress: '127.0.0.1:0', healthCheckPeriodMs: 500, natsURL: 'nats://127.0.0.1:1', apiserverURL: 'http://127.0.0.1:2' } },
  ])('parses $name', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it.each([[['--bogus']], [['--lb-pool']], [['--node-health-check-period=soon']], [['--concurrent-service-syncs=0']]])('rejects %j', (argv) => {
    let err: unknown;
    try {
      parseConfig(argv, {});
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
  });

  it.each([['500ms', 500], ['2s', 2000], ['1m', 60_000], ['3', 3000], ['x', undefined]])('parseDurationMs(%s)', (s, want) => {
    expect(parseDurationMs(s)).toBe(want);
  });
});
