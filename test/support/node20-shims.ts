// @kubernetes/client-node 2.x pulls in undici 8, which needs Node >= 22.19; the project runs on
// Node 20. These three shims are the whole gap for what the e2e tests use (plain-HTTP REST and
// watch): zstd decompression (never negotiated: we send no zstd), worker_threads
// markAsUncloneable (a no-op marker) and Promise.withResolvers. Import BEFORE client-node.
import wt from 'node:worker_threads';
import zlib from 'node:zlib';

const z = zlib as unknown as Record<string, unknown>;
if (typeof z['createZstdDecompress'] !== 'function') {
  z['createZstdDecompress'] = () => {
    throw new Error('zstd is not available on this Node.js version');
  };
}
const w = wt as unknown as Record<string, unknown>;
if (typeof w['markAsUncloneable'] !== 'function') w['markAsUncloneable'] = () => undefined;
const P = Promise as unknown as Record<string, unknown>;
if (typeof P['withResolvers'] !== 'function') {
  P['withResolvers'] = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
}
