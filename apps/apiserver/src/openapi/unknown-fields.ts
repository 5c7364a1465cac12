// Strict field checking: which fields of a decoded object the schema does not know.
//
// Each definition is compiled once, on first use, into a checker: a Map from its property names
// to the checkers of their values, with everything that cannot hold an unknown field (scalars,
// Time/Quantity/IntOrString, free-form content, lists and maps of strings) pruned to `null`. A
// check then does one Map lookup per key and allocates nothing but each object's key list unless
// it finds an unknown field: the current path is kept as segments on a stack and becomes a string
// only for an unknown field.
import { newBadRequest, type StatusError } from '@svclab/apimachinery';
import {
  definitionName,
  Definitions,
  type DefinitionTable,
  type FieldSchema,
} from '@svclab/api/schema';

/** The state of one check: the paths found, and the segments of the current path. */
interface Walk {
  readonly out: string[];
  /** segs[0..depth]: property or map keys (strings) and array indexes (numbers). */
  readonly segs: (string | number)[];
}

/** Checks `value`, found at the path segs[0..depth-1], for unknown fields. */
type Check = (value: unknown, w: Walk, depth: number) => void;

/**
 * The path of segs[0..depth] in upstream's notation: `spec.ports[0].foo`. The first segment is
 * always a key of the root definition; keys below it are joined with `.`, indexes as `[i]`.
 */
function pathOf(segs: readonly (string | number)[], depth: number): string {
  let p = String(segs[0]);
  for (let i = 1; i <= depth; i++) {
    const s = segs[i];
    p += typeof s === 'number' ? `[${String(s)}]` : `.${String(s)}`;
  }
  return p;
}

function arrayCheck(item: Check): Check {
  return (value, w, depth) => {
    if (!Array.isArray(value)) return;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      w.segs[depth] = i;
      item(value[i], w, depth + 1);
    }
  };
}

function mapCheck(entry: Check): Check {
  return (value, w, depth) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      w.segs[depth] = k;
      entry(obj[k], w, depth + 1);
    }
  };
}

/**
 * An unknown-field checker over `definitions`: `(definitionName, obj)` → the JSON paths of the
 * fields of `obj` that the definition does not know, in document order (own enumerable keys, as
 * Object.keys orders them). Definitions are compiled on first use and kept for the checker's life.
 *
 * Rules (unchanged from the schema-walking version): a definition checks the keys of non-array
 * objects only, and nothing below a definition without properties or with preserveUnknownFields.
 * A property's `ref` wins over `items` (walked for arrays) and `additionalProperties` (walked for
 * other objects); anything else (null, scalars, mismatched types) is not checked. Only a
 * definition's own properties are known: `toString` or `__proto__` in a body is unknown, as upstream.
 */
export function newUnknownFieldChecker(
  definitions: DefinitionTable,
): (definition: string, obj: unknown) => string[] {
  /** Compiled definition checkers by name; `null` for definitions nothing is checked below. */
  const compiled = new Map<string, Check | null>();

  /** The checker of a definition, or null when there is nothing to check below it. */
  const definitionCheck = (name: string): Check | null => {
    const cached = compiled.get(name);
    if (cached !== undefined || compiled.has(name)) return cached ?? null;
    const def = definitions[name];
    const props = def?.properties;
    if (props === undefined || def?.preserveUnknownFields === true) {
      compiled.set(name, null);
      return null;
    }
    // Filled below, once this checker is cached, so that recursive definitions compile.
    const fields = new Map<string, Check | null>();
    const check: Check = (value, w, depth) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const c = fields.get(k);
        if (c === null) continue;
        w.segs[depth] = k;
        if (c !== undefined) {
          c(obj[k], w, depth + 1);
          continue;
        }
        // Not a compiled field: unknown unless `props` has it as its own (set after compiling).
        const f = Object.hasOwn(props, k) ? props[k] : undefined;
        if (f === undefined) w.out.push(pathOf(w.segs, depth));
        else fieldCheck(f)?.(obj[k], w, depth + 1);
      }
    };
    compiled.set(name, check);
    for (const [k, f] of Object.entries(props)) {
      // An own property set to undefined is unknown: leave it to the inherited-key lookup.
      if ((f as FieldSchema | undefined) !== undefined) fields.set(k, fieldCheck(f));
    }
    return check;
  };

  /** The checker of a property's value, or null when there is nothing to check below it. */
  const fieldCheck = (f: FieldSchema): Check | null => {
    if (f.ref !== undefined) return definitionCheck(f.ref);
    const items = f.items === undefined ? null : fieldCheck(f.items);
    const values = f.additionalProperties === undefined ? null : fieldCheck(f.additionalProperties);
    if (items === null) return values === null ? null : mapCheck(values);
    if (values === null) return arrayCheck(items);
    const ofArray = arrayCheck(items);
    const ofMap = mapCheck(values);
    return (value, w, depth) => {
      if (Array.isArray(value)) ofArray(value, w, depth);
      else ofMap(value, w, depth);
    };
  };

  return (definition, obj) => {
    const w: Walk = { out: [], segs: [] };
    definitionCheck(definition)?.(obj, w, 0);
    return w.out;
  };
}

const check = newUnknownFieldChecker(Definitions);

/**
 * JSON paths of the fields of `obj` that the schema of apiVersion/kind does not know, in document
 * order and upstream's notation (`spec.foo`, `spec.ports[0].foo`, `metadata.bar`). Empty for
 * unknown kinds and for free-form content (managedFields[].fieldsV1).
 */
export function unknownFields(apiVersion: string, kind: string, obj: unknown): string[] {
  const name = definitionName(apiVersion, kind);
  return name === undefined ? [] : check(name, obj);
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
