// The exact JSON text an object returned by a storage write was decoded from, so a response can
// send that text instead of encoding the object again.
import type { KubeObject } from '@svclab/api';

const texts = new WeakMap<KubeObject, string>();

/**
 * Remembers `json` as the text of `obj`, freshly decoded from it (`JSON.parse(json)`) by a storage
 * write. NOTE: `json` must be what `JSON.stringify(obj)` writes (serialise() output is), and `obj`
 * must not be modified afterwards by anyone who then sends `storedJSON(obj)`: the store and the
 * write routes hand it straight to the response (withType sets apiVersion and kind to the values
 * already stored).
 */
export function withStoredJSON(obj: KubeObject, json: string): KubeObject {
  texts.set(obj, json);
  return obj;
}

/** The text `obj` was decoded from by a storage write; undefined for any other object. */
export function storedJSON(obj: KubeObject): string | undefined {
  return texts.get(obj);
}
