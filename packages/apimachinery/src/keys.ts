// Cache keys and resourceVersion helpers, as client-go's MetaNamespaceKeyFunc.
import type { KubeObject } from '@svclab/api';

/** `namespace/name`, or `name` for cluster-scoped objects. The only way keys are built. */
export function metaNamespaceKey(obj: Pick<KubeObject, 'metadata'>): string {
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  return ns === '' ? name : `${ns}/${name}`;
}

export function namespacedKey(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** resourceVersions are the store's global revision as a decimal string; this parses one. */
export function parseResourceVersion(rv: string | undefined): number {
  if (rv === undefined || rv === '') return 0;
  const n = Number(rv);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`invalid resource version "${rv}"`);
  return n;
}

export function compareResourceVersion(a: string | undefined, b: string | undefined): number {
  return parseResourceVersion(a) - parseResourceVersion(b);
}
