import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUsageError } from './cluster-context.js';
import { curl, formatVerbose, parseCurlArgs, socks5Connect, socks5ConnectRequest, socks5ReplyMessage } from './curl.js';

describe('svclab curl', () => {
  it.each([
    { name: 'node and URL', argv: ['--node', 'node-1', 'http://my-app.production/'], want: { node: 'node-1', href: 'http://my-app.production/', verbose: false, method: 'GET' } },
    { name: 'scheme added, verbose, method', argv: ['my-app.production:8080/x?y=1', '--node=2', '-v', '-X', 'post'], want: { node: '2', href: 'http://my-app.production:8080/x?y=1', verbose: true, method: 'POST' } },
  ])('parses $name', ({ argv, want }) => {
    const o = parseCurlArgs(argv);
    expect({ node: o.node, href: o.url.href, verbose: o.verbose, method: o.method }).toEqual(want);
  });

  it.each([
    { name: 'no node', argv: ['http://x/'] },
    { name: 'no URL', argv: ['--node', 'node-1'] },
    { name: 'https', argv: ['--node', 'node-1', 'https://x/'] },
    { name: 'unknown flag', argv: ['--node', 'node-1', '--insecure', 'http://x/'] },
    { name: 'bad header', argv: ['--node', 'node-1', '-H', 'nocolon', 'http://x/'] },
  ])('rejects $name', ({ argv }) => {
    let err: unknown;
    try {
      parseCurlArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(isUsageError(err)).toBe(true);
  });

  it.each([
    { name: 'domain name', host: 'my-app.production', port: 80, want: [5, 1, 0, 3, 17, ...Buffer.from('my-app.production'), 0, 80] },
    { name: 'IPv4 address', host: '127.96.0.10', port: 8080, want: [5, 1, 0, 1, 127, 96, 0, 10, 0x1f, 0x90] },
  ])('SOCKS5 CONNECT request: $name', ({ host, port, want }) => {
    expect([...socks5ConnectRequest(host, port)]).toEqual(want);
  });

  it.each([[4, 'host unreachable (name did not resolve)'], [5, 'connection refused'], [99, 'SOCKS5 reply 99']])('reply %i reads "%s"', (code, want) => {
    expect(socks5ReplyMessage(code)).toBe(want);
  });

  it('prints request and response lines with -v', () => {
    const out = formatVerbose({ method: 'GET', path: '/', host: 'my-app.production', via: '127.0.1.1:1080' }, { statusCode: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json' } });
    expect(out).toBe('* Connected through SOCKS5 127.0.1.1:1080\n> GET / HTTP/1.1\n> Host: my-app.production\n>\n< HTTP/1.1 200 OK\n< content-type: application/json\n<\n');
  });

  describe('through a fake SOCKS5 entry on loopback', () => {
    let server: Server;
    const seen: Buffer[] = [];
    const listening = new Promise<number>((resolve) => {
      server = createServer((s) => {
        let stage = 0;
        s.on('data', (b) => {
          seen.push(b);
          if (stage === 0) {
            stage = 1;
            s.write(Buffer.from([5, 0]));
          } else if (stage === 1) {
            stage = 2;
            const refuse = b.includes(Buffer.from('nowhere'));
            s.write(Buffer.from([5, refuse ? 4 : 0, 0, 1, 127, 0, 0, 1, 0, 80]));
            if (refuse) s.end();
          } else s.end(`echo:${b.toString()}`);
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : 0);
      });
    });
    afterAll(() => new Promise<void>((r) => server.close(() => { r(); })));

    it('tunnels after the handshake', async () => {
      const port = await listening;
      const s = await socks5Connect({ host: '127.0.0.1', port }, 'my-app.production', 80);
      const reply = await new Promise<string>((resolve) => {
        let out = '';
        s.on('data', (b: Buffer) => (out += b.toString()));
        s.on('end', () => { resolve(out); });
        s.write('ping');
      });
      expect(reply).toBe('echo:ping');
      expect(seen[0]).toEqual(Buffer.from([5, 1, 0]));
    });

    it('reports the SOCKS5 failure reply', async () => {
      const port = await listening;
      await expect(socks5Connect({ host: '127.0.0.1', port }, 'nowhere.production', 80)).rejects.toThrow(/host unreachable/);
    });
  });
});

describe('svclab curl against a cluster.json whose node entry is a fake SOCKS5 relay', () => {
  it('sends the host name unresolved through the entry and prints the body', async () => {
    const listen = (srv: Server): Promise<number> =>
      new Promise((r) => srv.listen(0, '127.0.0.1', () => { const a = srv.address(); r(typeof a === 'object' && a !== null ? a.port : 0); }));
    const web = http.createServer((req, res) => { res.end(`hello ${req.headers.host ?? ''}\n`); });
    const webPort = await listen(web);
    const asked: string[] = [];
    const socks = net.createServer((s) => {
      let stage = 0;
      const onData = (b: Buffer): void => {
        if (stage === 0) {
          stage = 1;
          s.write(Buffer.from([5, 0]));
          return;
        }
        s.off('data', onData);
        asked.push(b.subarray(5, 5 + (b[4] ?? 0)).toString());
        const up = net.connect({ host: '127.0.0.1', port: webPort }, () => {
          s.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          s.pipe(up);
          up.pipe(s);
        });
      };
      s.on('data', onData);
    });
    const socksPort = await listen(socks);
    const home = mkdtempSync(join(tmpdir(), 'svclab-curl-'));
    writeFileSync(join(home, 'cluster.json'), JSON.stringify({ kubeconfig: '', apiserver: 'http://127.0.0.1:1', dns: null, jaeger: null, nats: '', redis: '', nodes: [{ name: 'node-1', ip: '127.0.0.1', proxy: `127.0.0.1:${socksPort}` }] }));
    const saved = process.env['SVCLAB_HOME'];
    process.env['SVCLAB_HOME'] = home;
    let out = '';
    let err = '';
    try {
      const code = await curl(['--node', '1', 'http://my-app.production/', '-v'], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
      expect(code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env['SVCLAB_HOME'];
      else process.env['SVCLAB_HOME'] = saved;
      rmSync(home, { recursive: true, force: true });
      await new Promise<void>((r) => socks.close(() => { r(); }));
      await new Promise<void>((r) => web.close(() => { r(); }));
    }
    expect(asked).toEqual(['my-app.production']);
    expect(out).toBe('hello my-app.production\n');
    expect(err).toContain('< HTTP/1.1 200 OK');
  });
});
