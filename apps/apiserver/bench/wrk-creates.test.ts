import { describe, expect, it } from 'vitest';
import { parseWrk, wrkMs } from './wrk-creates.js';

const report = `Running 10s test @ http://127.0.0.1:38945
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.64ms   15.48ms 194.15ms   95.70%
    Req/Sec     2.63k   715.56     3.85k    75.76%
  Latency Distribution
     50%  812.00us
     75%    7.13ms
     90%   11.35ms
     99%    1.02s
  25982 requests in 10.01s, 17.04MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2595.50
Transfer/sec:      1.70MB
`;

describe('parseWrk', () => {
  it('reads the rate, p50/p99 in ms, the requests and the failures of a wrk --latency report', () => {
    expect(parseWrk(report)).toEqual({ rate: 2595.5, p50: 0.812, p99: 1020, requests: 25982, failed: 3 });
  });
  it('counts no failures when wrk prints no Non-2xx line', () => {
    expect(parseWrk(report.replace(/^.*Non-2xx.*\n/m, '')).failed).toBe(0);
  });
  it('converts wrk latency units and rejects others', () => {
    expect(wrkMs('8.34ms')).toBe(8.34);
    expect(wrkMs('250.00us')).toBe(0.25);
    expect(wrkMs('2.00s')).toBe(2000);
    expect(wrkMs('3m')).toBeNaN();
  });
});
