// Built-in state created on start, idempotent across restarts and replicas: the system
// namespaces and the `kubernetes` Service on the first IP of the service range.
import { Resources, type Namespace, type Service } from '@svclab/api';
import { isAlreadyExists, isInvalid } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { firstServiceIP } from './allocators.js';
import type { Registry } from './registry.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export async function ensureBuiltins(registry: Registry, serviceCIDR: string, logger: Logger): Promise<void> {
  const nsStore = registry.mustStore(Resources.namespaces);
  for (const name of systemNamespaces) {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    try {
      await nsStore.create('', ns, {});
      logger.info('created namespace', { namespace: name });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  const svcStore = registry.mustStore(Resources.services);
  const ip = firstServiceIP(serviceCIDR);
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      clusterIPs: [ip],
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  };
  try {
    await svcStore.get('default', 'kubernetes');
    return;
  } catch {
    // create below
  }
  try {
    await svcStore.create('default', svc, {});
    logger.info('created the kubernetes service', { clusterIP: ip });
  } catch (err) {
    // Another replica won the race (the IP is taken by its Service, or the Service exists).
    if (!isAlreadyExists(err) && !isInvalid(err)) throw err;
  }
}
