// Readiness probes for supervised components: an HTTP 200 or an open TCP port.
import { connect } from 'node:net';

export async function probe(target: string, timeoutMs = 1000): Promise<boolean> {
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
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function waitReady(target: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && signal?.aborted !== true) {
    if (await probe(target)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
