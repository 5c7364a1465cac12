import { describe, expect, it } from 'vitest';
import { isPoolExhausted, LoadBalancerIPPool } from './lb-ip-pool.js';

describe('LoadBalancerIPPool', () => {
  it.each([
    { name: 'first usable address', steps: [['a', undefined]], want: ['127.200.0.1'] },
    { name: 'next address for the next owner', steps: [['a', undefined], ['b', undefined]], want: ['127.200.0.1', '127.200.0.2'] },
    { name: 'same owner keeps its address', steps: [['a', undefined], ['a', undefined]], want: ['127.200.0.1', '127.200.0.1'] },
    { name: 'loadBalancerIP in pool and free', steps: [['a', '127.200.0.77']], want: ['127.200.0.77'] },
    { name: 'loadBalancerIP outside the pool', steps: [['a', '10.0.0.1']], want: [undefined] },
    { name: 'loadBalancerIP taken by another owner', steps: [['a', '127.200.0.9'], ['b', '127.200.0.9']], want: ['127.200.0.9', undefined] },
    { name: 'network address refused', steps: [['a', '127.200.0.0']], want: [undefined] },
    { name: 'broadcast address refused', steps: [['a', '127.200.0.255']], want: [undefined] },
    { name: 'owner moves to its loadBalancerIP', steps: [['a', undefined], ['a', '127.200.0.50'], ['b', undefined]], want: ['127.200.0.1', '127.200.0.50', '127.200.0.2'] },
  ] as const)('allocate: $name', ({ steps, want }) => {
    const pool = new LoadBalancerIPPool('127.200.0.0/24');
    expect(steps.map(([owner, ip]) => pool.allocate(owner, ip))).toEqual(want);
  });

  it('reserve restores addresses from status and refuses duplicates and foreign ones', () => {
    const pool = new LoadBalancerIPPool('127.200.0.0/24');
    expect(pool.reserve('ns/a', '127.200.0.5')).toBe(true);
    expect(pool.reserve('ns/b', '127.200.0.5')).toBe(false);
    expect(pool.reserve('ns/b', '10.1.1.1')).toBe(false);
    expect(pool.allocate('ns/a')).toBe('127.200.0.5');
    expect(pool.ownerOf('127.200.0.5')).toBe('ns/a');
  });

  it('release frees the address; it is not reused at once', () => {
    const pool = new LoadBalancerIPPool('127.200.0.0/24');
    pool.allocate('a');
    expect(pool.release('a')).toBe('127.200.0.1');
    expect(pool.allocated).toBe(0);
    expect(pool.allocate('b')).toBe('127.200.0.2');
    expect(pool.release('nobody')).toBeUndefined();
  });

  it('throws PoolExhaustedError when every address is held', () => {
    const pool = new LoadBalancerIPPool('127.200.0.0/30');
    expect(pool.allocate('a')).toBe('127.200.0.1');
    expect(pool.allocate('b')).toBe('127.200.0.2');
    let err: unknown;
    try {
      pool.allocate('c');
    } catch (e) {
      err = e;
    }
    expect(isPoolExhausted(err)).toBe(true);
  });

  it.each(['x', '127.200.0.0/33', '::1/128'])('rejects the pool %s', (cidr) => {
    expect(() => new LoadBalancerIPPool(cidr)).toThrow(/invalid --lb-pool/);
  });
});
