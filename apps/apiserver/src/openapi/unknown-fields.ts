// Strict field checking: which fields of a decoded object the schema does not know.
import { newBadRequest, type StatusError } from '@svclab/apimachinery';
import { definitionName, Definitions, type FieldSchema } from '@svclab/api/schema';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walks a value against the schema, collecting the paths of unknown fields into `out`. */
function walker(out: string[]): (name: string, value: unknown, path: string) => void {
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
  const walkDefinition = (name: string, value: unknown, path: string): void => {
    const def = Definitions[name];
    if (
      def?.properties === undefined ||
      def.preserveUnknownFields === true ||
      !isPlainObject(value)
    )
      return;
    for (const [k, v] of Object.entries(value)) {
      const p = path === '' ? k : `${path}.${k}`;
      const f = def.properties[k];
      if (f === undefined) out.push(p);
      else walkField(f, v, p);
    }
  };
  return walkDefinition;
}

/**
 * JSON paths of the fields of `obj` that the schema of apiVersion/kind does not know, in document
 * order and upstream's notation (`spec.foo`, `spec.ports[0].foo`, `metadata.bar`). Empty for
 * unknown kinds and for free-form content (managedFields[].fieldsV1).
 */
export function unknownFields(apiVersion: string, kind: string, obj: unknown): string[] {
  const name = definitionName(apiVersion, kind);
  if (name === undefined) return [];
  const out: string[] = [];
  walker(out)(name, obj, '');
  return out;
}

/** `unknown field "spec.foo"`: one warning (fieldValidation=Warn) or one strict error item. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`. */
export function strictDecodingMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldMessage).join(', ')}`;
}

/**
 * The 400 upstream returns for fieldValidation=Strict with unknown fields on create/update:
 * `Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"`.
 */
export function newStrictDecodingError(
  apiVersion: string,
  kind: string,
  paths: readonly string[],
): StatusError {
  const version = apiVersion.includes('/')
    ? apiVersion.slice(apiVersion.indexOf('/') + 1)
    : apiVersion;
  return newBadRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: ${strictDecodingMessage(paths)}`,
  );
}
