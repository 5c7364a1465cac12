import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MissingBinaryError, requireBinary, startNats, startRedis } from './index.js';

function ping(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(payload));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString());
    });
    s.on('error', reject);
  });
}

describe('testkit', () => {
  it('starts a redis-server that answers PING and survives a kill with its data', async () => {
    const redis = await startRedis();
    try {
      expect(await ping(redis.port, 'PING\r\n')).toBe('+PONG\r\n');
      expect(await ping(redis.port, 'SET k v\r\n')).toBe('+OK\r\n');
      await redis.kill();
      await redis.restart();
      expect(await ping(redis.port, 'GET k\r\n')).toBe('$1\r\nv\r\n');
    } finally {
      await redis.stop();
    }
  });

  it('starts a nats-server with JetStream', async () => {
    const nats = await startNats();
    try {
      const info = await ping(nats.port, '');
      expect(info).toMatch(/^INFO /);
      expect(info).toContain('"jetstream":true');
    } finally {
      await nats.stop();
    }
  });

  it('names a missing binary clearly', () => {
    expect(() => requireBinary('no-such-server-binary', 'apt-get install it')).toThrow(
      MissingBinaryError,
    );
    expect(() => requireBinary('no-such-server-binary', 'apt-get install it')).toThrow(
      /not found on PATH/,
    );
  });
});
