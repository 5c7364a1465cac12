// REDIS_URL forms: unix: URLs become ioredis socket options; a storage works over the socket.
import type { KubeObject } from '@svclab/api';
import { memoryLogger } from '@svclab/telemetry';
import { startRedis } from '@svclab/testkit';
import { describe, expect, it } from 'vitest';
import { redisConnection } from './connect-redis.js';
import { createRedisStorage } from './create-redis-storage.js';

describe('redisConnection', () => {
  it.each([
    { name: 'redis:// URLs go to ioredis as they are', url: 'redis://127.0.0.1:6379/2', want: 'redis://127.0.0.1:6379/2' },
    { name: 'a plain socket path goes to ioredis as it is', url: '/run/redis.sock', want: '/run/redis.sock' },
    { name: 'unix:///path', url: 'unix:///run/redis/redis.sock', want: { path: '/run/redis/redis.sock' } },
    { name: 'unix:/path', url: 'unix:/run/redis.sock', want: { path: '/run/redis.sock' } },
    { name: 'unix: with a db', url: 'unix:///run/redis.sock?db=3', want: { path: '/run/redis.sock', db: 3 } },
    { name: 'unix: with an escaped path', url: 'unix:///tmp/a%20b/redis.sock', want: { path: '/tmp/a b/redis.sock' } },
  ])('$name', ({ url, want }) => {
    expect(redisConnection(url)).toEqual(want);
  });

  it.each([
    { name: 'a host', url: 'unix://localhost/run/redis.sock' },
    { name: 'no path', url: 'unix://' },
    { name: 'a db that is not a number', url: 'unix:///run/redis.sock?db=x' },
  ])('rejects a unix: URL with $name', ({ url }) => {
    expect(() => redisConnection(url)).toThrow(/invalid Redis URL/);
  });
});

describe('RedisStorage over a Unix socket', () => {
  it('creates and reads back an object through unix://<socket>', async () => {
    const redis = await startRedis();
    const storage = await createRedisStorage({ redisUrl: redis.unixUrl, keyPrefix: 'unix:', logger: memoryLogger() });
    try {
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: '' } } as KubeObject;
      const created = await storage.create({ resource: 'services', namespace: '', name: 'web' }, svc);
      expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
      expect((await storage.get({ resource: 'services', namespace: '', name: 'web' }))?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      expect(storage.redis.options.path).toBe(redis.unixSocket);
    } finally {
      await storage.close();
      await redis.stop();
    }
  });
});
