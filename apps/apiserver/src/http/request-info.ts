// Parses an API path into what it addresses (upstream apiserver RequestInfoFactory).
import { AllResources, type ResourceInfo } from '@svclab/api';
import { newBadRequest } from '@svclab/apimachinery';

export type Subresource = 'status' | 'scale' | 'binding' | 'log';

export interface ResourceRequest {
  readonly info: ResourceInfo;
  /** Set for namespaced paths (`/namespaces/{ns}/…`); undefined = all namespaces / cluster scope. */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: Subresource;
}

export type PathInfo =
  | { readonly type: 'resource'; readonly request: ResourceRequest }
  /** Group/version exists but the resource or subresource does not. */
  | { readonly type: 'unknown' };

/** Namespace subresources: `/api/v1/namespaces/{name}/status` addresses the namespace itself. */
const namespaceSubresources = new Set(['status', 'finalize']);

function isSubresource(s: string): s is Subresource {
  return s === 'status' || s === 'scale' || s === 'binding' || s === 'log';
}

/**
 * `/api/v1/...` or `/apis/{group}/{version}/...` with the prefix already split off:
 * `parts` are the segments after the version. Returns undefined for discovery paths (no parts).
 */
export function parseResourcePath(group: string, version: string, parts: readonly string[]): PathInfo | undefined {
  if (parts.length === 0) return undefined;
  let namespace: string | undefined;
  let rest = [...parts];
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && namespaceSubresources.has(rest[2] ?? ''))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub, ...extra] = rest;
  const info = AllResources.find((r) => r.group === group && r.version === version && r.resource === resource);
  if (info === undefined || extra.length > 0 || name === '') return { type: 'unknown' };
  if (namespace !== undefined && !info.namespaced) return { type: 'unknown' };
  if (sub !== undefined && (!isSubresource(sub) || !info.subresources.includes(sub))) return { type: 'unknown' };
  return {
    type: 'resource',
    request: {
      info,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(sub !== undefined && isSubresource(sub) ? { subresource: sub } : {}),
    },
  };
}

/** Splits a URL path into group, version and the rest, for `/api` and `/apis` prefixes. */
export function splitAPIPath(path: string): { group: string; version: string; parts: string[] } | undefined {
  let segs: string[];
  try {
    segs = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw newBadRequest(`malformed URL path: ${JSON.stringify(path)}`);
  }
  if (segs[0] === 'api' && segs.length >= 2) return { group: '', version: segs[1] ?? '', parts: segs.slice(2) };
  if (segs[0] === 'apis' && segs.length >= 3) return { group: segs[1] ?? '', version: segs[2] ?? '', parts: segs.slice(3) };
  return undefined;
}
