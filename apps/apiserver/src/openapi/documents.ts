// Builds the /openapi/v2 and /openapi/v3 documents once, and keeps them serialized with their hashes.
import { createHash } from 'node:crypto';
import { Definitions } from '@svclab/api/schema';
import {
  AllPaths,
  BooleanParams,
  DELETE_OPTIONS_DEF,
  GroupVersionPaths,
  IntegerParams,
  PATCH_DEF,
  PatchContentTypes,
  QueryParams,
  STATUS_DEF,
  type OperationSpec,
  type PathSpec,
  type QueryParam,
} from './paths.js';
import { closure, refTo, renderDefinition, type OpenAPIVersion } from './render-schema.js';

type Json = Record<string, unknown>;

/** The Kubernetes version our documents claim to describe. */
export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.32.0' } as const;

const pathParamDescriptions = {
  namespace: 'object name and auth scope, such as for teams and projects',
  name: 'name of the object',
} as const;

function paramType(q: QueryParam): 'integer' | 'boolean' | 'string' {
  return IntegerParams.has(q) ? 'integer' : BooleanParams.has(q) ? 'boolean' : 'string';
}

function queryParam(v: OpenAPIVersion, q: QueryParam): Json {
  const t = paramType(q);
  return v === 'v2'
    ? { name: q, in: 'query', description: QueryParams[q], type: t, uniqueItems: true }
    : { name: q, in: 'query', description: QueryParams[q], schema: { type: t, uniqueItems: true } };
}

function pathParam(v: OpenAPIVersion, p: 'namespace' | 'name'): Json {
  return v === 'v2'
    ? {
        name: p,
        in: 'path',
        required: true,
        description: pathParamDescriptions[p],
        type: 'string',
        uniqueItems: true,
      }
    : {
        name: p,
        in: 'path',
        required: true,
        description: pathParamDescriptions[p],
        schema: { type: 'string', uniqueItems: true },
      };
}

function operation(v: OpenAPIVersion, p: PathSpec, op: OperationSpec): Json {
  const tag = p.gvPath
    .replace(/^apis?\//, '')
    .replace(/\.k8s\.io/, '')
    .replace(/[/.]/g, '_');
  const out: Json = {
    description: op.description,
    operationId: op.operationId,
    tags: [tag === 'v1' ? 'core_v1' : tag],
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': {
      group: op.gvk.group,
      kind: op.gvk.kind,
      version: op.gvk.version,
    },
  };
  const params = op.query.map((q) => queryParam(v, q));
  const resp = refTo(v, op.response);
  if (v === 'v2') {
    if (op.body !== undefined)
      params.unshift({
        name: 'body',
        in: 'body',
        required: op.method !== 'delete',
        schema: refTo(v, op.body),
      });
    if (op.method === 'patch') out['consumes'] = [...PatchContentTypes];
    out['produces'] = ['application/json', 'application/yaml'];
    out['schemes'] = ['https'];
    out['responses'] = {
      '200': { description: 'OK', schema: resp },
      '401': { description: 'Unauthorized' },
    };
  } else {
    if (op.body !== undefined) {
      const types =
        op.method === 'patch' ? [...PatchContentTypes] : ['application/json', 'application/yaml'];
      out['requestBody'] = {
        content: Object.fromEntries(
          types.map((t) => [t, { schema: refTo(v, op.body ?? PATCH_DEF) }]),
        ),
        ...(op.method === 'delete' ? {} : { required: true }),
      };
    }
    out['responses'] = {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: resp }, 'application/yaml': { schema: resp } },
      },
      '401': { description: 'Unauthorized' },
    };
  }
  out['parameters'] = params;
  return out;
}

function pathItems(v: OpenAPIVersion, specs: readonly PathSpec[]): Json {
  const paths: Json = {};
  for (const p of specs) {
    const item: Json = { parameters: p.pathParams.map((pp) => pathParam(v, pp)) };
    for (const op of p.operations) item[op.method] = operation(v, p, op);
    paths[p.path] = item;
  }
  return paths;
}

/** Definitions each document carries besides the ones its paths reach. */
const alwaysIncluded = [STATUS_DEF, DELETE_OPTIONS_DEF, PATCH_DEF];

function definitionsFor(
  v: OpenAPIVersion,
  specs: readonly PathSpec[],
  extraRoots: readonly string[] = [],
): Json {
  const roots = new Set<string>([...alwaysIncluded, ...extraRoots]);
  for (const p of specs) {
    for (const op of p.operations) {
      roots.add(op.response);
      if (op.body !== undefined) roots.add(op.body);
    }
  }
  const out: Json = {};
  for (const name of closure(Definitions, roots)) {
    const d = Definitions[name];
    if (d !== undefined) out[name] = renderDefinition(v, d);
  }
  return out;
}

function buildV2(): Json {
  return {
    swagger: '2.0',
    info: { ...OPENAPI_INFO },
    paths: pathItems('v2', AllPaths),
    definitions: definitionsFor('v2', AllPaths, Object.keys(Definitions)),
    securityDefinitions: {
      BearerToken: {
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
        description: 'Bearer token authentication',
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** Definition roots per group version beyond those its paths reach. */
const extraRootsByGV: Readonly<Record<string, readonly string[]>> = {
  'apis/autoscaling/v1': ['io.k8s.api.autoscaling.v1.Scale'],
  'api/v1': [
    'io.k8s.apimachinery.pkg.apis.meta.v1.Table',
    'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  ],
};

function buildV3(gvPath: string): Json {
  const specs = AllPaths.filter((p) => p.gvPath === gvPath);
  return {
    openapi: '3.0.0',
    info: { ...OPENAPI_INFO },
    paths: pathItems('v3', specs),
    components: {
      schemas: definitionsFor('v3', specs, extraRootsByGV[gvPath] ?? []),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          name: 'authorization',
          in: 'header',
          description: 'Bearer token authentication',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** A document as JSON text with its hash (upper-case hex SHA-512, as upstream's `?hash=`) and ETag. */
export interface SerializedDocument {
  readonly doc: Readonly<Json>;
  readonly body: string;
  readonly hash: string;
  /** Quoted, ready for the ETag header. */
  readonly etag: string;
}

function serialize(doc: Json): SerializedDocument {
  const body = JSON.stringify(doc);
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return { doc, body, hash, etag: `"${hash}"` };
}

interface Cache {
  readonly v2: SerializedDocument;
  readonly v3: ReadonlyMap<string, SerializedDocument>;
  readonly v3Root: SerializedDocument;
}

let cache: Cache | undefined;

/** Builds every document on first use; they never change while the process runs. */
export function documents(): Cache {
  if (cache !== undefined) return cache;
  const v3 = new Map(GroupVersionPaths.map((gv) => [gv, serialize(buildV3(gv))] as const));
  const root: Json = {
    paths: Object.fromEntries(
      [...v3].map(([gv, d]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` }]),
    ),
  };
  cache = { v2: serialize(buildV2()), v3, v3Root: serialize(root) };
  return cache;
}
