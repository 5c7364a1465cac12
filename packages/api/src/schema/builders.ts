// Tiny constructors that keep the schema tables short. They only build plain objects.
import type { DefinitionSchema, FieldSchema, SchemaGVK } from './types.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const CORE = 'io.k8s.api.core.v1.';
export const DISCOVERY = 'io.k8s.api.discovery.v1.';
export const COORDINATION = 'io.k8s.api.coordination.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
export const TIME = `${META}Time`;
export const MICRO_TIME = `${META}MicroTime`;
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

type Extra = Omit<
  FieldSchema,
  'description' | 'type' | 'format' | 'ref' | 'items' | 'additionalProperties'
>;

export const str = (description: string, extra: Extra = {}): FieldSchema => ({
  description,
  type: 'string',
  ...extra,
});
export const int32 = (description: string): FieldSchema => ({
  description,
  type: 'integer',
  format: 'int32',
});
export const int64 = (description: string): FieldSchema => ({
  description,
  type: 'integer',
  format: 'int64',
});
export const bool = (description: string): FieldSchema => ({ description, type: 'boolean' });
export const ref = (name: string, description: string, extra: Extra = {}): FieldSchema => ({
  description,
  ref: name,
  ...extra,
});
export const time = (description: string, extra: Extra = {}): FieldSchema =>
  ref(TIME, description, extra);
export const enumStr = (values: readonly string[], description: string): FieldSchema => ({
  description,
  type: 'string',
  enum: values,
});
export const arr = (items: FieldSchema, description: string, extra: Extra = {}): FieldSchema => ({
  description,
  type: 'array',
  items,
  ...extra,
});
/** A list of definitions; pass patch/list metadata in `extra`. */
export const arrOf = (name: string, description: string, extra: Extra = {}): FieldSchema =>
  arr({ description: '', ref: name }, description, extra);
export const strList = (description: string, extra: Extra = {}): FieldSchema =>
  arr({ description: '', type: 'string' }, description, extra);
export const strMap = (description: string): FieldSchema => ({
  description,
  type: 'object',
  additionalProperties: { description: '', type: 'string' },
});
export const quantityMap = (description: string): FieldSchema => ({
  description,
  type: 'object',
  additionalProperties: { description: '', ref: QUANTITY },
});

/** A free-form object svclab stores but does not interpret. */
export const opaque = (description: string): FieldSchema => ({
  description,
  type: 'object',
  preserveUnknownFields: true,
});

/** A struct definition. */
export const obj = (
  description: string,
  properties: Record<string, FieldSchema>,
  rest: { required?: string[]; gvk?: SchemaGVK[]; mapType?: 'atomic' | 'granular' } = {},
): DefinitionSchema => ({ description, type: 'object', properties, ...rest });

/** The `apiVersion`, `kind` and `metadata` every top-level kind carries. */
export const typeMeta = (): Record<string, FieldSchema> => ({
  apiVersion: str(
    'Versioned schema of this object, e.g. v1 or apps/v1; the server converts to the version it serves.',
  ),
  kind: str(
    'The REST resource this object represents, in CamelCase; the server infers it from the endpoint.',
  ),
});
export const objectMeta = (): FieldSchema =>
  ref(
    `${META}ObjectMeta`,
    'Standard object metadata: name, namespace, labels, annotations and server-filled fields.',
  );
export const listMeta = (): FieldSchema =>
  ref(
    `${META}ListMeta`,
    'Standard list metadata: the resourceVersion to watch from and the continue token.',
  );

/** A top-level kind: apiVersion/kind/metadata plus its own fields, tagged with its GVK. */
export const kind = (
  gvk: SchemaGVK,
  description: string,
  properties: Record<string, FieldSchema>,
): DefinitionSchema => ({
  description,
  type: 'object',
  properties: { ...typeMeta(), metadata: objectMeta(), ...properties },
  gvk: [gvk],
});

/** The same definition with required fields. */
export const requiring = (def: DefinitionSchema, required: string[]): DefinitionSchema => ({
  ...def,
  required,
});

/** The `<Kind>List` definition of a kind. */
export const listKind = (gvk: SchemaGVK, itemDefinition: string): DefinitionSchema => ({
  description: `A list of ${gvk.kind} objects.`,
  type: 'object',
  properties: {
    ...typeMeta(),
    metadata: listMeta(),
    items: arrOf(itemDefinition, `The ${gvk.kind} objects in this list.`),
  },
  required: ['items'],
  gvk: [{ ...gvk, kind: `${gvk.kind}List` }],
});
