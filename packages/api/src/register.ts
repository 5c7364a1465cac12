// The one table of served resources: URL paths, client methods and informers derive from it.

export interface ResourceInfo {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case, as in URL paths. */
  readonly resource: string;
  readonly kind: string;
  readonly listKind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly subresources: readonly ('status' | 'scale' | 'binding' | 'log')[];
  readonly categories: readonly string[];
}

/** `apiVersion` as written in manifests: `v1` for the core group, otherwise `group/version`. */
function info(
  apiVersion: string,
  kind: string,
  rest: {
    resource: string;
    namespaced: boolean;
    shortNames?: string[];
    subresources?: ('status' | 'scale' | 'binding' | 'log')[];
    categories?: string[];
  },
): ResourceInfo {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    resource: rest.resource,
    namespaced: rest.namespaced,
    shortNames: rest.shortNames ?? [],
    subresources: rest.subresources ?? [],
    categories: rest.categories ?? [],
  };
}

export const Resources = {
  namespaces: info('v1', 'Namespace', {
    resource: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
  }),
  nodes: info('v1', 'Node', {
    resource: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
  }),
  pods: info('v1', 'Pod', {
    resource: 'pods',
    namespaced: true,
    shortNames: ['po'],
    subresources: ['status', 'binding', 'log'],
    categories: ['all'],
  }),
  services: info('v1', 'Service', {
    resource: 'services',
    namespaced: true,
    shortNames: ['svc'],
    subresources: ['status'],
    categories: ['all'],
  }),
  endpoints: info('v1', 'Endpoints', {
    resource: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
  }),
  events: info('v1', 'Event', { resource: 'events', namespaced: true, shortNames: ['ev'] }),
  endpointslices: info('discovery.k8s.io/v1', 'EndpointSlice', {
    resource: 'endpointslices',
    namespaced: true,
  }),
  leases: info('coordination.k8s.io/v1', 'Lease', { resource: 'leases', namespaced: true }),
  deployments: info('apps/v1', 'Deployment', {
    resource: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  replicasets: info('apps/v1', 'ReplicaSet', {
    resource: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  statefulsets: info('apps/v1', 'StatefulSet', {
    resource: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
} as const satisfies Record<string, ResourceInfo>;

export type ResourceName = keyof typeof Resources;

export const AllResources: readonly ResourceInfo[] = Object.values(Resources);

/** `v1` for the core group, otherwise `group/version`. */
export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** The collection path, e.g. `/api/v1/namespaces/ns/services` or `/apis/apps/v1/deployments`. */
export function resourcePath(r: ResourceInfo, namespace?: string): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace !== undefined
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`
    : `${prefix}/${r.resource}`;
}

export function resourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return AllResources.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}
