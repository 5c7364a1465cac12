// The shape of the schema source: a compact, data-only description of every served kind, from which
// the apiserver renders OpenAPI v2/v3, strict field checking and strategic-merge patch metadata.
// NOTE: plain data only (structuredClone-able); no behaviour lives here.

/** A group, version and kind as the `x-kubernetes-group-version-kind` extension spells it. */
export interface SchemaGVK {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** How a list merges (`x-kubernetes-patch-strategy`), as in Go struct tags `patchStrategy:"…"`. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/** `x-kubernetes-list-type`: atomic (replace whole), set (unique scalars), map (keyed by listMapKeys). */
export type ListType = 'atomic' | 'set' | 'map';

/**
 * One property of a definition. Exactly one of `ref`, `items` (type array), `additionalProperties`
 * (type object, a map) or a scalar `type` describes the value.
 */
export interface FieldSchema {
  /** Short description in our own words; shown by `kubectl explain`. */
  readonly description: string;
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  readonly format?: 'int32' | 'int64' | 'double' | 'date-time' | 'byte';
  /** Name of another definition, e.g. `io.k8s.api.core.v1.ServicePort`. */
  readonly ref?: string;
  /** Element schema when `type` is array. */
  readonly items?: FieldSchema;
  /** Value schema when `type` is object and the field is a map (labels, selector, capacity). */
  readonly additionalProperties?: FieldSchema;
  readonly enum?: readonly string[];
  readonly patchStrategy?: PatchStrategy;
  readonly patchMergeKey?: string;
  readonly listType?: ListType;
  readonly listMapKeys?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
  /** The wire format allows an explicit null here. */
  readonly nullable?: boolean;
  /** Free-form content svclab does not interpret (`x-kubernetes-preserve-unknown-fields`). */
  readonly preserveUnknownFields?: boolean;
}

/** A named definition (`io.k8s.api.core.v1.Service`). */
export interface DefinitionSchema {
  readonly description: string;
  /** `object` for structs; `string` for Time, Quantity, IntOrString and other scalars with a name. */
  readonly type?: 'object' | 'string';
  readonly format?: 'date-time' | 'int-or-string';
  readonly properties?: Readonly<Record<string, FieldSchema>>;
  readonly required?: readonly string[];
  /** Set on top-level kinds: the kinds this definition serves. */
  readonly gvk?: readonly SchemaGVK[];
  /** Free-form content (FieldsV1): nothing below is checked. */
  readonly preserveUnknownFields?: boolean;
  /** `x-kubernetes-map-type: atomic` (LabelSelector, ObjectReference-like structs). */
  readonly mapType?: 'atomic' | 'granular';
}

/** DefinitionTable by upstream name. */
export type DefinitionTable = Readonly<Record<string, DefinitionSchema>>;
