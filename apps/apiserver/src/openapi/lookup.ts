// Maps a request path onto a cached document.
import { documents, type SerializedDocument } from './documents.js';

export function serializedOpenAPIFor(path: string): SerializedDocument | undefined {
  const docs = documents();
  const p = path.replace(/\/+$/, '');
  if (p === '/openapi/v2') return docs.v2;
  if (p === '/openapi/v3') return docs.v3Root;
  if (p.startsWith('/openapi/v3/')) return docs.v3.get(p.slice('/openapi/v3/'.length));
  return undefined;
}
