// Built-in state created on start, idempotent across restarts and replicas: the system
// namespaces and the `kubernetes` Service on the first IP of the service range.
import { Resources, type EndpointSlice, type Endpoints, type KubeObject, type Namespace, type Service } from '@svclab/api';
import { isAlreadyExists, isInvalid } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { firstServiceIP } from './allocators.js';
import type { Registry } from './registry.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BuiltinOptions {
  /** `--service-cluster-ip-range`: the `kubernetes` Service gets its first IP. */
  readonly serviceCIDR: string;
  /**
   * Where this apiserver is reached (`--advertise-address`, the listening port): written to the
   * `kubernetes` Endpoints and EndpointSlice, and the Service's targetPort. Omitted in tests.
   */
  readonly endpoint?: { readonly ip: string; readonly port: number };
}

export async function ensureBuiltins(registry: Registry, opts: BuiltinOptions, logger: Logger): Promise<void> {
  const serviceCIDR = opts.serviceCIDR;
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
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.endpoint?.port ?? 6443 }],
    },
  };
  const exists = await svcStore.get('default', 'kubernetes').then(
    () => true,
    () => false,
  );
  if (!exists) {
    try {
      await svcStore.create('default', svc, {});
      logger.info('created the kubernetes service', { clusterIP: ip });
    } catch (err) {
      // Another replica won the race (the IP is taken by its Service, or the Service exists).
      if (!isAlreadyExists(err) && !isInvalid(err)) throw err;
    }
  }
  if (opts.endpoint !== undefined) await ensureEndpoints(registry, opts.endpoint);
}

/**
 * The apiserver endpoint reconciler, simplified: Endpoints `default/kubernetes` (skip-mirror) and
 * EndpointSlice `default/kubernetes` point at this apiserver (the last replica to start wins).
 */
async function ensureEndpoints(registry: Registry, at: { ip: string; port: number }): Promise<void> {
  const ref = { namespace: 'default', name: 'kubernetes' };
  const port = { name: 'https', port: at.port, protocol: 'TCP' as const };
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: at.ip }], ports: [port] }],
  };
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [at.ip], conditions: { ready: true } }],
    ports: [port],
  };
  for (const [store, desired] of [
    [registry.mustStore(Resources.endpoints), endpoints],
    [registry.mustStore(Resources.endpointslices), slice],
  ] as const) {
    await store.update(
      ref,
      (cur) => {
        const next = structuredClone(desired) as KubeObject;
        if (cur !== undefined) next.metadata = { ...cur.metadata, labels: { ...cur.metadata.labels, ...desired.metadata.labels } };
        delete next.metadata.resourceVersion;
        return next;
      },
      { ctx: {}, allowCreate: true },
    );
  }
}
