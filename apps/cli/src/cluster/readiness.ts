// Readiness probes for supervised components: an HTTP 200 or an open TCP port.
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';

/**
 * GET over HTTPS, verified against `ca` (the cluster's own CA, so that another cluster's server on
 * the same port never passes for ours); without `ca` the certificate is not checked.
 */
function httpsProbe(target: string, timeoutMs: number, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const tls = ca === undefined ? { rejectUnauthorized: false } : { ca: readFileSync(ca) };
    const req = httpsGet(target, { ...tls, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => { resolve(false); });
  });
}

export async function probe(target: string, timeoutMs = 1000, ca?: string): Promise<boolean> {
  if (target.startsWith('tcp://')) {
    const u = new URL(target);
    return new Promise((resolve) => {
      const s = connect({ host: u.hostname, port: Number(u.port) });
      const t = setTimeout(() => {
        s.destroy();
        resolve(false);
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
  }
  if (target.startsWith('https://')) return httpsProbe(target, timeoutMs, ca);
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function waitReady(target: string, timeoutMs: number, opts: { signal?: AbortSignal; ca?: string } = {}): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && opts.signal?.aborted !== true) {
    if (await probe(target, 1000, opts.ca)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
