// The REST operations of every served resource, described once and rendered into OpenAPI v2 and v3.
import { AllResources, groupVersion, type ResourceInfo } from '@svclab/api';
import { DefinitionPrefixes, type SchemaGVK } from '@svclab/api/schema';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const STATUS_DEF = `${META}Status`;
export const PATCH_DEF = `${META}Patch`;
export const DELETE_OPTIONS_DEF = `${META}DeleteOptions`;

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete';

/** One HTTP operation on one path. */
export interface OperationSpec {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly action: Action;
  readonly operationId: string;
  readonly description: string;
  readonly gvk: SchemaGVK;
  /** Definition of the request body, if any. */
  readonly body?: string;
  /** Definition of the 200 response. */
  readonly response: string;
  readonly query: readonly QueryParam[];
}

export interface PathSpec {
  /** Absolute URL path template, e.g. `/api/v1/namespaces/{namespace}/services/{name}`. */
  readonly path: string;
  /** Discovery path of the group version: `api/v1` or `apis/apps/v1`. */
  readonly gvPath: string;
  readonly pathParams: readonly ('namespace' | 'name')[];
  readonly operations: readonly OperationSpec[];
}

/** Query parameters the apiserver understands; descriptions in our own words. */
export const QueryParams = {
  pretty: 'Indent the JSON output when true.',
  dryRun: 'When "All", run admission and validation but persist nothing.',
  fieldManager: 'Name of the actor making the change, for field ownership.',
  fieldValidation:
    'How unknown and duplicate fields are handled: Ignore drops them, Warn (default) drops them with a warning header, Strict rejects the request.',
  force: 'Apply requests only: take ownership of fields other managers hold.',
  labelSelector: 'Only return objects whose labels match this selector.',
  fieldSelector: 'Only return objects whose fields match this selector.',
  limit: 'Maximum number of items in one page.',
  continue: 'Token from a previous page to fetch the next one.',
  resourceVersion: 'Serve the list or start the watch at this version.',
  resourceVersionMatch: 'How resourceVersion is interpreted for a list: Exact or NotOlderThan.',
  watch: 'Stream changes instead of returning a list.',
  allowWatchBookmarks: 'Allow BOOKMARK events in a watch stream.',
  timeoutSeconds: 'End the list or watch after this many seconds.',
  sendInitialEvents: 'Start a watch with synthetic ADDED events for the current state.',
  gracePeriodSeconds: 'Seconds before the object is removed; 0 deletes immediately.',
  propagationPolicy:
    'Whether and how dependents are garbage collected: Orphan, Background or Foreground.',
} as const;
export type QueryParam = keyof typeof QueryParams;

/** Integer-valued query parameters (the rest are strings or booleans). */
export const IntegerParams: ReadonlySet<QueryParam> = new Set([
  'limit',
  'timeoutSeconds',
  'gracePeriodSeconds',
]);
export const BooleanParams: ReadonlySet<QueryParam> = new Set([
  'watch',
  'allowWatchBookmarks',
  'sendInitialEvents',
  'force',
]);

const listQuery: QueryParam[] = [
  'pretty',
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const writeQuery: QueryParam[] = ['pretty', 'dryRun', 'fieldManager', 'fieldValidation'];
const patchQuery: QueryParam[] = [...writeQuery, 'force'];
const deleteQuery: QueryParam[] = ['pretty', 'dryRun', 'gracePeriodSeconds', 'propagationPolicy'];

/** `CoreV1`, `AppsV1`, `DiscoveryV1` … as upstream operation ids spell the group version. */
function gvWord(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  const g = r.group === '' ? 'core' : (r.group.split('.')[0] ?? r.group);
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(g)}${cap(r.version)}`;
}

export function gvPathOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
}

function defName(r: ResourceInfo, kind: string): string {
  return `${DefinitionPrefixes[groupVersion(r)] ?? ''}${kind}`;
}

function resourcePaths(r: ResourceInfo): PathSpec[] {
  const gvPath = gvPathOf(r);
  const gvk: SchemaGVK = { group: r.group, version: r.version, kind: r.kind };
  const ns = r.namespaced ? 'Namespaced' : '';
  const word = gvWord(r);
  const base = r.namespaced
    ? `/${gvPath}/namespaces/{namespace}/${r.resource}`
    : `/${gvPath}/${r.resource}`;
  const params: ('namespace' | 'name')[] = r.namespaced ? ['namespace'] : [];
  const kindDef = defName(r, r.kind);
  const op = (o: Omit<OperationSpec, 'gvk'> & { gvk?: SchemaGVK }): OperationSpec => ({
    gvk,
    ...o,
  });
  const out: PathSpec[] = [
    {
      path: base,
      gvPath,
      pathParams: params,
      operations: [
        op({
          method: 'get',
          action: 'list',
          operationId: `list${word}${ns}${r.kind}`,
          description: `list or watch objects of kind ${r.kind}`,
          response: defName(r, r.listKind),
          query: listQuery,
        }),
        op({
          method: 'post',
          action: 'post',
          operationId: `create${word}${ns}${r.kind}`,
          description: `create a ${r.kind}`,
          body: kindDef,
          response: kindDef,
          query: writeQuery,
        }),
      ],
    },
    {
      path: `${base}/{name}`,
      gvPath,
      pathParams: [...params, 'name'],
      operations: [
        op({
          method: 'get',
          action: 'get',
          operationId: `read${word}${ns}${r.kind}`,
          description: `read the specified ${r.kind}`,
          response: kindDef,
          query: ['pretty'],
        }),
        op({
          method: 'put',
          action: 'put',
          operationId: `replace${word}${ns}${r.kind}`,
          description: `replace the specified ${r.kind}`,
          body: kindDef,
          response: kindDef,
          query: writeQuery,
        }),
        op({
          method: 'patch',
          action: 'patch',
          operationId: `patch${word}${ns}${r.kind}`,
          description: `partially update the specified ${r.kind}`,
          body: PATCH_DEF,
          response: kindDef,
          query: patchQuery,
        }),
        op({
          method: 'delete',
          action: 'delete',
          operationId: `delete${word}${ns}${r.kind}`,
          description: `delete a ${r.kind}`,
          body: DELETE_OPTIONS_DEF,
          response: STATUS_DEF,
          query: deleteQuery,
        }),
      ],
    },
  ];
  if (r.namespaced) {
    out.push({
      path: `/${gvPath}/${r.resource}`,
      gvPath,
      pathParams: [],
      operations: [
        op({
          method: 'get',
          action: 'list',
          operationId: `list${word}${r.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${r.kind} in all namespaces`,
          response: defName(r, r.listKind),
          query: listQuery,
        }),
      ],
    });
  }
  for (const sub of r.subresources) {
    // pods/log answers text/plain, not an object: left out of the documents.
    if (sub === 'log') continue;
    const subWord = sub.charAt(0).toUpperCase() + sub.slice(1);
    if (sub === 'binding') {
      const binding = `${DefinitionPrefixes['v1'] ?? ''}Binding`;
      out.push({
        path: `${base}/{name}/binding`,
        gvPath,
        pathParams: [...params, 'name'],
        operations: [
          op({
            method: 'post',
            action: 'post',
            operationId: `create${word}${ns}${r.kind}Binding`,
            description: `bind a ${r.kind} to a node`,
            gvk: { group: '', version: 'v1', kind: 'Binding' },
            body: binding,
            response: binding,
            query: writeQuery,
          }),
        ],
      });
      continue;
    }
    const subGVK: SchemaGVK =
      sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
    const subDef = sub === 'scale' ? `${DefinitionPrefixes['autoscaling/v1'] ?? ''}Scale` : kindDef;
    out.push({
      path: `${base}/{name}/${sub}`,
      gvPath,
      pathParams: [...params, 'name'],
      operations: [
        op({
          method: 'get',
          action: 'get',
          operationId: `read${word}${ns}${r.kind}${subWord}`,
          description: `read ${sub} of the specified ${r.kind}`,
          gvk: subGVK,
          response: subDef,
          query: ['pretty'],
        }),
        op({
          method: 'put',
          action: 'put',
          operationId: `replace${word}${ns}${r.kind}${subWord}`,
          description: `replace ${sub} of the specified ${r.kind}`,
          gvk: subGVK,
          body: subDef,
          response: subDef,
          query: writeQuery,
        }),
        op({
          method: 'patch',
          action: 'patch',
          operationId: `patch${word}${ns}${r.kind}${subWord}`,
          description: `partially update ${sub} of the specified ${r.kind}`,
          gvk: subGVK,
          body: PATCH_DEF,
          response: subDef,
          query: patchQuery,
        }),
      ],
    });
  }
  return out;
}

/** Every path the apiserver serves for resources, in register order. */
export const AllPaths: readonly PathSpec[] = AllResources.flatMap(resourcePaths);

/** The group-version paths with documents, e.g. `api/v1`, `apis/apps/v1`, `apis/autoscaling/v1`. */
export const GroupVersionPaths: readonly string[] = [
  ...new Set([...AllResources.map(gvPathOf), 'apis/autoscaling/v1']),
];

/** The media types a PATCH accepts. */
export const PatchContentTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
