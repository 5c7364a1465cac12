// OpenAPI v2 and v3 documents for every served kind, and strict field checking (one schema source:
// `@svclab/api/schema`).
// CONTRACT (owned by the openapi work; callers: discovery routes, registry decode):
//   openapiV2()                    the /openapi/v2 document (JSON)
//   openapiV3Root()                the /openapi/v3 discovery document ({paths: {"api/v1": {serverRelativeURL}}})
//   openapiV3(groupVersionPath)    the document for "api/v1", "apis/apps/v1", …; undefined when unknown
//   unknownFields(apiVersion, kind, obj)   JSON paths of fields the schema does not know, e.g. ["spec.foo"]
// Documents are built once and cached; serve `serializedOpenAPI(path)` (or mount `openapiHandler`)
// to avoid re-serializing them per request.
import { documents, type SerializedDocument } from './documents.js';
import { serializedOpenAPIFor } from './lookup.js';

export { openapiHandler } from './handler.js';
export { GroupVersionPaths } from './paths.js';
export type { SerializedDocument } from './documents.js';
export {
  newStrictDecodingError,
  strictDecodingMessage,
  unknownFieldMessage,
  unknownFields,
} from './unknown-fields.js';

/** The /openapi/v2 document. NOTE: shared and cached; must NOT be modified. */
export function openapiV2(): Record<string, unknown> {
  return documents().v2.doc;
}

/** The /openapi/v3 discovery document. NOTE: shared and cached; must NOT be modified. */
export function openapiV3Root(): Record<string, unknown> {
  return documents().v3Root.doc;
}

/** The document of one group version ("api/v1", "apis/apps/v1", …); undefined when unknown. */
export function openapiV3(groupVersionPath: string): Record<string, unknown> | undefined {
  return documents().v3.get(groupVersionPath.replace(/^\/+|\/+$/g, ''))?.doc;
}

/**
 * The serialized document (body, hash, ETag) for a request path: `/openapi/v2`, `/openapi/v3` or
 * `/openapi/v3/<group-version path>`; undefined when there is none.
 */
export function serializedOpenAPI(path: string): SerializedDocument | undefined {
  return serializedOpenAPIFor(path);
}
