// OpenAPI v2 and v3 documents for every served kind, and strict field checking (one schema source).
// CONTRACT (owned by the openapi work; callers: discovery routes, registry decode):
//   openapiV2()                    the /openapi/v2 document (JSON)
//   openapiV3Root()                the /openapi/v3 discovery document ({paths: {"api/v1": {serverRelativeURL}}})
//   openapiV3(groupVersionPath)    the document for "api/v1", "apis/apps/v1", …; undefined when unknown
//   unknownFields(apiVersion, kind, obj)   JSON paths of fields the schema does not know, e.g. ["spec.foo"]
export function openapiV2(): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'svclab', version: 'v1.32.0' }, paths: {}, definitions: {} };
}

export function openapiV3Root(): Record<string, unknown> {
  return { paths: {} };
}

export function openapiV3(_groupVersionPath: string): Record<string, unknown> | undefined {
  return undefined;
}

export function unknownFields(_apiVersion: string, _kind: string, _obj: unknown): string[] {
  return [];
}
