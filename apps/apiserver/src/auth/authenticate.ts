// Bearer-token authentication (upstream token-file authenticator): 401 Status when a token file
// is configured and the request carries no known token. Health probes stay anonymous.
import type { RequestHandler } from 'express';
import { newUnauthorized } from '@svclab/apimachinery';
import type { UserInfo } from './token-file.js';

/** Paths served without a token (kube-apiserver's system:public-info-viewer set). */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function authenticate(tokens: ReadonlyMap<string, UserInfo> | undefined): RequestHandler {
  return (req, res, next) => {
    if (tokens === undefined || publicPaths.has(req.path)) {
      next();
      return;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const user = m?.[1] === undefined ? undefined : tokens.get(m[1]);
    if (user === undefined) {
      next(newUnauthorized());
      return;
    }
    res.locals['user'] = user;
    next();
  };
}
