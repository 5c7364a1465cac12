import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  const ok = [
    {
      name: 'defaults',
      argv: [],
      env: {},
      want: {
        bindAddress: '127.0.0.1',
        advertiseAddress: '127.0.0.1',
        securePort: 6443,
        serviceClusterIPRange: '10.96.0.0/12',
        eventTTLMs: 3_600_000,
      },
    },
    { name: 'event TTL', argv: ['--event-ttl=30m'], env: {}, want: { eventTTLMs: 1_800_000 } },
    { name: 'event TTL off', argv: ['--event-ttl', '0'], env: {}, want: { eventTTLMs: 0 } },
    {
      name: 'advertise address',
      argv: ['--advertise-address=127.0.1.9'],
      env: {},
      want: { advertiseAddress: '127.0.1.9' },
    },
    {
      name: 'flags with = and space',
      argv: ['--secure-port=7443', '--service-cluster-ip-range', '127.96.0.0/12'],
      env: { REDIS_URL: 'redis://127.0.0.1:7000', NATS_URL: 'nats://127.0.0.1:7001' },
      want: {
        securePort: 7443,
        serviceClusterIPRange: '127.96.0.0/12',
        redisUrl: 'redis://127.0.0.1:7000',
        natsUrl: 'nats://127.0.0.1:7001',
      },
    },
    {
      name: 'non-loopback with a token file',
      argv: ['--bind-address=0.0.0.0', '--token-auth-file=/tmp/t.csv'],
      env: {},
      want: { bindAddress: '0.0.0.0', advertiseAddress: '127.0.0.1', tokenAuthFile: '/tmp/t.csv' },
    },
    {
      name: 'TLS serving files',
      argv: ['--tls-cert-file=/pki/a.crt', '--tls-private-key-file', '/pki/a.key'],
      env: {},
      want: { tls: { certFile: '/pki/a.crt', keyFile: '/pki/a.key' } },
    },
  ];
  it.each(ok)('$name', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  const bad = [
    {
      name: 'non-loopback without tokens',
      argv: ['--bind-address=0.0.0.0'],
      err: /refusing to serve on 0.0.0.0/,
    },
    { name: 'unknown flag', argv: ['--insecure-port=8080'], err: /unknown flag/ },
    {
      name: 'event TTL without a unit',
      argv: ['--event-ttl=60'],
      err: /invalid --event-ttl "60": want a duration/,
    },
    {
      name: 'a certificate without its key',
      argv: ['--tls-cert-file=/a.crt'],
      err: /must be given together/,
    },
    {
      name: 'bad range',
      argv: ['--service-cluster-ip-range=10.0.0.0/40'],
      err: /invalid IPv4 CIDR/,
    },
    { name: 'bad port', argv: ['--secure-port=70000'], err: /invalid --secure-port/ },
  ];
  it.each(bad)('$name', ({ argv, err }) => {
    expect(() => parseConfig(argv, {})).toThrow(err);
  });
});
