// Status errors for bad patches, worded as k8s.io/apimachinery's mergepatch errors and the PATCH
// handler (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go) word them.
import { newBadRequest, StatusError } from '@svclab/apimachinery';

export const ErrBadJSONDoc = 'invalid JSON document';
export const ErrNoListOfLists = 'lists of lists are not supported';
export const ErrBadPatchFormatForPrimitiveList = 'invalid patch format of primitive list';
export const ErrBadPatchFormatForRetainKeys = 'invalid patch format of retainKeys';
export const ErrBadPatchFormatForSetElementOrderList =
  'invalid patch format of setElementOrder list';

/** What upstream's NewGenericServerResponse(422, …) says; the server's detail is lost upstream. */
export const RejectedMessage = 'the server rejected our request due to an error in our request';

/**
 * 422 Invalid as upstream sends for a patch that cannot be applied (a failing JSON-patch `test`, a
 * missing path, lists of lists). Upstream drops the detail; we keep it as the single cause so that
 * humans can see what failed, while `message` stays upstream's.
 */
export function newPatchRejected(detail: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: RejectedMessage,
    reason: 'Invalid',
    details: { causes: [{ message: detail }] },
    code: 422,
  });
}

/** 400 BadRequest with a merge-patch error text. */
export function newPatchBadRequest(message: string): StatusError {
  return newBadRequest(message);
}

/** Go's `%v` of decoded JSON (`map[a:1 b:[x y]]`), for messages that print a map. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** `map: map[…] does not contain declared merge key: port` */
export function errNoMergeKey(m: unknown, key: string): StatusError {
  return newPatchBadRequest(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

/** `unknown patch type: foo in map: map[…]` */
export function errBadPatchType(t: unknown, m: unknown): StatusError {
  return newPatchBadRequest(`unknown patch type: ${goValue(t)} in map: ${goValue(m)}`);
}
