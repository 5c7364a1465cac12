// Serves the cached OpenAPI documents: GET /openapi/v2, /openapi/v3, /openapi/v3/<group-version>.
import type { RequestHandler } from 'express';
import { newNotAcceptable } from '@svclab/apimachinery';
import { serializedOpenAPIFor } from './lookup.js';

/** Cache-Control upstream sends for a hash-addressed (content-immutable) v3 document. */
const IMMUTABLE = 'public, immutable, max-age=31536000';

/**
 * Express middleware for the OpenAPI endpoints; calls `next()` for any other path. It answers
 * `If-None-Match` with 304, marks `?hash=` URLs immutable (and redirects a stale hash to the
 * current one, as upstream does), and refuses a protobuf-only v2 request with 406 so that
 * client-go falls back (svclab serves JSON only).
 */
export const openapiHandler: RequestHandler = (req, res, next) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    next();
    return;
  }
  const doc = serializedOpenAPIFor(req.path);
  if (doc === undefined) {
    next();
    return;
  }
  const accept = req.get('accept') ?? '';
  if (accept !== '' && !/json|\*\/\*/.test(accept)) {
    const { status } = newNotAcceptable(
      'only the following media types are accepted: application/json',
    );
    res.status(406).setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(status));
    return;
  }
  const hash = typeof req.query['hash'] === 'string' ? req.query['hash'] : undefined;
  if (hash !== undefined && hash !== doc.hash) {
    res.redirect(301, `${req.path}?hash=${doc.hash}`);
    return;
  }
  res.setHeader('ETag', doc.etag);
  res.setHeader('Cache-Control', hash !== undefined ? IMMUTABLE : 'no-cache, private');
  res.setHeader('Vary', 'Accept');
  if (req.get('if-none-match') === doc.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', 'application/json');
  res.end(req.method === 'HEAD' ? undefined : doc.body);
};
