import { describe, expect, it } from 'vitest';
import { deepFreeze } from './deep-freeze.js';

const frozenEverywhere = (v: unknown): boolean =>
  v === null ||
  typeof v !== 'object' ||
  (Object.isFrozen(v) && Object.values(v).every(frozenEverywhere));

describe('deepFreeze', () => {
  it.each([
    {
      name: 'decoded API object',
      value: JSON.parse(
        '{"metadata":{"labels":{"a":"b"}},"endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true}}],"n":null}',
      ) as unknown,
    },
    { name: 'nested arrays', value: [[{ a: [1, { b: 2 }] }], [], null] },
    { name: 'empty object', value: {} },
  ])('$name: every reachable object and array is frozen', ({ value }) => {
    expect(deepFreeze(value)).toBe(value);
    expect(frozenEverywhere(value)).toBe(true);
  });

  it.each([
    { name: 'null', value: null },
    { name: 'string', value: 's' },
    { name: 'number', value: 1 },
    { name: 'undefined', value: undefined },
  ])('$name: returned as is', ({ value }) => {
    expect(deepFreeze(value)).toBe(value);
  });

  it('skips an already-frozen subtree (its unfrozen children stay as they are)', () => {
    const inner = { x: 1 };
    const shell = Object.freeze({ inner });
    const obj = { shell, other: { y: 2 } };
    deepFreeze(obj);
    expect(Object.isFrozen(obj.other)).toBe(true);
    expect(Object.isFrozen(inner)).toBe(false);
  });

  it('freezes own enumerable properties only, like Object.values', () => {
    const proto = { inherited: { z: 1 } };
    const obj = Object.create(proto) as { own?: { w: number } };
    obj.own = { w: 1 };
    deepFreeze(obj);
    expect(Object.isFrozen(obj.own)).toBe(true);
    expect(Object.isFrozen(proto.inherited)).toBe(false);
  });
});
