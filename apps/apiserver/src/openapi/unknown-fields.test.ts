import { describe, expect, it } from 'vitest';
import {
  Definitions,
  type DefinitionSchema,
  type DefinitionTable,
  type FieldSchema,
} from '@svclab/api/schema';
import {
  newStrictDecodingError,
  newUnknownFieldChecker,
  strictDecodingMessage,
  unknownFieldMessage,
  unknownFields,
} from './unknown-fields.js';

/**
 * The schema-walking checker the compiled one replaced, kept as the reference: the compiled
 * checker must give exactly its answers (paths, order) on every input.
 */
function referenceUnknownFields(table: DefinitionTable, name: string, obj: unknown): string[] {
  const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const out: string[] = [];
  const walkField = (f: FieldSchema, value: unknown, path: string): void => {
    if (f.ref !== undefined) {
      walkDefinition(f.ref, value, path);
    } else if (f.items !== undefined && Array.isArray(value)) {
      const items = f.items;
      value.forEach((v, i) => {
        walkField(items, v, `${path}[${String(i)}]`);
      });
    } else if (f.additionalProperties !== undefined && isPlainObject(value)) {
      const vals = f.additionalProperties;
      for (const [k, v] of Object.entries(value)) walkField(vals, v, `${path}.${k}`);
    }
  };
  const walkDefinition = (n: string, value: unknown, path: string): void => {
    const def = table[n];
    if (
      def?.properties === undefined ||
      def.preserveUnknownFields === true ||
      !isPlainObject(value)
    )
      return;
    for (const [k, v] of Object.entries(value)) {
      const p = path === '' ? k : `${path}.${k}`;
      const f = Object.hasOwn(def.properties, k) ? def.properties[k] : undefined;
      if (f === undefined) out.push(p);
      else walkField(f, v, p);
    }
  };
  walkDefinition(name, obj, '');
  return out;
}

const json = (text: string): unknown => JSON.parse(text) as unknown;

describe('unknownFields on the served schema', () => {
  it.each([
    {
      name: 'null at every level is not checked',
      apiVersion: 'v1',
      kind: 'Service',
      obj: {
        metadata: null,
        spec: { ports: [null, { port: 1, x: 1 }], selector: null },
        status: null,
      },
      want: ['spec.ports[1].x'],
    },
    { name: 'a null body', apiVersion: 'v1', kind: 'Service', obj: null, want: [] },
    { name: 'an array body', apiVersion: 'v1', kind: 'Service', obj: [{ x: 1 }], want: [] },
    { name: 'a scalar body', apiVersion: 'v1', kind: 'Service', obj: 'x', want: [] },
    {
      name: 'an array where a definition is expected is not checked',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: [{ foo: 1 }], metadata: [1] },
      want: [],
    },
    {
      name: 'an object where a list is expected is not checked',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: { ports: { foo: { bar: 1 } } } },
      want: [],
    },
    {
      name: 'an array or object where a map of strings is expected',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { metadata: { labels: [{ x: 1 }], annotations: { a: { b: 1 } } } },
      want: [],
    },
    {
      name: 'int-or-string holds a number, a string or anything',
      apiVersion: 'v1',
      kind: 'Service',
      obj: {
        spec: {
          ports: [
            { port: 80, targetPort: 8080 },
            { port: 81, targetPort: 'http' },
            { port: 82, targetPort: { foo: 1 } },
          ],
        },
      },
      want: [],
    },
    {
      name: 'quantity maps take any values',
      apiVersion: 'v1',
      kind: 'Pod',
      obj: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: { x: 1 } } } }] } },
      want: [],
    },
    {
      name: 'preserve-unknown-fields content, with unknown fields beside it',
      apiVersion: 'v1',
      kind: 'Service',
      obj: {
        metadata: {
          managedFields: [
            { manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } }, bogus: 1 },
            { fieldsV1: [1, 2] },
          ],
        },
      },
      want: ['metadata.managedFields[0].bogus'],
    },
    {
      name: 'strings in a list are not checked',
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      obj: { endpoints: [{ addresses: ['1.1.1.1', { x: 1 }], conditions: { ready: true } }] },
      want: [],
    },
    {
      name: 'index-like keys come first, as Object.keys orders them',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { spec: { b: 1, type: 'ClusterIP', 10: 1, 2: 1 }, a: 1 },
      want: ['spec.2', 'spec.10', 'spec.b', 'a'],
    },
    {
      name: 'unknown fields at several depths, depth first',
      apiVersion: 'v1',
      kind: 'Endpoints',
      obj: {
        x: 1,
        subsets: [
          {
            addresses: [{ ip: '1.1.1.1', targetRef: { kind: 'Pod', y: 1 }, z: 1 }],
            ports: [{ port: 80, w: 1 }],
          },
        ],
        v: 1,
      },
      want: [
        'x',
        'subsets[0].addresses[0].targetRef.y',
        'subsets[0].addresses[0].z',
        'subsets[0].ports[0].w',
        'v',
      ],
    },
    {
      name: 'the empty key and keys with dots or brackets',
      apiVersion: 'v1',
      kind: 'Service',
      obj: { '': 1, spec: { '': 1, 'a.b': 1, 'c[0]': 1 } },
      want: ['', 'spec.', 'spec.a.b', 'spec.c[0]'],
    },
    {
      name: 'keys Object.prototype has are unknown like any other (upstream)',
      apiVersion: 'v1',
      kind: 'Service',
      obj: json(
        '{"spec": {"toString": 1, "constructor": {"x": 1}, "__proto__": {"y": 1}, "z": 1}}',
      ),
      want: ['spec.toString', 'spec.constructor', 'spec.__proto__', 'spec.z'],
    },
    {
      name: 'inherited enumerable properties of the body are not checked',
      apiVersion: 'v1',
      kind: 'Service',
      obj: Object.assign(Object.create({ inherited: 1 }) as object, { own: 1 }),
      want: ['own'],
    },
    {
      name: 'a null-prototype body',
      apiVersion: 'v1',
      kind: 'Service',
      obj: Object.assign(Object.create(null) as object, { spec: { foo: 1 } }),
      want: ['spec.foo'],
    },
    {
      name: 'a list kind',
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSliceList',
      obj: { metadata: { resourceVersion: '1', x: 1 }, items: [{ endpoints: [{ y: 1 }] }] },
      want: ['metadata.x', 'items[0].endpoints[0].y'],
    },
    {
      name: 'an unknown group version',
      apiVersion: 'nope/v1',
      kind: 'Service',
      obj: { x: 1 },
      want: [],
    },
  ])('$name', ({ apiVersion, kind, obj, want }) => {
    expect(unknownFields(apiVersion, kind, obj)).toEqual(want);
  });

  it('answers each call with a fresh array', () => {
    const a = unknownFields('v1', 'Service', { x: 1 });
    a.push('mutated');
    expect(unknownFields('v1', 'Service', { x: 1 })).toEqual(['x']);
  });
});

const field = (f: Omit<FieldSchema, 'description'>): FieldSchema => ({ description: '', ...f });
const struct = (
  properties: Record<string, FieldSchema>,
  rest: Omit<DefinitionSchema, 'description' | 'properties'> = {},
): DefinitionSchema => ({ description: '', type: 'object', properties, ...rest });

/** Shapes the served schema does not use (yet), to pin every rule of the checker. */
const synthetic: DefinitionTable = {
  Tree: struct({
    name: field({ type: 'string' }),
    children: field({ type: 'array', items: field({ ref: 'Tree' }) }),
    byName: field({ type: 'object', additionalProperties: field({ ref: 'Tree' }) }),
  }),
  Leaf: struct({ v: field({ type: 'string' }) }),
  Shapes: struct({
    mapOfLeaves: field({ type: 'object', additionalProperties: field({ ref: 'Leaf' }) }),
    mapOfLists: field({
      type: 'object',
      additionalProperties: field({ type: 'array', items: field({ ref: 'Leaf' }) }),
    }),
    listOfLists: field({
      type: 'array',
      items: field({ type: 'array', items: field({ ref: 'Leaf' }) }),
    }),
    either: field({ items: field({ ref: 'Leaf' }), additionalProperties: field({ ref: 'Leaf' }) }),
    refWins: field({ ref: 'Leaf', items: field({ ref: 'Tree' }) }),
    scalarRef: field({ ref: 'Scalar' }),
    freeForm: field({ ref: 'FreeForm' }),
    missingRef: field({ ref: 'Missing' }),
    opaque: field({ type: 'object', preserveUnknownFields: true }),
    gone: undefined as unknown as FieldSchema,
  }),
  Scalar: { description: '', type: 'string', format: 'int-or-string' },
  FreeForm: struct({ a: field({ type: 'string' }) }, { preserveUnknownFields: true }),
};

describe('newUnknownFieldChecker', () => {
  const check = newUnknownFieldChecker(synthetic);
  it.each([
    {
      name: 'recursive definitions, through lists and maps',
      def: 'Tree',
      obj: {
        name: 'r',
        children: [{ name: 'a', children: [{ x: 1 }] }, { y: 1 }],
        byName: { k: { byName: { j: { z: 1 } } }, n: null },
      },
      want: ['children[0].children[0].x', 'children[1].y', 'byName.k.byName.j.z'],
    },
    {
      name: 'maps of definitions and of lists',
      def: 'Shapes',
      obj: { mapOfLeaves: { a: { v: '1', x: 1 } }, mapOfLists: { b: [{ y: 1 }], c: { z: 1 } } },
      want: ['mapOfLeaves.a.x', 'mapOfLists.b[0].y'],
    },
    {
      name: 'lists of lists',
      def: 'Shapes',
      obj: { listOfLists: [[{ v: '' }], [{}, { x: 1 }], { y: 1 }] },
      want: ['listOfLists[1][1].x'],
    },
    {
      name: 'items for arrays, additionalProperties for objects',
      def: 'Shapes',
      obj: { either: [{ x: 1 }] },
      want: ['either[0].x'],
    },
    {
      name: 'additionalProperties for an object where items is also set',
      def: 'Shapes',
      obj: { either: { k: { y: 1 } } },
      want: ['either.k.y'],
    },
    {
      name: 'ref wins over items',
      def: 'Shapes',
      obj: { refWins: { x: 1 } },
      want: ['refWins.x'],
    },
    {
      name: 'ref wins over items, even for an array',
      def: 'Shapes',
      obj: { refWins: [{ children: 1 }] },
      want: [],
    },
    {
      name: 'nothing below a definition without properties, with preserveUnknownFields or missing',
      def: 'Shapes',
      obj: { scalarRef: { x: 1 }, freeForm: { y: 1 }, missingRef: { z: 1 }, opaque: { w: 1 } },
      want: [],
    },
    {
      name: 'a property set to undefined is unknown',
      def: 'Shapes',
      obj: { gone: 1 },
      want: ['gone'],
    },
    { name: 'an unknown definition', def: 'Missing', obj: { x: 1 }, want: [] },
    { name: 'a free-form definition', def: 'FreeForm', obj: { x: 1 }, want: [] },
  ])('$name', ({ def, obj, want }) => {
    expect(check(def, obj)).toEqual(want);
    expect(referenceUnknownFields(synthetic, def, obj)).toEqual(want);
  });
});

/** A small seeded PRNG (mulberry32), so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random value for a schema: mostly its own shape, sometimes an unknown key, a null, a scalar,
 * an array for an object or an object for an array, with keys in random order.
 */
function generate(table: DefinitionTable, seed: number): (name: string) => unknown {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const noise = (): unknown => pick([null, 1, 'x', true, [], {}, [{ q: 1 }], { q: 1 }, { '1': 2 }]);
  const ofField = (f: FieldSchema | undefined, depth: number): unknown => {
    if (f === undefined || r() < 0.08 || depth > 8) return noise();
    if (f.ref !== undefined) return ofDefinition(f.ref, depth + 1);
    if (f.items !== undefined) {
      const items = f.items;
      return Array.from({ length: Math.floor(r() * 4) }, () => ofField(items, depth + 1));
    }
    if (f.additionalProperties !== undefined) {
      const vals = f.additionalProperties;
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 3) }, (_, i) => [
          `k${String(i)}`,
          ofField(vals, depth + 1),
        ]),
      );
    }
    return pick(['s', 1, true, null]);
  };
  const ofDefinition = (name: string, depth: number): unknown => {
    const props = table[name]?.properties;
    if (props === undefined) return pick(['s', 1, { any: { thing: 1 } }]);
    const entries: [string, unknown][] = [];
    for (const [k, f] of Object.entries(props)) {
      if (r() < 0.5) entries.push([k, ofField(f, depth)]);
    }
    if (r() < 0.15) entries.push([pick(['foo', 'bar', '3', '', 'toString', 'a.b']), noise()]);
    entries.sort(() => r() - 0.5);
    return Object.fromEntries(entries);
  };
  return (name) => ofDefinition(name, 0);
}

describe('the compiled checker answers as the schema walk does', () => {
  it.each([
    { name: 'every served definition', table: Definitions },
    { name: 'the synthetic shapes', table: synthetic },
  ])('$name, on random bodies', ({ table }) => {
    const check = newUnknownFieldChecker(table);
    let found = 0;
    for (const [i, name] of Object.keys(table).entries()) {
      const gen = generate(table, 1000 + i);
      for (let n = 0; n < 20; n++) {
        // Through JSON, as request bodies arrive (and so `__proto__` keys are own properties).
        const obj = JSON.parse(JSON.stringify(gen(name))) as unknown;
        const want = referenceUnknownFields(table, name, obj);
        found += want.length;
        expect(check(name, obj), `${name} #${String(n)}`).toEqual(want);
      }
    }
    expect(found).toBeGreaterThan(0);
  });
});

describe('messages', () => {
  it('formats one unknown field', () => {
    expect(unknownFieldMessage('spec.ports[0].foo')).toBe('unknown field "spec.ports[0].foo"');
  });
  it('joins several in order', () => {
    expect(strictDecodingMessage(['a', 'spec.b'])).toBe(
      'strict decoding error: unknown field "a", unknown field "spec.b"',
    );
  });
  it('names the core version without a group', () => {
    expect(newStrictDecodingError('v1', 'Service', ['spec.foo']).status.message).toBe(
      'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"',
    );
  });
});
