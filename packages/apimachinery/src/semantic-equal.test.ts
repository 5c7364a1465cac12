import { describe, expect, it } from 'vitest';
import { semanticEqual } from './semantic-equal.js';

describe('semanticEqual', () => {
  it.each([
    { name: 'same', a: { phase: 'Running' }, b: { phase: 'Running' }, want: true },
    { name: 'key order', a: { a: 1, b: 2 }, b: { b: 2, a: 1 }, want: true },
    { name: 'null is absent', a: { lastProbeTime: null, x: 1 }, b: { x: 1 }, want: true },
    { name: 'undefined vs object', a: undefined, b: { phase: 'Running' }, want: false },
    { name: 'array order matters', a: [1, 2], b: [2, 1], want: false },
    {
      name: 'nested difference',
      a: { c: [{ status: 'True' }] },
      b: { c: [{ status: 'False' }] },
      want: false,
    },
  ])('$name', ({ a, b, want }) => {
    expect(semanticEqual(a, b)).toBe(want);
  });
});
