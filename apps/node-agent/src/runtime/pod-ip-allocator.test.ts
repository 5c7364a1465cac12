import { describe, expect, it } from 'vitest';
import { PodIPAllocator } from './pod-ip-allocator.js';

describe('PodIPAllocator', () => {
  it('hands out .2 upward, reuses released addresses and is idempotent per owner', () => {
    const a = new PodIPAllocator('127.244.3.0/24');
    expect(a.allocate('ns/a')).toBe('127.244.3.2');
    expect(a.allocate('ns/b')).toBe('127.244.3.3');
    expect(a.allocate('ns/a')).toBe('127.244.3.2');
    a.release('ns/a');
    expect(a.allocate('ns/c')).toBe('127.244.3.2');
  });

  it('claims existing addresses and refuses a taken one', () => {
    const a = new PodIPAllocator('127.244.3.0/24');
    expect(a.claim('127.244.3.9', 'ns/x')).toBe(true);
    expect(a.claim('127.244.3.9', 'ns/y')).toBe(false);
    expect(a.claim('127.244.4.9', 'ns/y')).toBe(false);
  });

  it('fails clearly when full', () => {
    const a = new PodIPAllocator('127.244.3.0/30');
    a.allocate('a');
    expect(() => a.allocate('b')).toThrow(/is full/);
  });

  it.each(['10.0.0.0', '10.0.0.0/8', 'x/24'])('rejects the CIDR %s', (c) => {
    expect(() => new PodIPAllocator(c)).toThrow(/pod CIDR/);
  });
});
