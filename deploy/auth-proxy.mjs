// kubectl gateway for the compose cluster. kubectl (client-go) does not send bearer tokens over
// plain http://, and the apiserver refuses to serve a non-loopback address without
// --token-auth-file. This proxy, published on the host's loopback only, forwards every request
// (watches stream through) to APISERVER_URL and adds `Authorization: Bearer $SVCLAB_TOKEN` when the
// request has none. Plain Node, no build step; logs JSON lines to stderr.
import { createServer, request } from 'node:http';

const target = new URL(process.env.APISERVER_URL ?? 'http://apiserver:6443');
const token = process.env.SVCLAB_TOKEN ?? '';
const [host = '0.0.0.0', port = '6443'] = (process.env.LISTEN_ADDRESS ?? '0.0.0.0:6443').split(
  /:(?=\d+$)/,
);

function log(level, msg, fields = {}) {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, component: 'auth-proxy', msg, ...fields })}\n`,
  );
}

function unavailable(res, message) {
  const body = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'ServiceUnavailable',
    code: 503,
  };
  res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const headers = { ...req.headers, host: target.host };
  if (token !== '' && headers.authorization === undefined)
    headers.authorization = `Bearer ${token}`;
  const upstream = request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else unavailable(res, `apiserver ${target.host} unreachable: ${err.message}`);
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
});

server.listen(Number(port), host, () =>
  log('info', 'listening', { address: `${host}:${port}`, target: target.href }),
);
const stop = (signal) => {
  log('info', 'shutting down', { signal });
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
