// Minimal SOCKS5 CONNECT client (RFC 1928, no auth): how a client workload's connections enter
// its node's network (kube-proxy's node entry), as if they came from a pod on that node.
import { connect, type Socket } from 'node:net';

const replyErrors: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

function readBytes(sock: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= n) {
        sock.off('data', onData);
        sock.off('error', reject);
        sock.off('close', onClose);
        if (buf.length > n) sock.unshift(buf.subarray(n));
        resolve(buf.subarray(0, n));
      }
    };
    const onClose = (): void => { reject(new Error('SOCKS proxy closed the connection')); };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('close', onClose);
  });
}

/** Opens a TCP stream to host:port through the SOCKS5 proxy at `proxy` ("host:port"). */
export async function socks5Connect(proxy: string, target: { host: string; port: number }, timeoutMs = 5000): Promise<Socket> {
  const { host, port } = target;
  const [ph = '127.0.0.1', pp = '1080'] = proxy.split(':');
  const sock = connect({ host: ph, port: Number(pp) });
  sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`SOCKS connect to ${host}:${port} timed out`)));
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.write(Buffer.from([5, 1, 0]));
    const hello = await readBytes(sock, 2);
    if (hello[0] !== 5 || hello[1] !== 0) throw new Error('SOCKS proxy refused the no-auth method');
    const name = Buffer.from(host);
    const req = Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 0xff])]);
    sock.write(req);
    const head = await readBytes(sock, 4);
    if (head[1] !== 0) throw new Error(`SOCKS: ${replyErrors[head[1] ?? 1] ?? 'failure'}`);
    const atyp = head[3];
    const rest = atyp === 1 ? 6 : atyp === 4 ? 18 : ((await readBytes(sock, 1))[0] ?? 0) + 2;
    await readBytes(sock, rest);
    sock.setTimeout(0);
    return sock;
  } catch (err) {
    sock.destroy();
    throw err;
  }
}
