// RFC 6902 JSON patch (application/json-patch+json) on fast-json-patch, with upstream's errors.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { newBadRequest, newRequestEntityTooLarge } from '@svclab/apimachinery';
import { newPatchRejected } from './patch-errors.js';

/** Upstream's cap on operations in one JSON patch (maxJSONPatchOperations). */
export const MaxJSONPatchOperations = 10_000;

interface PatchErrorLike {
  name: string;
  message: string;
  operation?: { op?: unknown; path?: unknown; from?: unknown };
}

function isPatchError(e: unknown): e is PatchErrorLike {
  return (
    e instanceof Error &&
    typeof (e as { name?: unknown }).name === 'string' &&
    (e as { name: string }).name !== 'Error'
  );
}

/** The evanphx/json-patch wording of a failed operation (what the apiserver would have said). */
function detail(e: PatchErrorLike): string {
  const op = e.operation ?? {};
  const path = typeof op.path === 'string' ? op.path : '';
  const from = typeof op.from === 'string' ? op.from : '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${typeof op.op === 'string' ? op.op : ''}`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      return op.op === 'remove'
        ? `unable to remove nonexistent key: ${path.split('/').pop() ?? ''}: missing value`
        : `${String(op.op)} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `add operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${String(op.op)} operation does not apply: doc is missing from path: "${from}": missing value`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `Unable to access invalid index: ${path.split('/').pop() ?? ''}: invalid index referenced`;
    default:
      return e.message.split('\n')[0] ?? e.message;
  }
}

/**
 * Applies RFC 6902 operations to a copy of `original`. A body that is not an array is a 400 (as
 * upstream's decoder says); an operation that fails is a 422 whose message is upstream's
 * `the server rejected our request due to an error in our request`, with the failing operation
 * described in `details.causes[0].message`.
 */
export function applyJsonPatch(original: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw newBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (operations.length > MaxJSONPatchOperations) {
    throw newRequestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${String(MaxJSONPatchOperations)}, got ${String(operations.length)}`,
    );
  }
  try {
    return jsonpatch.applyPatch(structuredClone(original), operations as Operation[], true, true)
      .newDocument;
  } catch (e) {
    if (isPatchError(e)) throw newPatchRejected(detail(e));
    throw newPatchRejected(e instanceof Error ? e.message : String(e));
  }
}
