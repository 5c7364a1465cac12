// `svclab curl --node N URL [-v]`: an HTTP request made "from node N" through that node's kube-proxy
// SOCKS5 entry (names resolved there with the pod search path), printing the body.
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import type { Io } from '../io.js';
import { findNode, isUsageError, loadCluster, UsageError } from './cluster-context.js';

export const curlUsage = `usage: svclab curl --node NODE URL [-v] [-X METHOD] [-H 'Name: value']...
  HTTP through NODE's kube-proxy SOCKS5 entry (as 'curl --socks5-hostname NODE_IP:1080 URL').
`;

export interface CurlOptions {
  readonly node: string;
  readonly url: URL;
  readonly verbose: boolean;
  readonly method: string;
  readonly headers: readonly [string, string][];
}

export function parseCurlArgs(argv: readonly string[]): CurlOptions {
  let node: string | undefined;
  let url: string | undefined;
  let verbose = false;
  let method = 'GET';
  const headers: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--node') node = next();
    else if (a.startsWith('--node=')) node = a.slice(7);
    else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-X' || a === '--request') method = next().toUpperCase();
    else if (a === '-H' || a === '--header') {
      const h = next();
      const c = h.indexOf(':');
      if (c <= 0) throw new UsageError(`bad header "${h}" (want 'Name: value')`);
      headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
    } else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
    else if (url === undefined) url = a;
    else throw new UsageError(`unexpected argument "${a}"`);
  }
  if (node === undefined) throw new UsageError('--node is required');
  if (url === undefined) throw new UsageError('a URL is required');
  const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
  if (parsed.protocol !== 'http:') throw new UsageError(`only http:// URLs are supported, got ${parsed.protocol}`);
  return { node, url: parsed, verbose, method, headers };
}

/** The SOCKS5 CONNECT request for `host:port` (ATYP domain name unless `host` is an IPv4 address). */
export function socks5ConnectRequest(host: string, port: number): Buffer {
  const p = Buffer.from([port >> 8, port & 255]);
  if (isIP(host) === 4) return Buffer.concat([Buffer.from([5, 1, 0, 1, ...host.split('.').map(Number)]), p]);
  const name = Buffer.from(host, 'utf8');
  if (name.length > 255) throw new UsageError(`host name too long: ${host}`);
  return Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, p]);
}

const socksReplies: Readonly<Record<number, string>> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable (name did not resolve)',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Message for a SOCKS5 reply code (RFC 1928 §6). */
export function socks5ReplyMessage(code: number): string {
  return socksReplies[code] ?? `SOCKS5 reply ${code}`;
}

/** Connects through a SOCKS5 proxy (no auth) and resolves the tunnelled socket. */
export function socks5Connect(proxy: { host: string; port: number; timeoutMs?: number }, host: string, port: number): Promise<Socket> {
  const timeoutMs = proxy.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const s = connect({ host: proxy.host, port: proxy.port });
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'connect' = 'greeting';
    const fail = (msg: string): void => {
      s.destroy();
      reject(new Error(msg));
    };
    s.setTimeout(timeoutMs, () => { fail(`timeout talking to the SOCKS5 entry ${proxy.host}:${proxy.port}`); });
    s.on('error', (err) => { fail(`SOCKS5 entry ${proxy.host}:${proxy.port}: ${err.message}`); });
    s.on('connect', () => s.write(Buffer.from([5, 1, 0])));
    const onData = (b: Buffer): void => {
      buf = Buffer.concat([buf, b]);
      if (stage === 'greeting') {
        if (buf.length < 2) return;
        if (buf[0] !== 5 || buf[1] !== 0) {
          fail('SOCKS5 entry refused the no-auth method');
          return;
        }
        buf = buf.subarray(2);
        stage = 'connect';
        s.write(socks5ConnectRequest(host, port));
      }
      if (buf.length < 5) return;
      if (buf[1] !== 0) {
        fail(`SOCKS5 CONNECT ${host}:${port}: ${socks5ReplyMessage(buf[1] ?? 1)}`);
        return;
      }
      const atyp = buf[3];
      const len = atyp === 1 ? 10 : atyp === 4 ? 22 : 7 + (buf[4] ?? 0);
      if (buf.length < len) return;
      s.off('data', onData);
      s.setTimeout(0);
      s.removeAllListeners('error');
      const rest = buf.subarray(len);
      if (rest.length > 0) s.unshift(rest);
      resolve(s);
    };
    s.on('data', onData);
  });
}

/** `-v` output: `> ` request lines and `< ` response lines, as curl prints them. */
export function formatVerbose(req: { method: string; path: string; host: string; via: string }, res: { statusCode: number; statusMessage: string; headers: IncomingHttpHeaders }): string {
  const lines = [`* Connected through SOCKS5 ${req.via}`, `> ${req.method} ${req.path} HTTP/1.1`, `> Host: ${req.host}`, '>'];
  lines.push(`< HTTP/1.1 ${res.statusCode} ${res.statusMessage}`);
  for (const [k, v] of Object.entries(res.headers)) lines.push(`< ${k}: ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`);
  lines.push('<');
  return `${lines.join('\n')}\n`;
}

export async function curl(argv: readonly string[], io: Io): Promise<number> {
  let opts: CurlOptions;
  try {
    opts = parseCurlArgs(argv);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab curl: ${err.message}\n${curlUsage}`);
    return 2;
  }
  const { info } = loadCluster();
  let node;
  try {
    node = findNode(info, opts.node);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab curl: ${err.message}\n`);
    return 2;
  }
  if (node.proxy === null) {
    io.stderr(`svclab curl: ${node.name} has no kube-proxy entry (kube-proxy is not running on it)\n`);
    return 1;
  }
  const [phost, pport] = [node.proxy.slice(0, node.proxy.lastIndexOf(':')), Number(node.proxy.slice(node.proxy.lastIndexOf(':') + 1))];
  const port = opts.url.port === '' ? 80 : Number(opts.url.port);
  const host = opts.url.hostname;
  let sock: Socket;
  try {
    sock = await socks5Connect({ host: phost, port: pport }, host, port);
  } catch (err) {
    io.stderr(`svclab curl: ${err instanceof Error ? err.message : String(err)}\n`);
    return 7; // curl: failed to connect
  }
  const path = `${opts.url.pathname}${opts.url.search}`;
  return new Promise<number>((done) => {
    const resolve = (code: number): void => {
      sock.destroy();
      done(code);
    };
    const req = request(
      { method: opts.method, host, port, path, headers: { host: opts.url.host, 'user-agent': 'svclab-curl', ...Object.fromEntries(opts.headers) }, createConnection: () => sock },
      (res) => {
        if (opts.verbose) io.stderr(formatVerbose({ method: opts.method, path, host: opts.url.host, via: node.proxy ?? '' }, { statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers }));
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          io.stdout(Buffer.concat(chunks).toString('utf8'));
          resolve(0);
        });
        res.on('error', (err) => {
          io.stderr(`svclab curl: ${err.message}\n`);
          resolve(56); // curl: failure receiving network data
        });
      },
    );
    req.setTimeout(30_000, () => { req.destroy(new Error('timeout waiting for the response')); });
    req.on('error', (err) => {
      io.stderr(`svclab curl: ${err.message}\n`);
      resolve(52); // curl: empty reply from server
    });
    req.end();
  });
}
