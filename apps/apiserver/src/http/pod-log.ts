// GET pods/{name}/log (`kubectl logs`): as upstream's pod LogLocation + LocationStreamer — pick and
// check the container, find the pod's node and its kubelet endpoint (InternalIP,
// status.daemonEndpoints.kubeletEndpoint.Port), and stream the kubelet's
// /containerLogs/{namespace}/{pod}/{container} as text/plain. The kubelet's refusals come back as
// Status errors with its message.
import { request, type IncomingMessage } from 'node:http';
import type { Node, Pod } from '@svclab/api';
import type { StatusError } from '@svclab/apimachinery';
import { newBadRequest, newInternalError } from '@svclab/apimachinery';
import type { Request, Response } from 'express';

/** The query parameters the kubelet takes, passed on as given. */
const forwarded = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'limitBytes'] as const;

/** The container `kubectl logs` means: the one asked for, or the only one. */
export function logContainer(pod: Pod, asked: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  if (asked === undefined || asked === '') {
    if (containers.length === 1) return containers[0] ?? '';
    throw newBadRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  }
  if (!containers.includes(asked)) throw newBadRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

/** `ip:port` of the node's kubelet API. */
export function kubeletAddress(node: Node): { host: string; port: number } {
  const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (host === undefined) throw newBadRequest(`node ${node.metadata.name ?? ''} has no InternalIP address to reach its kubelet`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
}

function kubeletError(status: number, text: string): StatusError {
  const message = text.trim();
  if (status === 400 || status === 404) return newBadRequest(message);
  return newInternalError(new Error(message));
}

/**
 * Streams the log to `res`; rejects with a StatusError before anything is written (bad container,
 * kubelet unreachable or refusing), and otherwise resolves when the stream ends or the client goes.
 */
export function servePodLog(req: Request, res: Response, { pod, node }: { pod: Pod; node: Node }): Promise<void> {
  const container = logContainer(pod, typeof req.query['container'] === 'string' ? req.query['container'] : undefined);
  const { host, port } = kubeletAddress(node);
  const params = new URLSearchParams();
  for (const k of forwarded) {
    const v = req.query[k];
    if (typeof v === 'string') params.set(k, v);
  }
  const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}${params.size > 0 ? `?${params.toString()}` : ''}`;
  const url = `http://${host}:${String(port)}${path}`;
  return new Promise((resolve, reject) => {
    const upstream = request({ host, port, path, method: 'GET' }, (kres: IncomingMessage) => {
      if (kres.statusCode !== 200) {
        let text = '';
        kres.setEncoding('utf8');
        kres.on('data', (d: string) => (text += d));
        kres.on('end', () => {
          reject(kubeletError(kres.statusCode ?? 500, text));
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      kres.pipe(res);
      kres.on('end', () => {
        resolve();
      });
      kres.on('error', () => {
        res.end();
        resolve();
      });
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.end();
        resolve();
        return;
      }
      const why = err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${String(port)}: connect: connection refused` : err.message;
      reject(newInternalError(new Error(`Get "${url}": ${why}`)));
    });
    // The client went away (`kubectl logs -f` interrupted): stop reading from the kubelet.
    res.on('close', () => {
      upstream.destroy();
      resolve();
    });
    upstream.end();
  });
}
