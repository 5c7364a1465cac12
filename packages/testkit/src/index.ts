export { freePort } from './free-port.js';
export type { ManagedProcess } from './process.js';
export { MissingBinaryError, requireBinary, startProcess, waitForPort } from './process.js';
export type { RedisOptions, RedisServer } from './redis.js';
export { startRedis } from './redis.js';
export type { NatsServer } from './nats.js';
export { startNats } from './nats.js';
