// One probe attempt, as the kubelet's prober does it: httpGet (2xx/3xx succeed) or tcpSocket.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Container, IntOrString, Probe } from '@svclab/api';

export type ProbeResult = 'success' | 'failure';

/**
 * One attempt's result and, for a failure, the text the kubelet puts in its Unhealthy event;
 * `errored` when the probe could not run at all ("probe errored" rather than "probe failed").
 */
export interface ProbeOutcome {
  readonly result: ProbeResult;
  readonly output: string;
  readonly errored?: boolean;
}

const success: ProbeOutcome = { result: 'success', output: '' };
const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });
const errored = (output: string): ProbeOutcome => ({ result: 'failure', output, errored: true });

/** Resolves a probe's port (number or a container port name) against the container's ports. */
export function resolveProbePort(port: IntOrString, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** `host:port`, with brackets for IPv6 (Go's net.JoinHostPort). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
}

/** Go's wording of the dial errors a probe meets. */
const dialErrors: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
};

/** A dial error in Go's words (`dial tcp 10.0.0.1:80: connect: connection refused`). */
function dialError(addr: string, err: NodeJS.ErrnoException): string {
  return `dial tcp ${addr}: ${dialErrors[err.code ?? ''] ?? err.message}`;
}

export function httpGetCheck({
  host,
  port,
  path,
  timeoutMs,
}: {
  host: string;
  port: number;
  path: string;
  timeoutMs: number;
}): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const url = `http://${addr}${path}`;
  return new Promise((resolve) => {
    let timedOut = false;
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        timeout: timeoutMs,
        headers: { 'user-agent': 'kube-probe/1.32' },
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(
          code >= 200 && code < 400
            ? success
            : failure(`HTTP probe failed with statuscode: ${String(code)}`),
        );
      },
    );
    req.on('timeout', () => {
      timedOut = true;
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(
        failure(
          timedOut
            ? `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
            : `Get "${url}": ${dialError(addr, err)}`,
        ),
      );
    });
    req.end();
  });
}

export function tcpCheck(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve(failure(`dial tcp ${addr}: i/o timeout`));
    });
    s.once('connect', () => {
      s.destroy();
      resolve(success);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      resolve(failure(dialError(addr, err)));
    });
  });
}

/** Runs one attempt of `probe` against the container on `podIP`. Exec probes are not supported → failure. */
export async function runProbe(
  probe: Probe,
  container: Container,
  podIP: string,
): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = resolveProbePort(probe.httpGet.port, container);
    if (port === undefined)
      return errored(
        `couldn't find port: ${String(probe.httpGet.port)} in container ${container.name}`,
      );
    return httpGetCheck({
      host: probe.httpGet.host ?? podIP,
      port,
      path: probe.httpGet.path ?? '/',
      timeoutMs,
    });
  }
  if (probe.tcpSocket) {
    const port = resolveProbePort(probe.tcpSocket.port, container);
    if (port === undefined)
      return errored(
        `couldn't find port: ${String(probe.tcpSocket.port)} in container ${container.name}`,
      );
    return tcpCheck(probe.tcpSocket.host ?? podIP, port, timeoutMs);
  }
  return errored('svclab runs only httpGet and tcpSocket probes');
}
