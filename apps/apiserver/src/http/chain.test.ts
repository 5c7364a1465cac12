// chain() and getRoute() behave as the express layers they replace (app.use / app.get).
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chain, getRoute, serveWithoutRouter } from './chain.js';

function appOf(handlers: readonly RequestHandler[]): express.Express {
  const app = express();
  app.use(chain(handlers));
  app.use((_req, res) => {
    res.status(404).send('fell through');
  });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- express spots error handlers by arity
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    res.status(500).send(`error: ${err instanceof Error ? err.message : String(err)}`);
  };
  app.use(onError);
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.append('X-Seen', name);
    next();
  };

interface Case {
  name: string;
  handlers: RequestHandler[];
  method?: 'get' | 'head' | 'post';
  path?: string;
  code: number;
  body?: string;
  seen?: string;
}

const cases: Case[] = [
  { name: 'runs the handlers in order, then the next layer', handlers: [mark('a'), mark('b')], code: 404, body: 'fell through', seen: 'a, b' },
  {
    name: 'a handler that answers ends the chain',
    handlers: [mark('a'), (_req, res) => void res.status(200).send('done'), mark('c')],
    code: 200,
    body: 'done',
    seen: 'a',
  },
  {
    name: 'next(err) goes to the error handler',
    handlers: [mark('a'), (_req, _res, next) => { next(new Error('boom')); }, mark('c')],
    code: 500,
    body: 'error: boom',
    seen: 'a',
  },
  {
    name: 'a thrown error goes to the error handler',
    handlers: [() => { throw new Error('thrown'); }],
    code: 500,
    body: 'error: thrown',
  },
  {
    name: 'a rejected promise goes to the error handler',
    handlers: [async () => { await Promise.resolve(); throw new Error('rejected'); }],
    code: 500,
    body: 'error: rejected',
  },
  { name: 'getRoute answers its path', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], path: '/healthz', code: 200, body: 'ok' },
  { name: 'getRoute: one trailing slash', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], path: '/healthz/', code: 200, body: 'ok' },
  { name: 'getRoute: case-insensitive', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], path: '/HealthZ', code: 200, body: 'ok' },
  { name: 'getRoute: HEAD', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], method: 'head', path: '/healthz', code: 200 },
  { name: 'getRoute: another path goes on', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], path: '/healthzz', code: 404, body: 'fell through' },
  { name: 'getRoute: a sub-path goes on', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], path: '/healthz/x', code: 404, body: 'fell through' },
  { name: 'getRoute: POST goes on', handlers: [getRoute('/healthz', (_req, res) => void res.send('ok'))], method: 'post', path: '/healthz', code: 404, body: 'fell through' },
  {
    name: 'getRoute: an async handler that rejects goes to the error handler',
    handlers: [getRoute('/readyz', async () => { await Promise.resolve(); throw new Error('not ready'); })],
    path: '/readyz',
    code: 500,
    body: 'error: not ready',
  },
];

describe('chain', () => {
  it.each(cases)('$name', async (c) => {
    const agent = request(appOf(c.handlers));
    const path = c.path ?? '/x';
    const res = await (c.method === 'head' ? agent.head(path) : c.method === 'post' ? agent.post(path) : agent.get(path));
    expect(res.status).toBe(c.code);
    if (c.body !== undefined) expect(res.text).toBe(c.body);
    if (c.seen !== undefined) expect(res.headers['x-seen']).toBe(c.seen);
  });
});

describe('serveWithoutRouter', () => {
  const onError: ErrorRequestHandler = (err: unknown, _req, res) => {
    res.status(500).send(`error: ${err instanceof Error ? err.message : String(err)}`);
  };
  const serve = (h: RequestHandler): express.Express => {
    const app = express();
    app.set('query parser', 'simple');
    serveWithoutRouter(app, h, onError);
    return app;
  };

  it('gives handlers express requests and responses (query, path, hostname, locals, status)', async () => {
    const app = serve((req, res) => {
      res.locals['seen'] = true;
      res.status(201).json({ path: req.path, q: req.query['a'] as unknown, host: req.hostname, locals: res.locals['seen'] as unknown });
    });
    const res = await request(app).get('/x/y?a=1').set('Host', 'example.test:80').expect(201);
    expect(res.body).toEqual({ path: '/x/y', q: '1', host: 'example.test', locals: true });
  });

  it.each([
    { name: 'next(err) goes to the error handler', h: ((_req, _res, next) => { next(new Error('bad')); }) as RequestHandler, code: 500, text: 'error: bad' },
    { name: 'a rejected promise goes to the error handler', h: (async () => { await Promise.resolve(); throw new Error('async bad'); }) as RequestHandler, code: 500, text: 'error: async bad' },
    { name: 'a request nobody answers gets a 404', h: ((_req, _res, next) => { next(); }) as RequestHandler, code: 404, text: '' },
  ])('$name', async ({ h, code, text }) => {
    const res = await request(serve(chain([h]))).get('/x');
    expect(res.status).toBe(code);
    expect(res.text).toBe(text);
  });
});
