import { describe, expect, it } from 'vitest';
import { isUsageError } from './cluster-context.js';
import { formatWaterfall, parseTraceArgs, type JaegerTrace } from './trace.js';

describe('svclab trace', () => {
  it.each([
    { name: 'defaults', argv: [], want: { last: 5, service: 'apiserver' } },
    { name: '--last N', argv: ['--last', '2'], want: { last: 2, service: 'apiserver' } },
    { name: '--last= and --service', argv: ['--last=1', '--service', 'dns'], want: { last: 1, service: 'dns' } },
  ])('parses $name', ({ argv, want }) => {
    expect(parseTraceArgs(argv)).toEqual(want);
  });

  it.each([[['--last', '0']], [['--last', 'x']], [['--service']], [['extra']]])('rejects %j', (argv) => {
    let err: unknown;
    try {
      parseTraceArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(isUsageError(err)).toBe(true);
  });

  it('draws children under parents, links as children, on one time scale', () => {
    const t: JaegerTrace = {
      traceID: 'abc',
      processes: { p1: { serviceName: 'apiserver' }, p2: { serviceName: 'endpointslice-controller' }, p3: { serviceName: 'dns' } },
      spans: [
        { traceID: 'abc', spanID: 'c', operationName: 'dns update', references: [{ refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: 'a' }], startTime: 1_006_000, duration: 1000, processID: 'p3' },
        { traceID: 'abc', spanID: 'a', operationName: 'POST /api/v1/namespaces/{namespace}/services', startTime: 1_000_000, duration: 4000, processID: 'p1' },
        { traceID: 'abc', spanID: 'b', operationName: 'syncService', references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: 'a' }], startTime: 1_002_000, duration: 8000, processID: 'p2' },
      ],
    };
    const lines = formatWaterfall(t).trimEnd().split('\n');
    expect(lines[0]).toBe('trace abc  3 spans  10.00 ms  services: apiserver, dns, endpointslice-controller');
    expect(lines.slice(1).map((l) => l.split('  ').pop()?.trim())).toEqual([
      'apiserver POST /api/v1/namespaces/{namespace}/services',
      'endpointslice-controller syncService',
      'dns dns update',
    ]);
    expect(lines[1]).toContain('|████████████████                        |');
    expect(lines[2]).toContain('+2.00ms');
    expect(lines[2]).toMatch(/\|\s{8}█{32}\|/);
  });

  it('says so for an empty trace', () => {
    expect(formatWaterfall({ traceID: 'x', spans: [], processes: {} })).toBe('trace x: no spans\n');
  });
});
