// The apiserver's raw store: the Storage contract, MemoryStorage (tests) and RedisStorage.
export type {
  ListOptions,
  ListResult,
  ObjectKey,
  ReplayResult,
  Storage,
  UpdateOptions,
  WriteOptions,
} from './interface.js';
export type { MemoryStorageOptions } from './memory.js';
export { MemoryStorage } from './memory.js';
export type { CommittedEvent, RedisStorageOptions, ResourceKeys } from './redis.js';
export { DefaultMaxEventsPerResource, redisClientOptions, RedisStorage } from './redis.js';
export type {
  CreateRedisStorageOptions,
  EventStats,
  RedisStorageHandle,
} from './create-redis-storage.js';
export { createRedisStorage } from './create-redis-storage.js';
export { registerStorageMetrics } from './storage-metrics.js';
