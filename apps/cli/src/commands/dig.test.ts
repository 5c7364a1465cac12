import type { ResolveResult } from '@svclab/resolver';
import { describe, expect, it } from 'vitest';
import { isUsageError } from './cluster-context.js';
import { formatDig, parseDigArgs } from './dig.js';

describe('svclab dig', () => {
  it.each([
    { name: 'name only', argv: ['my-app.production'], want: { name: 'my-app.production', type: 'A', namespace: 'default', pod: undefined } },
    { name: 'type and pod', argv: ['_http._tcp.my-app', 'srv', '--pod', 'production/client'], want: { name: '_http._tcp.my-app', type: 'SRV', namespace: 'production', pod: 'production/client' } },
    { name: '--pod=', argv: ['--pod=kube-system/x', 'kubernetes.default', 'AAAA'], want: { name: 'kubernetes.default', type: 'AAAA', namespace: 'kube-system', pod: 'kube-system/x' } },
  ])('parses $name', ({ argv, want }) => {
    expect(parseDigArgs(argv)).toEqual(want);
  });

  it.each([
    { name: 'no name', argv: [] },
    { name: 'bad type', argv: ['x', 'ANY'] },
    { name: 'pod without namespace', argv: ['x', '--pod', 'client'] },
    { name: 'extra argument', argv: ['x', 'A', 'y'] },
  ])('rejects $name', ({ argv }) => {
    let err: unknown;
    try {
      parseDigArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(isUsageError(err)).toBe(true);
  });

  it('prints the answer section and the query log in search order', () => {
    const r: ResolveResult = {
      name: 'my-app.production.svc.cluster.local',
      status: 'NOERROR',
      addresses: ['127.96.0.10'],
      answers: [{ name: 'my-app.production.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '127.96.0.10' }],
      queries: [
        { name: 'my-app.production.production.svc.cluster.local', type: 'A', server: '127.0.0.1:1053', transport: 'udp', rcode: 'NXDOMAIN', answers: 0 },
        { name: 'my-app.production.svc.cluster.local', type: 'A', server: '127.0.0.1:1053', transport: 'udp', rcode: 'NOERROR', answers: 1 },
      ],
    };
    const out = formatDig({ name: 'my-app.production', type: 'A', namespace: 'production', pod: 'production/client' }, '127.0.0.1:1053', r);
    expect(out).toContain(';; ->>HEADER<<- status: NOERROR, ANSWER: 1');
    expect(out).toContain('my-app.production.svc.cluster.local.\t5\tIN\tA\t127.96.0.10');
    const log = out.split('QUERY LOG')[1] ?? '';
    expect(log.indexOf('my-app.production.production.svc.cluster.local. A @127.0.0.1:1053 udp -> NXDOMAIN')).toBeGreaterThan(-1);
    expect(log.indexOf('NXDOMAIN')).toBeLessThan(log.indexOf('NOERROR'));
  });

  it.each([
    { name: 'SRV', answer: { name: '_http._tcp.my-app.production.svc.cluster.local', type: 'SRV' as const, ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'my-app.production.svc.cluster.local' } }, want: '0 100 80 my-app.production.svc.cluster.local.' },
    { name: 'CNAME', answer: { name: 'external-db.production.svc.cluster.local', type: 'CNAME' as const, ttl: 5, data: 'db.legacy.example.com' }, want: 'CNAME\tdb.legacy.example.com.' },
  ])('formats $name data', ({ answer, want }) => {
    const out = formatDig({ name: answer.name, type: answer.type, namespace: 'default', pod: undefined }, 's', { name: answer.name, status: 'NOERROR', addresses: [], answers: [answer], queries: [] });
    expect(out).toContain(want);
  });
});
