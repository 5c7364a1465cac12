// The JSON RedisStorage stores for an object: the write script finds the resourceVersion
// placeholder in it and puts the new revision there.
import type { KubeObject } from '@svclab/api';
import { RvPlaceholder, RvPlaceholderJSON } from './redis-scripts.js';

const integerKey = /^(?:0|[1-9]\d*)$/;

/** Whether JSON.stringify would move one of `o`'s own keys ahead of the others (integer-like keys). */
function hasIntegerKey(o: object): boolean {
  for (const k of Object.keys(o)) if (integerKey.test(k)) return true;
  return false;
}

/**
 * `obj` as stored with `resourceVersion`: apiVersion, kind, metadata first, resourceVersion first in
 * metadata; shallow (the rest is shared with `obj`). JSON.stringify of it is serialise's output with
 * the placeholder replaced by `resourceVersion`.
 */
export function storedLayout(obj: KubeObject, resourceVersion: string): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  // resourceVersion first; the spread's own resourceVersion (if any) is overwritten in place.
  const meta = { resourceVersion, ...metadata };
  meta.resourceVersion = resourceVersion;
  return { apiVersion, kind, metadata: meta, ...rest };
}

/** The straightforward form of `serialise` (and its fallback for unusual objects). */
export function serialiseSpread(obj: KubeObject): string {
  return JSON.stringify(storedLayout(obj, RvPlaceholder));
}

/**
 * JSON of `obj` with `apiVersion`, `kind` first and the placeholder as the first metadata key:
 * byte for byte what `serialiseSpread` writes, without copying the object and its metadata first
 * (the copies were most of this function's cost on a create).
 */
export function serialise(obj: KubeObject): string {
  const metadata = obj.metadata as unknown;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || hasIntegerKey(obj) || hasIntegerKey(metadata)) {
    return serialiseSpread(obj);
  }
  let out = '{';
  const av = JSON.stringify(obj.apiVersion) as string | undefined;
  if (av !== undefined) out += `"apiVersion":${av},`;
  const kind = JSON.stringify(obj.kind) as string | undefined;
  if (kind !== undefined) out += `"kind":${kind},`;
  let md: string;
  if (Object.hasOwn(metadata, 'resourceVersion')) {
    const others: Record<string, unknown> = { ...metadata };
    delete others['resourceVersion'];
    md = JSON.stringify(others);
  } else md = JSON.stringify(metadata);
  out += `"metadata":{${RvPlaceholderJSON}${md === '{}' ? '}' : `,${md.slice(1)}`}`;
  for (const k of Object.keys(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    const v = JSON.stringify((obj as unknown as Record<string, unknown>)[k]) as string | undefined;
    if (v !== undefined) out += `,${JSON.stringify(k)}:${v}`;
  }
  return `${out}}`;
}
