import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@svclab/testkit';
import { isImagePullError, startWorkload, type Workload } from './index.js';

const podIP = '127.244.99.7';
let running: Workload[] = [];
afterEach(async () => {
  await Promise.all(running.map((w) => w.stop()));
  running = [];
});

async function start(image: string, ports: { port: number; protocol: 'TCP' | 'UDP' }[], env: Record<string, string> = {}): Promise<Workload> {
  const w = await startWorkload(image, { pod: 'web-1', namespace: 'prod', node: 'node-1', podIP, ports, env });
  running.push(w);
  return w;
}

describe('built-in workloads', () => {
  it('svclab/echo answers JSON naming the pod and the client address as seen on the socket', async () => {
    const port = await freePort(podIP);
    await start('svclab/echo:1.0', [{ port, protocol: 'TCP' }]);
    const res = await fetch(`http://${podIP}:${port}/hello?x=1`, { headers: { 'x-test': 'yes' } });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ pod: 'web-1', namespace: 'prod', node: 'node-1', podIP, port, clientIP: '127.0.0.1', path: '/hello' });
    expect((body['headers'] as Record<string, string>)['x-test']).toBe('yes');
  });

  it('svclab/echo reports readiness per its knobs on /ready', async () => {
    const port = await freePort(podIP);
    await start('svclab/echo', [{ port, protocol: 'TCP' }], { READY_AFTER_SECONDS: '3600' });
    expect((await fetch(`http://${podIP}:${port}/ready`)).status).toBe(503);
    expect((await fetch(`http://${podIP}:${port}/healthz`)).status).toBe(200);
  });

  it('svclab/tcp-echo echoes bytes', async () => {
    const port = await freePort(podIP);
    await start('svclab/tcp-echo', [{ port, protocol: 'TCP' }]);
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: podIP, port }, () => s.write('ping'));
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString());
      });
      s.on('error', reject);
    });
    expect(got).toBe('ping');
  });

  it('svclab/udp-echo echoes datagrams', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    await start('svclab/udp-echo', [{ port, protocol: 'UDP' }]);
    const s = createSocket('udp4');
    const got = await new Promise<string>((resolve) => {
      s.once('message', (m) => { resolve(m.toString()); });
      s.send('dgram', port, podIP);
    });
    s.close();
    expect(got).toBe('dgram');
  });

  it('an unknown image fails to pull with a clear message', async () => {
    const err: unknown = await startWorkload('nginx:1.27', { pod: 'p', namespace: 'n', node: 'x', podIP, ports: [], env: {} }).catch((e: unknown) => e);
    expect(isImagePullError(err)).toBe(true);
    expect((err as Error).message).toContain('Failed to pull image "nginx:1.27"');
  });
});
