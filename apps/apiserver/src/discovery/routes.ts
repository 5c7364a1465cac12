// Discovery, version and OpenAPI routes (what kubectl reads before anything else).
import type { Request, RequestHandler } from 'express';
import { openapiV2, openapiV3, openapiV3Root } from '../openapi/index.js';
import { sendJSON } from '../http/status-middleware.js';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryMediaType,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  hasGroupVersion,
  versionInfo,
  wantsAggregated,
} from './resources.js';

function serverAddress(req: Request): string {
  const addr = req.socket.localAddress ?? '127.0.0.1';
  const port = req.socket.localPort ?? 0;
  return `${addr.includes(':') ? `[${addr}]` : addr}:${port}`;
}

/** Serves GET `/version`, `/api`, `/api/v1`, `/apis[/g[/v]]`, `/openapi/v2`, `/openapi/v3[/…]`. */
export function discoveryRoutes(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const segs = req.path.split('/').filter((s) => s !== '');
    const [first, second, third] = segs;
    const locals = res.locals as Record<string, unknown>;
    const discovery = (verb: string): void => {
      locals['requestInfo'] = { verb, group: '', version: '', resource: '', subresource: '', scope: '' };
      locals['route'] = req.path;
    };
    if (first === 'version' && segs.length === 1) {
      discovery('GET');
      sendJSON(res, 200, versionInfo());
      return;
    }
    if (first === 'api' && segs.length === 1) {
      discovery('GET');
      if (wantsAggregated(req.headers.accept)) {
        res.setHeader('Content-Type', aggregatedDiscoveryMediaType);
        sendJSON(res, 200, aggregatedDiscovery(true));
      }
      else sendJSON(res, 200, apiVersions(serverAddress(req)));
      return;
    }
    if (first === 'api' && segs.length === 2 && second === 'v1') {
      discovery('GET');
      sendJSON(res, 200, apiResourceList('', 'v1'));
      return;
    }
    if (first === 'apis' && segs.length === 1) {
      discovery('GET');
      if (wantsAggregated(req.headers.accept)) {
        res.setHeader('Content-Type', aggregatedDiscoveryMediaType);
        sendJSON(res, 200, aggregatedDiscovery(false));
      }
      else sendJSON(res, 200, apiGroupList());
      return;
    }
    if (first === 'apis' && segs.length === 2) {
      const doc = apiGroupDoc(second ?? '');
      if (doc === undefined) {
        next();
        return;
      }
      discovery('GET');
      sendJSON(res, 200, doc);
      return;
    }
    if (first === 'apis' && segs.length === 3 && hasGroupVersion(second ?? '', third ?? '')) {
      discovery('GET');
      sendJSON(res, 200, apiResourceList(second ?? '', third ?? ''));
      return;
    }
    if (first === 'openapi' && second === 'v2' && segs.length === 2) {
      discovery('GET');
      sendJSON(res, 200, openapiV2());
      return;
    }
    if (first === 'openapi' && second === 'v3') {
      if (segs.length === 2) {
        discovery('GET');
        sendJSON(res, 200, openapiV3Root());
        return;
      }
      const doc = openapiV3(segs.slice(2).join('/'));
      if (doc !== undefined) {
        discovery('GET');
        sendJSON(res, 200, doc);
        return;
      }
    }
    next();
  };
}
