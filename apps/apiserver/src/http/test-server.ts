// Test helper: an apiserver app over MemoryStorage with the built-in objects, for supertest.
import type { Express } from 'express';
import { memoryLogger } from '@svclab/telemetry';
import { memoryAllocators, type ServiceAllocators } from '../registry/allocators.js';
import { ensureBuiltins } from '../registry/bootstrap.js';
import { Registry } from '../registry/registry.js';
import { TracedStorage } from '../registry/traced-storage.js';
import { createServer, type ServerDeps } from '../server.js';
import { MemoryStorage } from '../storage/memory.js';

export interface TestServer {
  readonly app: Express;
  readonly storage: MemoryStorage;
  readonly allocators: ServiceAllocators;
  readonly logger: ReturnType<typeof memoryLogger>;
}

export async function testServer(
  opts: { storage?: MemoryStorage; extra?: Partial<ServerDeps>; cidr?: string; ports?: string } = {},
): Promise<TestServer> {
  const storage = opts.storage ?? new MemoryStorage();
  const allocators = memoryAllocators(opts.cidr ?? '10.96.0.0/12', opts.ports ?? '30000-32767');
  const logger = memoryLogger('apiserver');
  const tracer = opts.extra?.tracer;
  const registry = new Registry({ storage: tracer === undefined ? storage : new TracedStorage(storage, tracer), allocators });
  await ensureBuiltins(registry, { serviceCIDR: opts.cidr ?? '10.96.0.0/12' }, logger);
  const app = createServer({ storage, allocators, registry, logger, ...opts.extra });
  return { app, storage, allocators, logger };
}
