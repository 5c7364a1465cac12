// One probe attempt, as the kubelet's prober does it: httpGet (2xx/3xx succeed) or tcpSocket.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Container, IntOrString, Probe } from '@svclab/api';

export type ProbeResult = 'success' | 'failure';

/** Resolves a probe's port (number or a container port name) against the container's ports. */
export function resolveProbePort(port: IntOrString, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export function httpGetCheck({ host, port, path, timeoutMs }: { host: string; port: number; path: string; timeoutMs: number }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, headers: { 'user-agent': 'kube-probe/1.32' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? 'success' : 'failure');
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => { resolve('failure'); });
    req.end();
  });
}

export function tcpCheck(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve('failure');
    });
    s.once('connect', () => {
      s.destroy();
      resolve('success');
    });
    s.once('error', () => { resolve('failure'); });
  });
}

/** Runs one attempt of `probe` against the container on `podIP`. Exec probes are not supported → failure. */
export async function runProbe(probe: Probe, container: Container, podIP: string): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = resolveProbePort(probe.httpGet.port, container);
    if (port === undefined) return 'failure';
    return httpGetCheck({ host: probe.httpGet.host ?? podIP, port, path: probe.httpGet.path ?? '/', timeoutMs });
  }
  if (probe.tcpSocket) {
    const port = resolveProbePort(probe.tcpSocket.port, container);
    if (port === undefined) return 'failure';
    return tcpCheck(probe.tcpSocket.host ?? podIP, port, timeoutMs);
  }
  return 'failure';
}
