// REST handlers for every resource in the register. Handlers only decode, call the registry and
// encode (house rule 7); validation, defaulting and allocation live in the registry strategies.
import type { Request, RequestHandler, Response } from 'express';
import { groupVersion, type DeleteOptions, type KubeObject, type Node, type Pod, type ResourceInfo, type Status, type Table } from '@svclab/api';
import { newBadRequest, newConflict, newMethodNotSupported, parseResourceVersion, StatusError } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { unknownFields } from '../openapi/index.js';
import { applyJsonMergePatch, applyJsonPatch, applyStrategicMergePatch } from '../patch/index.js';
import { printTable } from '../printers/index.js';
import { applyScale, toScale, type Scale } from '../registry/scale.js';
import { finishApply, type ApplyRequest } from '../registry/server-side-apply.js';
import type { Store } from '../registry/generic/store.js';
import { parseSelection, type Selection } from '../registry/generic/selection.js';
import type { RequestContext } from '../registry/generic/strategy.js';
import type { Registry } from '../registry/registry.js';
import type { Storage } from '../storage/interface.js';
import { asObject, mediaType, patchTypeOf, readBody, readRaw, type PatchType } from './body.js';
import { decodeKubernetesProtobuf, protobufMediaType } from '../protobuf/decode.js';
import type { RequestLabels } from './metrics.js';
import { includeObjectOf, wantsTable, type IncludeObject } from './negotiation.js';
import { parseResourcePath, splitAPIPath, type ResourceRequest } from './request-info.js';
import { storedJSON } from '../storage/stored-json.js';
import { servePodLog } from './pod-log.js';
import { sendJSON, sendJSONText } from './status-middleware.js';
import { serveWatch } from './watch.js';

export interface RouteDeps {
  readonly storage: Storage;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK. */
  readonly bookmarkIntervalMs: number;
  /** Longest watch when the client gives no timeoutSeconds (upstream: 30–60 min). */
  readonly maxWatchSeconds: number;
}

/** One resource request on its way through a handler. */
interface Call {
  readonly req: Request;
  readonly res: Response;
  readonly r: ResourceRequest;
  readonly store: Store;
}

/** Where q() keeps the parsed query string on the request: express 5 parses `req.query` on every read. */
const parsedQuery = Symbol('svclab.parsedQuery');
const noQuery: Readonly<Record<string, unknown>> = Object.freeze({});

function q(req: Request, name: string): string | undefined {
  const r = req as Request & { [parsedQuery]?: Record<string, unknown> };
  const query = (r[parsedQuery] ??= req.url.includes('?') ? req.query : noQuery);
  const v = query[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function intParam(req: Request, name: string): number | undefined {
  const v = q(req, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw newBadRequest(`invalid value for ${name}: "${v}"`);
  return n;
}

/** The Status kube-apiserver answers for a path it does not serve (its mux's 404). */
export function notFoundPathStatus(): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] },
    code: 404,
  };
}

function notFoundPath(): StatusError {
  return new StatusError(notFoundPathStatus());
}

function ctxOf(req: Request, res: Response): RequestContext {
  const dry = q(req, 'dryRun');
  if (dry !== undefined && dry !== '' && dry !== 'All') {
    throw newBadRequest(`Invalid dryRun value: ${dry}; supported values: "All"`);
  }
  const tp = res.locals['traceparent'] as string | undefined;
  const fm = q(req, 'fieldManager');
  return {
    ...(tp !== undefined ? { traceparent: tp } : {}),
    ...(dry === 'All' ? { dryRun: true } : {}),
    ...(fm !== undefined ? { fieldManager: fm } : {}),
  };
}

function verbOf(req: Request, r: ResourceRequest): string {
  const watch = q(req, 'watch');
  switch (req.method) {
    case 'GET':
      if (watch === 'true' || watch === '1') return 'WATCH';
      return r.name === undefined ? 'LIST' : 'GET';
    case 'POST':
      return 'POST';
    case 'PUT':
      return 'PUT';
    case 'PATCH':
      return mediaType(req) === 'application/apply-patch+yaml' ? 'APPLY' : 'PATCH';
    case 'DELETE':
      return r.name === undefined ? 'DELETECOLLECTION' : 'DELETE';
    default:
      return req.method;
  }
}

/** fieldValidation (default Warn): Strict → 400, Warn → `Warning` headers, Ignore → nothing. */
function checkFields(c: Pick<Call, 'req' | 'res' | 'r'>, obj: Record<string, unknown>): void {
  const { req, res } = c;
  const info = c.r.info;
  const kind = info.kind;
  const mode = q(req, 'fieldValidation') ?? 'Warn';
  if (mode !== 'Ignore' && mode !== 'Warn' && mode !== 'Strict') {
    throw newBadRequest(`fieldValidation parameter unsupported: ${mode}`);
  }
  if (mode === 'Ignore') return;
  const unknown = unknownFields(groupVersion(info), kind, obj);
  if (unknown.length === 0) return;
  const msgs = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict') {
    throw newBadRequest(`${kind} in version "${info.version}" cannot be handled as a ${kind}: strict decoding error: ${msgs.join(', ')}`);
  }
  for (const m of msgs) res.append('Warning', `299 - ${JSON.stringify(m)}`);
}

/** The decoded body as an object of this resource's kind, or 400. */
function decodeObject(info: ResourceInfo, body: unknown): KubeObject {
  const o = asObject(body);
  const kind = o['kind'];
  const apiVersion = o['apiVersion'];
  if (kind !== undefined && kind !== info.kind) {
    throw newBadRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${JSON.stringify(kind)} (${JSON.stringify(apiVersion) as string | undefined ?? 'undefined'})`);
  }
  if (apiVersion !== undefined && apiVersion !== groupVersion(info)) {
    throw newBadRequest(
      `the API version in the data (${JSON.stringify(apiVersion)}) does not match the expected API version (${groupVersion(info)})`,
    );
  }
  const meta = o['metadata'];
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    throw newBadRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: metadata must be an object`);
  }
  if (meta === undefined) o['metadata'] = {};
  const obj = o as unknown as KubeObject;
  obj.apiVersion = groupVersion(info);
  obj.kind = info.kind;
  return obj;
}

/**
 * Makes every row's `object` what kubectl decodes (upstream: PartialObjectMetadata for
 * includeObject=Metadata, the full object for Object, nothing for None), whatever the printer put there.
 */
function finishTable(t: Table, items: readonly KubeObject[], include: IncludeObject): Table {
  for (const [i, row] of t.rows.entries()) {
    const item = items[i];
    if (item === undefined) continue;
    const obj = row.object as { kind?: unknown } | undefined;
    if (include === 'None') delete row.object;
    else if (include === 'Object') row.object = item;
    else if (obj === undefined || obj.kind === undefined) {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata };
    }
  }
  return t;
}

export function resourceRoutes(deps: RouteDeps): RequestHandler {
  const { registry, logger, now } = deps;

  const encodeOne = (req: Request, info: ResourceInfo, obj: KubeObject): unknown => {
    if (!wantsTable(req.headers.accept)) return obj;
    const include = includeObjectOf(q(req, 'includeObject'));
    const t = finishTable(printTable(info, [obj], { includeObject: include, now: now() }), [obj], include);
    t.metadata = { resourceVersion: obj.metadata.resourceVersion ?? '' };
    return t;
  };

  /**
   * Sends the object a create or update returned: as the text storage wrote when the client takes
   * plain JSON (the same bytes encoding it would give), else as encodeOne does.
   */
  const sendWritten = (c: Call, code: number, obj: KubeObject): void => {
    const text = wantsTable(c.req.headers.accept) ? undefined : storedJSON(obj);
    if (text === undefined) sendJSON(c.res, code, encodeOne(c.req, c.r.info, obj));
    else sendJSONText(c.res, code, text);
  };

  const selectionOf = (req: Request, r: ResourceRequest): Selection => {
    let fs = q(req, 'fieldSelector');
    if (r.name !== undefined) fs = [fs, `metadata.name=${r.name}`].filter((x) => x !== undefined && x !== '').join(',');
    return parseSelection(r.info.resource, q(req, 'labelSelector'), fs);
  };

  async function list(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const limit = intParam(req, 'limit');
    const cont = q(req, 'continue');
    const page = await store.list({
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      selection: selectionOf(req, r),
      ...(limit !== undefined ? { limit } : {}),
      ...(cont !== undefined ? { continueToken: cont } : {}),
    });
    const metadata = {
      resourceVersion: page.resourceVersion,
      ...(page.continueToken !== undefined ? { continue: page.continueToken } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    };
    if (wantsTable(req.headers.accept)) {
      const include = includeObjectOf(q(req, 'includeObject'));
      const t = finishTable(printTable(r.info, page.items, { includeObject: include, now: now() }), page.items, include);
      t.metadata = metadata;
      sendJSON(res, 200, t);
      return;
    }
    sendJSON(res, 200, { apiVersion: groupVersion(r.info), kind: r.info.listKind, metadata, items: page.items });
  }

  async function watch(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const rvParam = q(req, 'resourceVersion');
    let fromRev: number | undefined;
    try {
      fromRev = rvParam === undefined || rvParam === '' ? undefined : parseResourceVersion(rvParam);
    } catch {
      throw newBadRequest(`invalid resource version "${rvParam ?? ''}"`);
    }
    const timeout = intParam(req, 'timeoutSeconds');
    const selection = selectionOf(req, r);
    const bookmarks = q(req, 'allowWatchBookmarks');
    const initial = q(req, 'sendInitialEvents');
    await serveWatch(req, res, {
      storage: deps.storage,
      store,
      info: r.info,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      selection,
      ...(fromRev !== undefined ? { fromRev } : {}),
      timeoutSeconds:
        timeout !== undefined && timeout > 0
          ? Math.min(timeout, deps.maxWatchSeconds * 2)
          : deps.maxWatchSeconds * (1 + Math.random()),
      allowBookmarks: bookmarks === 'true' || bookmarks === '1',
      sendInitialEvents: initial === 'true',
      bookmarkIntervalMs: deps.bookmarkIntervalMs,
      encode: (o) => encodeOne(req, r.info, o),
      plainJSON: !wantsTable(req.headers.accept),
      logger,
    });
  }

  async function get(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const name = r.name ?? '';
    const obj = await store.get(r.namespace ?? '', name);
    if (r.subresource === 'log') {
      const pod = obj as Pod;
      const nodeName = pod.spec?.nodeName ?? '';
      if (nodeName === '') throw newBadRequest(`pod ${name} does not have a host assigned`);
      const node = await registry.store('nodes')?.get('', nodeName);
      if (node === undefined) throw newBadRequest(`node ${nodeName} of pod ${name} is not known`);
      await servePodLog(req, res, { pod, node: node as Node });
      return;
    }
    if (r.subresource === 'scale') {
      sendJSON(res, 200, toScale(obj));
      return;
    }
    sendJSON(res, 200, encodeOne(req, r.info, obj));
  }

  async function create(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const ctx = ctxOf(req, res);
    const body = await readBody(req);
    const obj = decodeObject(r.info, body);
    checkFields(c, obj as unknown as Record<string, unknown>);
    const created = await store.createOwned(r.namespace ?? '', obj, ctx);
    sendWritten(c, 201, created);
  }

  async function bind(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const name = r.name ?? '';
    const ctx = ctxOf(req, res);
    const body = asObject(await readBody(req));
    const target = body['target'] as { name?: unknown } | undefined;
    const node = typeof target?.name === 'string' ? target.name : '';
    if (node === '') throw newBadRequest('Binding target.name is required');
    await store.update(
      { namespace: r.namespace ?? '', name },
      (cur) => {
        if (cur === undefined) return { metadata: {} };
        const pod = structuredClone(cur) as Pod;
        const assigned = pod.spec?.nodeName ?? '';
        if (assigned !== '') {
          throw newConflict({ group: '', resource: 'pods' }, name, `pod ${name} is already assigned to node "${assigned}"`);
        }
        if (pod.metadata.deletionTimestamp !== undefined) {
          throw newConflict({ group: '', resource: 'pods' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
        }
        pod.spec = { ...(pod.spec ?? { containers: [] }), nodeName: node };
        delete pod.metadata.resourceVersion;
        return pod;
      },
      { ctx },
    );
    sendJSON(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  async function update(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const name = r.name ?? '';
    const ctx = ctxOf(req, res);
    const body = await readBody(req);
    const ns = r.namespace ?? '';
    if (r.subresource === 'scale') {
      const scale = asObject(body) as unknown as Scale;
      const { object } = await store.update(
        { namespace: ns, name },
        (cur) => {
          if (cur === undefined) return { metadata: {} };
          return applyScale(cur, scale);
        },
        { ctx },
      );
      sendJSON(res, 200, toScale(object));
      return;
    }
    const obj = decodeObject(r.info, body);
    checkFields(c, obj as unknown as Record<string, unknown>);
    // `obj` is the decoded body, used for nothing else: the store may take it over.
    const { object, created } = await store.update({ namespace: ns, name }, () => obj, {
      ctx,
      owned: 'body',
      ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
    });
    sendWritten(c, created ? 201 : 200, object);
  }

  function applyOne(pt: PatchType, info: ResourceInfo, input: { cur: unknown; patch: unknown }): unknown {
    const { cur, patch } = input;
    switch (pt) {
      case 'json':
        if (!Array.isArray(patch)) throw newBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        return applyJsonPatch(cur, patch);
      case 'merge':
        asObject(patch);
        return applyJsonMergePatch(cur, patch);
      case 'strategic':
      case 'apply':
        asObject(patch);
        return applyStrategicMergePatch(cur, patch, groupVersion(info), info.kind);
    }
  }

  async function patch(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const name = r.name ?? '';
    const ctx = ctxOf(req, res);
    const pt = patchTypeOf(mediaType(req));
    if (pt === undefined) {
      throw new StatusError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    }
    if (pt === 'apply' && (ctx.fieldManager ?? '') === '') {
      throw newBadRequest('PATCH ' + req.path + ': fieldManager is required for apply requests');
    }
    if (pt === 'apply' && r.subresource !== undefined) {
      throw newBadRequest('server-side apply is not supported on subresources by this server');
    }
    const body = await readBody(req);
    const applyReq = (): ApplyRequest => ({ manager: ctx.fieldManager ?? '', apiVersion: groupVersion(r.info), now: now() });
    const patchRV = (asObjectOrUndefined(body)?.['metadata'] as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    const ns = r.namespace ?? '';
    let warned = false;
    const { object, created } = await store.update(
      { namespace: ns, name },
      (cur) => {
        if (cur === undefined) {
          if (pt !== 'apply') throw storeNotFound(r.info, name);
          const obj = finishApply(decodeObject(r.info, structuredClone(body)), body, applyReq());
          if (!warned) checkFields(c, obj as unknown as Record<string, unknown>);
          warned = true;
          return obj;
        }
        const base: unknown = r.subresource === 'scale' ? toScale(cur) : cur;
        const patched = asObject(applyOne(pt, r.info, { cur: structuredClone(base), patch: structuredClone(body) }));
        if (r.subresource === 'scale') return applyScale(cur, patched as unknown as Scale);
        if (patched['metadata'] === undefined) patched['metadata'] = {};
        const obj = patched as unknown as KubeObject;
        if (typeof patchRV !== 'string' || patchRV === '') delete obj.metadata.resourceVersion;
        if (pt === 'apply') finishApply(obj, body, { ...applyReq(), live: cur });
        if (!warned) checkFields(c, obj as unknown as Record<string, unknown>);
        warned = true;
        return obj;
      },
      {
        ctx,
        ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
        ...(pt === 'apply' ? { allowCreate: true } : {}),
        // json/merge/strategic patches apply to copies of `cur` and the body, made on every call;
        // scale (applyScale) and apply (finishApply, live managedFields) may share with `cur`.
        ...(pt !== 'apply' && r.subresource !== 'scale' ? { owned: 'fresh' as const } : {}),
      },
    );
    if (r.subresource === 'scale') {
      sendJSON(res, 200, toScale(object));
      return;
    }
    sendWritten(c, created ? 201 : 200, object);
  }

  async function deleteOptions(req: Request): Promise<DeleteOptions> {
    let opts: DeleteOptions = {};
    const hasBody = Number(req.headers['content-length'] ?? '0') > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody) {
      const raw = await readRaw(req);
      if (raw.length > 0 && mediaType(req) === protobufMediaType) {
        opts = decodeKubernetesProtobuf(raw);
      } else if (raw.length > 0) {
        try {
          opts = asObject(JSON.parse(raw.toString('utf8')));
        } catch (err) {
          throw newBadRequest(`couldn't decode DeleteOptions: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const grace = intParam(req, 'gracePeriodSeconds');
    if (grace !== undefined) opts.gracePeriodSeconds = grace;
    const pp = q(req, 'propagationPolicy');
    if (pp === 'Orphan' || pp === 'Background' || pp === 'Foreground') opts.propagationPolicy = pp;
    return opts;
  }

  async function del(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const name = r.name ?? '';
    const opts = await deleteOptions(req);
    const ctx = ctxOf(req, res);
    const dryRun = ctx.dryRun === true || (opts.dryRun ?? []).includes('All');
    const obj = await store.delete({ namespace: r.namespace ?? '', name }, opts, { ...ctx, ...(dryRun ? { dryRun } : {}) });
    sendJSON(res, 200, obj);
  }

  async function deleteCollection(c: Call): Promise<void> {
    const { req, res, r, store } = c;
    const opts = await deleteOptions(req);
    const ctx = ctxOf(req, res);
    const items = await store.deleteCollection(
      { ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), selection: selectionOf(req, r) },
      opts,
      ctx,
    );
    sendJSON(res, 200, { apiVersion: groupVersion(r.info), kind: r.info.listKind, metadata: {}, items });
  }

  return async (req, res, next) => {
    const split = splitAPIPath(req.path);
    if (split === undefined || split.parts.length === 0) {
      next();
      return;
    }
    const parsed = parseResourcePath(split.group, split.version, split.parts);
    if (parsed === undefined) {
      next();
      return;
    }
    if (parsed.type === 'unknown') throw notFoundPath();
    const r = parsed.request;
    const store = registry.store(r.info.resource);
    if (store === undefined) throw notFoundPath();
    const verb = verbOf(req, r);
    const labels: RequestLabels = {
      verb,
      group: r.info.group,
      version: r.info.version,
      resource: r.info.resource,
      subresource: r.subresource ?? '',
      scope: r.name !== undefined ? 'resource' : r.namespace !== undefined ? 'namespace' : 'cluster',
    };
    res.locals['requestInfo'] = labels;
    res.locals['route'] = `${r.info.group === '' ? '/api' : `/apis/${r.info.group}`}/${r.info.version}${
      r.info.namespaced ? '/namespaces/{namespace}' : ''
    }/${r.info.resource}${r.name !== undefined ? '/{name}' : ''}${r.subresource !== undefined ? `/${r.subresource}` : ''}`;
    const name = r.name;
    const call: Call = { req, res, r, store };
    const gr = { group: r.info.group, resource: r.subresource ? `${r.info.resource}/${r.subresource}` : r.info.resource };
    // pods/log is read-only: GET, nothing else (upstream serves only `get` on it).
    if (r.subresource === 'log' && verb !== 'GET') throw newMethodNotSupported(gr, verb.toLowerCase());
    switch (verb) {
      case 'WATCH':
        await watch(call);
        return;
      case 'LIST':
        await list(call);
        return;
      case 'GET':
        await get(call);
        return;
      case 'POST':
        if (name === undefined && r.subresource === undefined) await create(call);
        else if (r.subresource === 'binding' && name !== undefined) await bind(call);
        else throw newMethodNotSupported(gr, 'create');
        return;
      case 'PUT':
        if (name === undefined || r.subresource === 'binding') throw newMethodNotSupported(gr, 'update');
        await update(call);
        return;
      case 'PATCH':
      case 'APPLY':
        if (name === undefined || r.subresource === 'binding') throw newMethodNotSupported(gr, 'patch');
        await patch(call);
        return;
      case 'DELETE':
        if (r.subresource !== undefined || name === undefined) throw newMethodNotSupported(gr, 'delete');
        await del(call);
        return;
      case 'DELETECOLLECTION':
        if (r.namespace === undefined && r.info.namespaced && r.subresource === undefined) {
          // Upstream serves deletecollection across namespaces too.
        }
        await deleteCollection(call);
        return;
      default:
        throw newMethodNotSupported(gr, req.method.toLowerCase());
    }
  };
}

function asObjectOrUndefined(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function storeNotFound(info: ResourceInfo, name: string): StatusError {
  const qualified = info.group === '' ? info.resource : `${info.resource}.${info.group}`;
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${qualified} "${name}" not found`,
    reason: 'NotFound',
    details: { name, kind: info.resource, ...(info.group !== '' ? { group: info.group } : {}) },
    code: 404,
  });
}
