// RFC 7386 JSON merge patch (application/merge-patch+json).

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies an RFC 7386 merge patch: objects merge key by key, `null` deletes a key, anything else
 * (arrays included) replaces. Returns a new value; neither argument is modified.
 */
export function applyJsonMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = applyJsonMergePatch(out[k], v);
  }
  return out;
}
