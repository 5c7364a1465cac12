// The registry (registry/allocators.ts) declares what it needs from allocators; these must fit it,
// errors included, so main.ts can hand the Redis allocators to the registry as they are.
import { describe, expect, it } from 'vitest';
import {
  isAllocationError as registryIsAllocationError,
  type ServiceAllocators,
} from '../registry/allocators.js';
import { MemoryClusterIPAllocator } from './cluster-ip.js';
import { MemoryNodePortAllocator } from './node-port.js';

describe('allocators fit the registry', () => {
  const allocators: ServiceAllocators = {
    clusterIP: new MemoryClusterIPAllocator('10.0.0.0/29'),
    nodePort: new MemoryNodePortAllocator('30000-30001'),
  };

  it.each([
    {
      name: 'IP not in range',
      run: () => allocators.clusterIP.allocate('10.0.1.1'),
      kind: 'notInRange',
    },
    {
      name: 'IP already allocated',
      run: async () => {
        await allocators.clusterIP.allocate('10.0.0.2');
        await allocators.clusterIP.allocate('10.0.0.2');
      },
      kind: 'allocated',
    },
    {
      name: 'ports full',
      run: async () => {
        for (let i = 0; i < 3; i++) await allocators.nodePort.allocateNext();
      },
      kind: 'full',
    },
  ])('$name is an AllocationError of kind $kind', async ({ run, kind }) => {
    const err: unknown = await run().catch((e: unknown) => e);
    expect(registryIsAllocationError(err)).toBe(true);
    expect(err).toMatchObject({ kind });
  });
});
