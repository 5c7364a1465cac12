// chain(handlers): several middlewares as one express layer. Express runs each layer through its
// router (path match, params, prefix trimming, a closure per step), which for the apiserver's
// seven layers in front of a resource handler was a measurable share of a create's CPU; one layer
// that calls the handlers in turn does the same work without that.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * One handler that runs `handlers` in order, as `app.use(h1, h2, …)` would: a handler's
 * `next()` runs the following one, `next(err)` skips to express' error handlers, a thrown error or
 * rejected promise is passed on as `next(err)` does (express 5 semantics); after the last
 * handler's `next()` the request goes to the app's next layer.
 */
export function chain(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) {
        next(err);
        return;
      }
      const h = handlers[i++];
      if (h === undefined) {
        next();
        return;
      }
      try {
        const r: unknown = h(req, res, step);
        if (r instanceof Promise) {
          r.catch((e: unknown) => {
            next(e ?? new Error('Rejected promise'));
          });
        }
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

/**
 * GET/HEAD `path` only (express matching: case-insensitive, one trailing slash allowed), like
 * `app.get(path, handler)`; anything else goes on.
 */
export function getRoute(path: string, handler: (req: Request, res: Response) => void | Promise<void>): RequestHandler {
  const lower = path.toLowerCase();
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    let p = req.path;
    if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    if (p.length !== lower.length || p.toLowerCase() !== lower) {
      next();
      return;
    }
    return handler(req, res);
  };
}
