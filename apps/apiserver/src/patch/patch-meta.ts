// Patch metadata (merge keys, strategies) looked up in the schema source, as upstream's
// LookupPatchMeta does on Go struct tags / OpenAPI.
import type { DefinitionTable, FieldSchema } from '@svclab/api/schema';

/** What the fields of a map are: a named definition, a map with one value schema, or unknown. */
export type Shape =
  | { readonly kind: 'definition'; readonly name: string }
  | { readonly kind: 'map'; readonly value: FieldSchema }
  | undefined;

/** The schema of field `key` of a value of this shape. */
export function fieldOf(defs: DefinitionTable, shape: Shape, key: string): FieldSchema | undefined {
  if (shape === undefined) return undefined;
  if (shape.kind === 'map') return shape.value;
  return defs[shape.name]?.properties?.[key];
}

/** The shape of the value a field holds (for map-valued fields). */
export function shapeOf(f: FieldSchema | undefined): Shape {
  if (f === undefined) return undefined;
  if (f.ref !== undefined) return { kind: 'definition', name: f.ref };
  if (f.additionalProperties !== undefined) return { kind: 'map', value: f.additionalProperties };
  return undefined;
}

/** The shape of the elements of a list field. */
export function itemShapeOf(f: FieldSchema | undefined): Shape {
  return shapeOf(f?.items);
}

/** The field's strategy with `retainKeys` split off, as extractRetainKeysPatchStrategy does. */
export function patchStrategyOf(f: FieldSchema | undefined): 'merge' | 'replace' | '' {
  switch (f?.patchStrategy) {
    case 'merge':
    case 'merge,retainKeys':
      return 'merge';
    case 'replace':
      return 'replace';
    case 'retainKeys':
    case undefined:
      return '';
  }
}
