// The apiserver's ioredis clients from REDIS_URL: `redis://host:port[/db]`, `rediss://…`, a socket
// path, or `unix:///path/to/redis.sock[?db=N]` (a local Redis without the TCP loopback stack).
import { Redis, type RedisOptions } from 'ioredis';

/**
 * What ioredis is given for `url`: the URL itself (ioredis parses redis://, rediss:// and plain
 * socket paths), or `{ path, db }` for a `unix:` URL, which ioredis does not parse.
 */
export function redisConnection(url: string): string | { path: string; db?: number } {
  if (!url.startsWith('unix:')) return url;
  const u = new URL(url);
  if (u.host !== '') throw new Error(`invalid Redis URL "${url}": a unix: URL names a socket path (unix:///path/to/redis.sock)`);
  const path = decodeURIComponent(u.pathname);
  if (path === '' || path === '/') throw new Error(`invalid Redis URL "${url}": no socket path`);
  const db = u.searchParams.get('db');
  if (db !== null && !/^\d+$/.test(db)) throw new Error(`invalid Redis URL "${url}": db must be a number`);
  return db === null ? { path } : { path, db: Number(db) };
}

/** A new ioredis client for `url` (see redisConnection) with `options`. */
export function connectRedis(url: string, options: RedisOptions): Redis {
  const c = redisConnection(url);
  return typeof c === 'string' ? new Redis(c, options) : new Redis({ ...options, ...c });
}
