// Kubernetes strategic merge patch (application/strategic-merge-patch+json), after
// k8s.io/apimachinery/pkg/util/strategicpatch (mergeMap with MergeParallelList and
// IgnoreUnmatchedNulls, as the apiserver applies it).
import {
  definitionName,
  Definitions,
  type DefinitionTable,
  type FieldSchema,
} from '@svclab/api/schema';
import {
  ErrBadJSONDoc,
  ErrBadPatchFormatForPrimitiveList,
  ErrBadPatchFormatForRetainKeys,
  ErrBadPatchFormatForSetElementOrderList,
  ErrNoListOfLists,
  errBadPatchType,
  errNoMergeKey,
  newPatchBadRequest,
  newPatchRejected,
} from './patch-errors.js';
import { fieldOf, itemShapeOf, patchStrategyOf, shapeOf, type Shape } from './patch-meta.js';

type Obj = Record<string, unknown>;

interface SliceOpts {
  readonly f: FieldSchema | undefined;
  /** The patch list is a `$deleteFromPrimitiveList/<field>` list. */
  readonly isDeleteList: boolean;
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList';
const SET_ORDER_PREFIX = '$setElementOrder';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of a value with null map values removed (discardNullValuesFromPatch). */
function discardNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = discardNulls(x);
  return out;
}

/** The element kind of one or more lists; mixed kinds and lists of lists are errors. */
function elementKind(...lists: readonly unknown[][]): 'map' | 'scalar' | undefined {
  let kind: 'map' | 'scalar' | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) throw newPatchRejected(ErrNoListOfLists);
      const k = isObj(v) ? 'map' : 'scalar';
      if (kind !== undefined && kind !== k)
        throw newPatchBadRequest('list element types are not identical');
      kind = k;
    }
  }
  return kind;
}

/** Position of `item` in `list`, comparing merge-key values for maps and values for scalars. */
function indexIn(list: readonly unknown[], item: unknown, mergeKey: string): number {
  const key = (v: unknown): unknown => (mergeKey === '' ? v : isObj(v) ? v[mergeKey] : undefined);
  const want = key(item);
  return list.findIndex((v) => key(v) === want);
}

function requireMergeKey(lists: readonly unknown[][], mergeKey: string): void {
  for (const list of lists) {
    for (const v of list) if (!isObj(v) || !(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
  }
}

/** Sorts `toSort` by position in `order` (stable); `$patch: delete` items go last. */
function normalizeSliceOrder(
  toSort: unknown[],
  order: readonly unknown[],
  { mergeKey, kind }: { mergeKey: string; kind: 'map' | 'scalar' },
): unknown[] {
  let keep = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    requireMergeKey([toSort, [...order]], mergeKey);
    keep = toSort.filter((v) => !(isObj(v) && v[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((v) => isObj(v) && v[DIRECTIVE] === 'delete');
  }
  const sorted = [...keep].sort((a, b) => {
    const ia = indexIn(order, a, mergeKey);
    const ib = indexIn(order, b, mergeKey);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...sorted, ...toDelete];
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`), keeping each list's relative
 * order and using the live order to place server-only items (mergeSortedSlice).
 */
function mergeSortedSlice(
  left: unknown[],
  right: unknown[],
  { serverOrder, mergeKey }: { serverOrder: readonly unknown[]; mergeKey: string },
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

interface OrderArgs {
  readonly merged: unknown[];
  readonly patchOrder: readonly unknown[];
  readonly serverOrder: readonly unknown[];
  readonly mergeKey: string;
  readonly kind: 'map' | 'scalar';
}

/** Splits merged items by presence in `patchOrder`, then sorts and interleaves them. */
function enforceOrder({ merged, patchOrder, serverOrder, mergeKey, kind }: OrderArgs): unknown[] {
  const inPatch = (v: unknown): boolean => indexIn(patchOrder, v, mergeKey) >= 0;
  if (kind === 'map') requireMergeKey([merged], mergeKey);
  const patchItems = normalizeSliceOrder(merged.filter(inPatch), patchOrder, { mergeKey, kind });
  const serverOnly = normalizeSliceOrder(
    merged.filter((v) => !inPatch(v)),
    serverOrder,
    { mergeKey, kind },
  );
  return mergeSortedSlice(serverOnly, patchItems, { serverOrder, mergeKey });
}

/** Applies `$patch` elements of a list of maps; returns the new original and the remaining patch. */
function mergeSliceWithSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  let orig = original;
  const rest: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    if (!isObj(v) || !(DIRECTIVE in v)) {
      rest.push(v);
      continue;
    }
    switch (v[DIRECTIVE]) {
      case 'delete': {
        if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
        const key = v[mergeKey];
        orig = orig.filter((o) => !(isObj(o) && o[mergeKey] === key));
        break;
      }
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw newPatchBadRequest('merging lists cannot yet be specified in the patch');
      default:
        throw errBadPatchType(v[DIRECTIVE], v);
    }
  }
  return replace ? [rest, []] : [orig, rest];
}

/**
 * The live list as upstream's `$setElementOrder` handling sees it after the merge.
 * NOTE: upstream's Go code deletes (`append(l[:k], l[k+1:]...)`) and appends in place on the live
 * list's backing array, then uses the live list's original slice header as the "server order" when
 * it sorts the result; the order it produces (and its tests expect) depends on that aliasing. This
 * replays those writes on a copy and returns what that header sees.
 */
function aliasedServerOrder(
  original: readonly unknown[],
  patch: readonly unknown[],
  mergeKey: string,
): unknown[] {
  const n = original.length;
  const view = [...original];
  const keyOf = (v: unknown): unknown => (isObj(v) ? v[mergeKey] : undefined);
  let live = [...original];
  let replace = false;
  for (const p of patch) {
    if (!isObj(p) || !(DIRECTIVE in p)) continue;
    if (p[DIRECTIVE] === 'replace') replace = true;
    if (p[DIRECTIVE] !== 'delete') continue;
    for (
      let k = live.findIndex((o) => keyOf(o) === p[mergeKey]);
      k >= 0;
      k = live.findIndex((o) => keyOf(o) === p[mergeKey])
    ) {
      view.copyWithin(k, k + 1, live.length);
      live = [...live.slice(0, k), ...live.slice(k + 1)];
    }
  }
  if (replace) return view;
  for (const p of patch) {
    if (isObj(p) && DIRECTIVE in p) continue;
    if (live.some((o) => keyOf(o) === keyOf(p))) continue;
    if (live.length < n) view[live.length] = p;
    live = [...live, p];
  }
  return view;
}

class Merger {
  constructor(private readonly defs: DefinitionTable) {}

  /** Merges `patch` into `original` (both plain objects) under `shape`; returns the result. */
  mergeMap(original: Obj, patch: Obj, shape: Shape): Obj {
    if (DIRECTIVE in patch) {
      const d = patch[DIRECTIVE];
      if (d === 'replace') {
        const out = { ...patch };
        Reflect.deleteProperty(out, DIRECTIVE);
        return out;
      }
      if (d === 'delete') return {};
      if (d !== 'merge') throw errBadPatchType(d, patch);
    }
    const out: Obj = { ...original };
    const p: Obj = { ...patch };
    Reflect.deleteProperty(p, DIRECTIVE);
    this.applyRetainKeys(out, p);
    this.applySetElementOrder(out, p, shape);
    for (const [rawKey, pv] of Object.entries(p)) {
      let k = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(`${DELETE_PRIMITIVE_PREFIX}/`)) {
        k = rawKey.slice(DELETE_PRIMITIVE_PREFIX.length + 1);
        isDeleteList = true;
        if (!Array.isArray(pv)) throw newPatchBadRequest(ErrBadPatchFormatForPrimitiveList);
      } else if (rawKey.startsWith('$')) {
        continue;
      }
      if (pv === null) {
        Reflect.deleteProperty(out, k);
        continue;
      }
      const f = fieldOf(this.defs, shape, k);
      const ov = out[k];
      if (ov === undefined) {
        if (!isDeleteList) out[k] = this.fresh(pv, f);
        continue;
      }
      if (isObj(ov) && isObj(pv)) {
        out[k] =
          patchStrategyOf(f) === 'replace' ? discardNulls(pv) : this.mergeMap(ov, pv, shapeOf(f));
      } else if (Array.isArray(ov) && Array.isArray(pv)) {
        out[k] = this.mergeSliceHandler(ov, pv, { f, isDeleteList });
      } else if (!isDeleteList) {
        out[k] = discardNulls(pv);
      }
    }
    return out;
  }

  /** A patch value for a key the original lacks: directives processed, nulls dropped. */
  private fresh(pv: unknown, f: FieldSchema | undefined): unknown {
    if (isObj(pv))
      return patchStrategyOf(f) === 'replace'
        ? discardNulls(pv)
        : this.mergeMap({}, pv, shapeOf(f));
    if (Array.isArray(pv)) return this.mergeSliceHandler([], pv, { f, isDeleteList: false });
    return pv;
  }

  private applyRetainKeys(original: Obj, patch: Obj): void {
    if (!(RETAIN_KEYS in patch)) return;
    const keys = patch[RETAIN_KEYS];
    Reflect.deleteProperty(patch, RETAIN_KEYS);
    if (!Array.isArray(keys)) throw newPatchBadRequest(ErrBadPatchFormatForRetainKeys);
    const keep = new Set(keys.map(String));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX))
        continue;
      if (!keep.has(k)) throw newPatchBadRequest(ErrBadPatchFormatForRetainKeys);
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) Reflect.deleteProperty(original, k);
  }

  /** Processes every `$setElementOrder/<field>` with its list (mergePatchIntoOriginal). */
  private applySetElementOrder(original: Obj, patch: Obj, shape: Shape): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ORDER_PREFIX)) continue;
      const order = patch[key];
      Reflect.deleteProperty(patch, key);
      if (!key.startsWith(`${SET_ORDER_PREFIX}/`) || !Array.isArray(order)) {
        throw newPatchBadRequest(ErrBadPatchFormatForSetElementOrderList);
      }
      const field = key.slice(SET_ORDER_PREFIX.length + 1);
      const f = fieldOf(this.defs, shape, field);
      const mergeKey = f?.patchMergeKey ?? '';
      const ov = original[field];
      const pv = patch[field];
      if (ov !== undefined && !Array.isArray(ov))
        throw newPatchBadRequest(ErrBadPatchFormatForSetElementOrderList);
      if (pv !== undefined && pv !== null && !Array.isArray(pv))
        throw newPatchBadRequest(ErrBadPatchFormatForSetElementOrderList);
      const originalList = ov ?? [];
      const patchList = Array.isArray(pv) ? pv : [];
      if (ov === undefined && !Array.isArray(pv)) continue;
      this.validateAgainstOrder(patchList, order, mergeKey);
      let merged: unknown[];
      if (!Array.isArray(pv)) merged = originalList;
      else merged = this.mergeSliceHandler(originalList, patchList, { f, isDeleteList: false });
      const kind = elementKind(originalList, patchList) ?? 'scalar';
      original[field] = enforceOrder({
        merged,
        patchOrder: order,
        serverOrder:
          Array.isArray(pv) && kind === 'map' && patchStrategyOf(f) === 'merge'
            ? aliasedServerOrder(originalList, patchList, mergeKey)
            : originalList,
        mergeKey,
        kind,
      });
      Reflect.deleteProperty(patch, field);
    }
  }

  /** The patch list's items must appear in the order list, in the same relative order. */
  private validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
    if (order.length === 0 || patchList.length === 0) return;
    const items =
      mergeKey === '' ? patchList : patchList.filter((v) => !(isObj(v) && DIRECTIVE in v));
    let pi = 0;
    let oi = 0;
    while (pi < items.length && oi < order.length) {
      if (mergeKey !== '') requireMergeKey([[items[pi]], [order[oi]]], mergeKey);
      if (indexIn([order[oi]], items[pi], mergeKey) === 0) pi++;
      oi++;
    }
    if (pi < items.length) {
      throw newPatchBadRequest(
        `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${SET_ORDER_PREFIX} list:\n${JSON.stringify(order)}\n`,
      );
    }
  }

  private mergeSliceHandler(original: unknown[], patch: unknown[], opts: SliceOpts): unknown[] {
    if (patchStrategyOf(opts.f) !== 'merge') {
      return opts.isDeleteList ? original : (discardNulls(patch) as unknown[]);
    }
    return this.mergeSlice(original, patch, opts);
  }

  private mergeSlice(original: unknown[], patch: unknown[], opts: SliceOpts): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind(original, patch) ?? 'scalar';
    const mergeKey = opts.f?.patchMergeKey ?? '';
    let merged: unknown[];
    let orig = original;
    let rest = patch;
    if (kind === 'scalar') {
      if (opts.isDeleteList) return original.filter((v) => !patch.includes(v));
      merged = [...new Set([...original, ...patch])];
    } else {
      if (mergeKey === '') throw newPatchBadRequest('cannot merge lists without merge key');
      [orig, rest] = mergeSliceWithSpecialElements(original, patch, mergeKey);
      merged = this.mergeWithoutSpecialElements(orig, rest, {
        mergeKey,
        itemShape: itemShapeOf(opts.f),
      });
    }
    return enforceOrder({
      merged,
      patchOrder: rest,
      serverOrder: orig,
      mergeKey: kind === 'scalar' ? '' : mergeKey,
      kind,
    });
  }

  private mergeWithoutSpecialElements(
    original: unknown[],
    patch: unknown[],
    opts: { mergeKey: string; itemShape: Shape },
  ): unknown[] {
    const out = [...original];
    for (const v of patch) {
      if (!isObj(v) || !(opts.mergeKey in v)) throw errNoMergeKey(v, opts.mergeKey);
      const at = out.findIndex((o) => isObj(o) && o[opts.mergeKey] === v[opts.mergeKey]);
      const existing = at >= 0 ? out[at] : undefined;
      if (isObj(existing)) out[at] = this.mergeMap(existing, v, opts.itemShape);
      else out.push(this.mergeMap({}, v, opts.itemShape));
    }
    return out;
  }
}

/** Where a strategic merge patch finds its patch metadata: a definition table and the root definition. */
export interface PatchSchema {
  readonly definitions: DefinitionTable;
  /** Name of the root definition; undefined merges maps and replaces lists everywhere. */
  readonly root: string | undefined;
}

/** Strategic merge patch against any schema (the served one, or a test schema). */
export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: PatchSchema,
): unknown {
  if (!isObj(patch)) throw newPatchBadRequest(ErrBadJSONDoc);
  const base = isObj(original) ? structuredClone(original) : {};
  const root: Shape =
    schema.root === undefined ? undefined : { kind: 'definition', name: schema.root };
  return new Merger(schema.definitions).mergeMap(base, structuredClone(patch), root);
}

/**
 * Applies a strategic merge patch to `original` (a decoded object of apiVersion/kind): maps merge,
 * `null` deletes, lists with `patchStrategy: merge` merge by their `patchMergeKey` (scalars: union),
 * other lists are replaced; `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are honoured. Unknown kinds
 * merge maps and replace lists. Returns a new object; throws a 400/422 StatusError on a bad patch.
 */
// eslint-disable-next-line max-params -- the CONTRACT signature in index.ts
export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  apiVersion: string,
  kind: string,
): unknown {
  return strategicMergePatch(original, patch, {
    definitions: Definitions,
    root: definitionName(apiVersion, kind),
  });
}
