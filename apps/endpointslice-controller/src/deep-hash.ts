// deepHashObjectToString: a stable hash of a plain object. Upstream hashes Go's spew dump with
// FNV-128a; we hash canonical JSON (sorted keys, undefined dropped) with md5. The values differ
// from Go's, but the property that matters holds: equal content → equal hash.
import { createHash } from 'node:crypto';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

export function canonicalJSON(v: unknown): string {
  return v === undefined ? 'undefined' : JSON.stringify(canonical(v));
}

export function deepHash(v: unknown): string {
  return createHash('md5').update(canonicalJSON(v)).digest('hex');
}
