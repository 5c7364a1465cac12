import { describe, expect, it } from 'vitest';
import { isPortTaken, localPortRange, SourcePorts } from './source-ports.js';

describe('SourcePorts', () => {
  it('hands out every port of the range in turn from a random start, then wraps', () => {
    const ports = new SourcePorts({ low: 40000, high: 40003 }, () => 0.5);
    expect([1, 2, 3, 4, 5].map(() => ports.pick())).toEqual([40002, 40003, 40000, 40001, 40002]);
  });

  it('reads the kernel ephemeral range (or its default)', () => {
    const r = localPortRange();
    expect(r.low).toBeGreaterThan(0);
    expect(r.high).toBeGreaterThanOrEqual(r.low);
    expect(r.high).toBeLessThan(65536);
  });

  it('treats EADDRINUSE and EADDRNOTAVAIL as a taken port, other errors not', () => {
    const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    expect(isPortTaken(err('EADDRINUSE'))).toBe(true);
    expect(isPortTaken(err('EADDRNOTAVAIL'))).toBe(true);
    expect(isPortTaken(err('ECONNREFUSED'))).toBe(false);
  });
});
