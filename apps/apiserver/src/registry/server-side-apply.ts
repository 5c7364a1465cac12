// Server-side apply, simplified: the applied configuration is merged into the live object
// (strategic merge), the manager's fields are recorded in managedFields (FieldsV1, lists owned
// whole), and fields the same manager applied before but no longer applies are removed unless
// another manager owns them. Conflicts between managers are not detected (last apply wins).
import type { KubeObject, ManagedFieldsEntry } from '@svclab/api';

/** FieldsV1: `{"f:spec": {"f:ports": {}}}`; `{}` marks an owned leaf (or a list owned whole). */
export type FieldsV1 = { [key: string]: FieldsV1 };

/** Fields that identify the object rather than belong to a manager (upstream excludes them too). */
const identity = new Set(['apiVersion', 'kind']);
const identityMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The field set of a map: every key, maps recursed into, anything else a leaf. */
export function fieldsOf(config: unknown): FieldsV1 {
  const out: FieldsV1 = {};
  if (!isMap(config)) return out;
  for (const [k, v] of Object.entries(config)) out[`f:${k}`] = isMap(v) ? fieldsOf(v) : {};
  return out;
}

/** The field set of an applied object: apiVersion, kind and metadata identity are not fields. */
export function objectFields(config: unknown): FieldsV1 {
  const out: FieldsV1 = {};
  if (!isMap(config)) return out;
  for (const [k, v] of Object.entries(config)) {
    if (identity.has(k)) continue;
    if (k === 'metadata' && isMap(v)) {
      const meta = fieldsOf(Object.fromEntries(Object.entries(v).filter(([mk]) => !identityMeta.has(mk))));
      if (Object.keys(meta).length > 0) out['f:metadata'] = meta;
      continue;
    }
    out[`f:${k}`] = isMap(v) ? fieldsOf(v) : {};
  }
  return out;
}

function has(set: FieldsV1 | undefined, path: readonly string[]): boolean {
  let cur: FieldsV1 | undefined = set;
  for (const p of path) {
    if (cur === undefined) return false;
    const next: FieldsV1 | undefined = cur[p];
    if (next === undefined) return false;
    // An owned leaf covers everything beneath it.
    if (Object.keys(next).length === 0) return true;
    cur = next;
  }
  return true;
}

/** Leaf paths of `prev` that `next` does not cover. */
function dropped(prev: FieldsV1, next: FieldsV1, at: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, sub] of Object.entries(prev)) {
    const path = [...at, k];
    // Only leaves are removed: a map the manager no longer mentions keeps what others put there.
    if (Object.keys(sub).length > 0) out.push(...dropped(sub, next, path));
    else if (!has(next, path)) out.push(path);
  }
  return out;
}

function removePath(obj: Record<string, unknown>, path: readonly string[]): void {
  let cur: unknown = obj;
  for (const [i, p] of path.entries()) {
    if (!isMap(cur)) return;
    const key = p.slice(2);
    if (i === path.length - 1) {
      Reflect.deleteProperty(cur, key);
      return;
    }
    cur = cur[key];
  }
}

export interface ApplyRequest {
  /** The object before the apply; undefined when the apply creates it. */
  readonly live?: KubeObject;
  readonly manager: string;
  readonly apiVersion: string;
  readonly now: Date;
}

/**
 * The object after `manager` applied `config` on top of `merged` (= strategic merge of config
 * into live): removes what the manager dropped since its last apply and records its fields.
 */
export function finishApply(merged: KubeObject, config: unknown, req: ApplyRequest): KubeObject {
  const entries = req.live?.metadata.managedFields ?? [];
  const mine = entries.find((e) => e.manager === req.manager && e.operation === 'Apply');
  const others = entries.filter((e) => e !== mine);
  const next = objectFields(config);
  if (mine?.fieldsV1 !== undefined) {
    for (const path of dropped(mine.fieldsV1 as FieldsV1, next)) {
      if (others.some((e) => has(e.fieldsV1 as FieldsV1 | undefined, path))) continue;
      removePath(merged as unknown as Record<string, unknown>, path);
    }
  }
  const entry: ManagedFieldsEntry = {
    manager: req.manager,
    operation: 'Apply',
    apiVersion: req.apiVersion,
    time: `${req.now.toISOString().slice(0, 19)}Z`,
    fieldsType: 'FieldsV1',
    fieldsV1: next,
  };
  merged.metadata.managedFields = [...others, entry];
  return merged;
}
