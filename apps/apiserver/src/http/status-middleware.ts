// The one place errors become responses: a StatusError is sent as-is with its code; anything
// else is logged and sent as a 500 InternalError Status.
import type { ErrorRequestHandler, Response } from 'express';
import type { Status } from '@svclab/api';
import { isStatusError, newBadRequest, newRequestEntityTooLarge, toStatusError } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';

/** Sends `body` as JSON; a Content-Type set before (e.g. aggregated discovery) is kept. */
export function sendJSON(res: Response, code: number, body: unknown): void {
  sendJSONText(res, code, JSON.stringify(body));
}

/** Sends `json`, already JSON text (e.g. an object's stored text), as sendJSON would send its value. */
export function sendJSONText(res: Response, code: number, json: string): void {
  // One writeHead with all headers: with none set before (the usual case) Node takes them as
  // they are, without a setHeader round per header.
  const length = String(Buffer.byteLength(json));
  if (res.hasHeader('Content-Type')) res.writeHead(code, ['Content-Length', length]);
  else res.writeHead(code, ['Content-Type', 'application/json', 'Content-Length', length]);
  res.end(json);
}

export function sendStatus(res: Response, status: Status): void {
  sendJSON(res, status.code ?? 500, status);
}

/** Maps body-parser style errors (from any middleware) onto upstream's Status errors. */
function fromHttpError(err: unknown): Status | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (e.type === 'entity.too.large') return newRequestEntityTooLarge('limit is 3145728').status;
  if (e.type === 'entity.parse.failed') return newBadRequest(String(e.message)).status;
  return undefined;
}

export function statusMiddleware(logger: Logger): ErrorRequestHandler {
  // Express recognises error handlers by their four parameters.
  // eslint-disable-next-line max-params, @typescript-eslint/no-unused-vars
  return (err: unknown, req, res, _next) => {
    const status = isStatusError(err) ? err.status : (fromHttpError(err) ?? toStatusError(err).status);
    if (status.code === undefined || status.code >= 500) {
      logger.error('request failed', { method: req.method, path: req.path, err });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendStatus(res, status);
  };
}
