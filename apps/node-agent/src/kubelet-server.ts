// The part of the kubelet's API the apiserver calls: `GET /containerLogs/{namespace}/{pod}/{container}`
// (what `kubectl logs` becomes), one server per simulated node on its IP and kubelet port. Query as
// the kubelet takes it: tailLines, sinceSeconds, timestamps, limitBytes, previous, follow. Errors
// are plain text, as the kubelet writes them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ContainerLog, LogReadOptions } from './runtime/container-log.js';

/** What `kubectl logs` asks the kubelet for. */
export interface ContainerLogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** The instance before the last restart. */
  readonly previous: boolean;
}

/** A container's log on this node, or why there is none (`notFound`: no such pod here). */
export type ContainerLogResult = { log: ContainerLog } | { error: string; notFound?: boolean };

export type ContainerLogSource = (req: ContainerLogRequest) => ContainerLogResult;

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

const boolParam = (q: URLSearchParams, name: string): boolean =>
  q.get(name) === 'true' || q.get(name) === '1';

function serveLogs(source: ContainerLogSource, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method !== 'GET' || m === null) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    return;
  }
  const [namespace, pod, container] = [m[1], m[2], m[3]].map((x) => decodeURIComponent(x ?? ''));
  const q = url.searchParams;
  const found = source({
    namespace: namespace ?? '',
    pod: pod ?? '',
    container: container ?? '',
    previous: boolParam(q, 'previous'),
  });
  if ('error' in found) {
    res
      .writeHead(found.notFound === true ? 404 : 400, { 'content-type': 'text/plain' })
      .end(`${found.error}\n`);
    return;
  }
  const opts: LogReadOptions = {
    timestamps: boolParam(q, 'timestamps'),
    ...(intParam(q, 'tailLines') === undefined ? {} : { tailLines: intParam(q, 'tailLines') }),
    ...(intParam(q, 'sinceSeconds') === undefined
      ? {}
      : { sinceSeconds: intParam(q, 'sinceSeconds') }),
    ...(intParam(q, 'limitBytes') === undefined ? {} : { limitBytes: intParam(q, 'limitBytes') }),
  };
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write(found.log.read(opts));
  if (!boolParam(q, 'follow')) {
    res.end();
    return;
  }
  res.flushHeaders();
  const stop = found.log.follow(
    (line) => {
      res.write(line);
    },
    { timestamps: opts.timestamps === true, onEnd: () => res.end() },
  );
  res.on('close', stop);
}

/** Listens on `host:port`; resolves once listening. */
export async function startKubeletServer(
  host: string,
  port: number,
  source: ContainerLogSource,
): Promise<Server> {
  const server = createServer((req, res) => {
    serveLogs(source, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
