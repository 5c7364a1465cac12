import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeletServer, type ContainerLogRequest } from './kubelet-server.js';
import { ContainerLog } from './runtime/container-log.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server?.closeAllConnections();
});

const log = new ContainerLog();
log.write('listening on http://127.244.1.2:8080');
log.write('127.0.0.1:50582 "GET /hello HTTP/1.1" 200');
const asked: ContainerLogRequest[] = [];

async function start(): Promise<string> {
  server = await startKubeletServer('127.0.0.1', 0, (req) => {
    asked.push(req);
    if (req.pod !== 'web-1')
      return {
        error: `pod "${req.pod}" in namespace "${req.namespace}" is not running on node node-1`,
        notFound: true,
      };
    if (req.container !== 'echo')
      return { error: `container ${req.container} is not valid for pod web-1` };
    return { log };
  });
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('kubelet server: GET /containerLogs/{namespace}/{pod}/{container}', () => {
  it('answers the log as text, with the kubelet query options', async () => {
    const base = await start();
    expect(await get(`${base}/containerLogs/default/web-1/echo`)).toEqual({
      status: 200,
      body: 'listening on http://127.244.1.2:8080\n127.0.0.1:50582 "GET /hello HTTP/1.1" 200\n',
    });
    expect((await get(`${base}/containerLogs/default/web-1/echo?tailLines=1`)).body).toBe(
      '127.0.0.1:50582 "GET /hello HTTP/1.1" 200\n',
    );
    await get(`${base}/containerLogs/default/web-1/echo?previous=true`);
    expect(asked.at(-1)).toEqual({
      namespace: 'default',
      pod: 'web-1',
      container: 'echo',
      previous: true,
    });
  });

  it('says why there is no log: 400 with the reason, 404 for a pod not on this node or an unknown path', async () => {
    const base = await start();
    expect(await get(`${base}/containerLogs/default/web-1/other`)).toEqual({
      status: 400,
      body: 'container other is not valid for pod web-1\n',
    });
    expect(await get(`${base}/containerLogs/default/web-9/echo`)).toEqual({
      status: 404,
      body: 'pod "web-9" in namespace "default" is not running on node node-1\n',
    });
    expect((await get(`${base}/stats/summary`)).status).toBe(404);
  });

  it('follow=true streams new lines until the container instance ends', async () => {
    const followed = new ContainerLog();
    server = await startKubeletServer('127.0.0.1', 0, () => ({ log: followed }));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/containerLogs/default/web-1/echo?follow=true`;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
          if (text === 'one\n') followed.close();
        });
        res.on('end', () => {
          resolve(text);
        });
      });
      req.on('error', reject);
      req.end();
      setTimeout(() => {
        followed.write('one');
      }, 100);
    });
    expect(body).toBe('one\n');
  });
});
