import { describe, expect, it } from 'vitest';
import { jsonEqual, jsonEqualExcept } from './json-equal.js';

/** The definition jsonEqual stands in for: JSON with sorted keys. */
function stableJSON(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    typeof val === 'object' && val !== null && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : val,
  );
}

const cases: { name: string; a: unknown; b: unknown; equal: boolean }[] = [
  { name: 'same scalars', a: 1, b: 1, equal: true },
  { name: 'number vs string', a: 1, b: '1', equal: false },
  { name: 'key order', a: { x: 1, y: { p: [1, 2], q: 'a' } }, b: { y: { q: 'a', p: [1, 2] }, x: 1 }, equal: true },
  { name: 'array order matters', a: [1, 2], b: [2, 1], equal: false },
  { name: 'undefined property is absent', a: { x: 1, y: undefined }, b: { x: 1 }, equal: true },
  { name: 'undefined vs null property', a: { y: undefined }, b: { y: null }, equal: false },
  { name: 'undefined in an array is null', a: [undefined], b: [null], equal: true },
  { name: 'extra key', a: { x: 1 }, b: { x: 1, z: 0 }, equal: false },
  { name: 'missing key with a value elsewhere', a: { x: 1, y: 2 }, b: { x: 1, z: 2 }, equal: false },
  { name: 'object vs array', a: {}, b: [], equal: false },
  { name: 'nested difference', a: { s: { ports: [{ port: 80 }] } }, b: { s: { ports: [{ port: 81 }] } }, equal: false },
  { name: 'empty objects', a: {}, b: {}, equal: true },
  { name: 'null vs object', a: null, b: {}, equal: false },
];

describe('jsonEqual', () => {
  it.each(cases)('$name', ({ a, b, equal }) => {
    expect(jsonEqual(a, b)).toBe(equal);
    expect(jsonEqual(b, a)).toBe(equal);
    if (a !== undefined && b !== undefined) expect(stableJSON(a) === stableJSON(b)).toBe(equal);
  });
});

describe('jsonEqualExcept', () => {
  it('ignores the given top-level keys only', () => {
    const ignore = new Set(['resourceVersion']);
    expect(jsonEqualExcept({ name: 'a', resourceVersion: '1' }, { name: 'a', resourceVersion: '2' }, ignore)).toBe(true);
    expect(jsonEqualExcept({ name: 'a', resourceVersion: '1' }, { name: 'a' }, ignore)).toBe(true);
    expect(jsonEqualExcept({ x: { resourceVersion: '1' } }, { x: { resourceVersion: '2' } }, ignore)).toBe(false);
    expect(jsonEqualExcept({ name: 'a' }, { name: 'b', resourceVersion: '1' }, ignore)).toBe(false);
  });
});
