// Patch application for PATCH requests. Each throws a StatusError (400/422) on a bad patch.
// CONTRACT (owned by the patch work; caller: the patch route):
//   applyJsonMergePatch(original, patch)                          RFC 7386
//   applyStrategicMergePatch(original, patch, apiVersion, kind)   k8s strategic merge (merge keys, $patch, $retainKeys, $setElementOrder)
//   applyJsonPatch(original, operations)                          RFC 6902
// None of them modifies its arguments.
export { applyJsonMergePatch } from './json-merge-patch.js';
export { applyJsonPatch, MaxJSONPatchOperations } from './json-patch.js';
export { applyStrategicMergePatch, strategicMergePatch } from './strategic-merge-patch.js';
export type { PatchSchema } from './strategic-merge-patch.js';
export { RejectedMessage } from './patch-errors.js';
