import { describe, expect, it } from 'vitest';
import { Resources, type EndpointSlice, type Endpoints, type Service } from '@svclab/api';
import { nopLogger } from '@svclab/telemetry';
import { MemoryStorage } from '../storage/memory.js';
import { memoryAllocators } from './allocators.js';
import { ensureBuiltins } from './bootstrap.js';
import { Registry } from './registry.js';

describe('ensureBuiltins', () => {
  it('is idempotent and points the kubernetes Endpoints and EndpointSlice at the apiserver', async () => {
    const storage = new MemoryStorage();
    const allocators = memoryAllocators('127.96.0.0/12', '30000-32767');
    const registry = new Registry({ storage, allocators });
    await ensureBuiltins(registry, { serviceCIDR: '127.96.0.0/12', endpoint: { ip: '127.0.0.1', port: 6443 } }, nopLogger);
    const rev = await storage.currentRev();
    // A second replica (new registry, same storage) writes nothing new.
    const replica = new Registry({ storage, allocators: memoryAllocators('127.96.0.0/12', '30000-32767') });
    await ensureBuiltins(replica, { serviceCIDR: '127.96.0.0/12', endpoint: { ip: '127.0.0.1', port: 6443 } }, nopLogger);
    expect(await storage.currentRev()).toBe(rev);

    const ns = await registry.mustStore(Resources.namespaces).list({});
    expect(ns.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const svc = (await registry.mustStore(Resources.services).get('default', 'kubernetes')) as Service;
    expect(svc.spec).toMatchObject({ clusterIP: '127.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] });
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });

    // A restart on another port moves the endpoints.
    await ensureBuiltins(replica, { serviceCIDR: '127.96.0.0/12', endpoint: { ip: '127.0.0.1', port: 7443 } }, nopLogger);
    const ep = (await registry.mustStore(Resources.endpoints).get('default', 'kubernetes')) as Endpoints;
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    const slice = (await registry.mustStore(Resources.endpointslices).get('default', 'kubernetes')) as EndpointSlice;
    expect(slice).toMatchObject({
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 7443, protocol: 'TCP' }],
    });
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
  });
});
