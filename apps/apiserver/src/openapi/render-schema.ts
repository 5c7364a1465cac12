// Renders schema-source definitions as OpenAPI v2 (`#/definitions/…`) or v3 (`#/components/schemas/…`).
import type { DefinitionSchema, FieldSchema } from '@svclab/api/schema';

export type OpenAPIVersion = 'v2' | 'v3';
type Json = Record<string, unknown>;

const refPrefix = (v: OpenAPIVersion): string =>
  v === 'v2' ? '#/definitions/' : '#/components/schemas/';

/** A `$ref` to a definition in the right place for the version. */
export function refTo(v: OpenAPIVersion, name: string): Json {
  return { $ref: `${refPrefix(v)}${name}` };
}

function extensions(f: FieldSchema, out: Json): void {
  if (f.patchMergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.patchStrategy !== undefined) out['x-kubernetes-patch-strategy'] = f.patchStrategy;
  if (f.listType !== undefined) out['x-kubernetes-list-type'] = f.listType;
  if (f.listMapKeys !== undefined) out['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
  if (f.mapType !== undefined) out['x-kubernetes-map-type'] = f.mapType;
}

/** One property. v3 wraps refs in `allOf` so that siblings (description) stay valid, as upstream does. */
export function renderField(v: OpenAPIVersion, f: FieldSchema): Json {
  const out: Json = {};
  if (f.ref !== undefined) {
    if (v === 'v3') out['allOf'] = [refTo(v, f.ref)];
    else Object.assign(out, refTo(v, f.ref));
  } else {
    if (f.type !== undefined) out['type'] = f.type;
    if (f.format !== undefined) out['format'] = f.format;
    if (f.items !== undefined) out['items'] = renderField(v, f.items);
    if (f.additionalProperties !== undefined)
      out['additionalProperties'] = renderField(v, f.additionalProperties);
    if (f.enum !== undefined) out['enum'] = [...f.enum];
  }
  if (f.description !== '') {
    // Like upstream, list the possible enum values in the description too.
    out['description'] =
      f.enum === undefined || f.enum.length === 0
        ? f.description
        : `${f.description}\n\nPossible enum values:\n${f.enum.map((e) => ` - \`"${e}"\``).join('\n')}`;
  }
  if (f.nullable === true && v === 'v3') out['nullable'] = true;
  if (f.preserveUnknownFields === true && v === 'v3')
    out['x-kubernetes-preserve-unknown-fields'] = true;
  extensions(f, out);
  return out;
}

/** One named definition. */
export function renderDefinition(v: OpenAPIVersion, d: DefinitionSchema): Json {
  const out: Json = { description: d.description };
  if (d.type !== undefined) out['type'] = d.type;
  if (d.format !== undefined) out['format'] = d.format;
  if (d.properties !== undefined) {
    const props: Json = {};
    for (const [k, f] of Object.entries(d.properties)) props[k] = renderField(v, f);
    out['properties'] = props;
  }
  if (d.required !== undefined && d.required.length > 0) out['required'] = [...d.required];
  if (d.preserveUnknownFields === true && v === 'v3')
    out['x-kubernetes-preserve-unknown-fields'] = true;
  if (d.mapType !== undefined) out['x-kubernetes-map-type'] = d.mapType;
  if (d.gvk !== undefined)
    out['x-kubernetes-group-version-kind'] = d.gvk.map((g) => ({
      group: g.group,
      kind: g.kind,
      version: g.version,
    }));
  return out;
}

/** Names of all definitions reachable from `roots`, sorted. */
export function closure(
  defs: Readonly<Record<string, DefinitionSchema>>,
  roots: Iterable<string>,
): string[] {
  const seen = new Set<string>();
  const visitField = (f: FieldSchema): void => {
    if (f.ref !== undefined) visit(f.ref);
    if (f.items !== undefined) visitField(f.items);
    if (f.additionalProperties !== undefined) visitField(f.additionalProperties);
  };
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const d = defs[name];
    if (d === undefined) return;
    seen.add(name);
    for (const f of Object.values(d.properties ?? {})) visitField(f);
  };
  for (const r of roots) visit(r);
  return [...seen].sort();
}
