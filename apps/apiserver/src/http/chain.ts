// chain(handlers): several middlewares as one express layer. Express runs each layer through its
// router (path match, params, prefix trimming, a closure per step), which for the apiserver's
// seven layers in front of a resource handler was a measurable share of a create's CPU; one layer
// that calls the handlers in turn does the same work without that.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';

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

/**
 * Makes `app` serve every request with `handler`, and errors with `onError`, without express'
 * Router: `app.handle` does what express' does (the `req`/`res` prototypes, `res.locals`, the
 * circular references) and then calls `handler` directly. NOTE: middleware added to `app` with
 * `app.use`/`app.get` afterwards is not run; `handler` must answer every request (end with a 404).
 * Why: the Router's per-request work (URL parse, layer matching, `next` bookkeeping) was ~6 % of
 * a Service create's CPU for a stack that is one layer anyway.
 */
export function serveWithoutRouter(app: Express, handler: RequestHandler, onError: ErrorRequestHandler): void {
  const reqProto = app.request;
  const resProto = app.response;
  const handle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void): void => {
    const r = req as Request;
    const s = res as Response;
    r.res = s;
    s.req = r;
    Object.setPrototypeOf(req, reqProto);
    Object.setPrototypeOf(res, resProto);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by a mounting app, if any
    if (s.locals === undefined) s.locals = Object.create(null) as Record<string, unknown>;
    const done = (err?: unknown): void => {
      if (callback !== undefined) {
        callback(err);
        return;
      }
      if (!res.headersSent) res.statusCode = err === undefined ? 404 : 500;
      res.end();
    };
    handler(r, s, (err?: unknown) => {
      if (err === undefined || err === null) {
        done();
        return;
      }
      try {
        onError(err, r, s, done);
      } catch (e) {
        done(e);
      }
    });
  };
  Object.assign(app, { handle });
}
