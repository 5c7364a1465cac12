// The LoadBalancer service controller (upstream cloud-provider service controller + MetalLB's
// allocator): Service keys → sync(key) → pool allocation and services/status writes; Nodes and
// Services → listener set (LoadBalancerListeners) and health-check targets. Events on the Service as
// upstream's service-controller records them: EnsuringLoadBalancer / EnsuredLoadBalancer around a
// new or changed address, SyncLoadBalancerFailed when none can be given, DeletingLoadBalancer /
// DeletedLoadBalancer when a Service stops being a LoadBalancer.
import type { Node, Service } from '@svclab/api';
import { isConflict, isNotFound, metaNamespaceKey, splitMetaNamespaceKey } from '@svclab/apimachinery';
import {
  getReference,
  isDeletedFinalStateUnknown,
  type EventRecorder,
  type Lister,
  type RateLimitingQueue,
  type SharedIndexInformer,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { isPoolExhausted, type LoadBalancerIPPool } from './lb-ip-pool.js';
import type { LoadBalancerListeners } from './lb-listeners.js';
import { desiredListeners, ingressIPs, loadBalancerBackends, wantsLoadBalancer } from './load-balancer-plan.js';
import type { CloudProviderMetrics } from './metrics.js';
import type { NodeHealthChecker } from './node-health-checker.js';

/** Writes the services/status subresource. */
export interface ServiceStatusWriter {
  updateStatus(svc: Service): Promise<Service>;
}

/** Retries of one key before it is dropped (upstream maxRetries); the next event requeues it. */
export const MaxRetries = 15;

export interface ServiceControllerOptions {
  readonly services: { readonly informer: SharedIndexInformer<Service>; readonly lister: Lister<Service> };
  readonly nodes: { readonly informer: SharedIndexInformer<Node>; readonly lister: Lister<Node> };
  readonly statusWriter: ServiceStatusWriter;
  readonly pool: LoadBalancerIPPool;
  readonly listeners: LoadBalancerListeners;
  readonly healthChecker?: NodeHealthChecker;
  readonly queue: RateLimitingQueue<string>;
  readonly metrics?: CloudProviderMetrics;
  readonly logger: Logger;
  /** The `service-controller` recorder. */
  readonly events?: EventRecorder;
}

function sameIngress(svc: Service, ips: readonly string[]): boolean {
  const cur = svc.status?.loadBalancer?.ingress ?? [];
  return cur.length === ips.length && cur.every((i, n) => i.ip === ips[n] && i.hostname === undefined && i.ipMode === 'VIP');
}

export class ServiceController {
  private listenerSyncPending = false;
  private started = false;

  constructor(private readonly o: ServiceControllerOptions) {
    o.services.informer.addEventHandler({
      onAdd: (s) => { this.enqueue(s); },
      onUpdate: (_, s) => { this.enqueue(s); },
      onDelete: (s) => {
        const key = isDeletedFinalStateUnknown(s) ? s.key : metaNamespaceKey(s);
        o.queue.add(key);
        this.scheduleListenerSync();
      },
    });
    o.nodes.informer.addEventHandler({
      onAdd: () => { this.scheduleListenerSync(); },
      onUpdate: () => { this.scheduleListenerSync(); },
      onDelete: () => { this.scheduleListenerSync(); },
    });
  }

  hasSynced(): boolean {
    return this.started && this.o.services.informer.hasSynced() && this.o.nodes.informer.hasSynced();
  }

  /**
   * Waits for the caches, re-reads every LoadBalancer Service's status into the pool (so a restart
   * keeps every address where it was), then runs `workers` workers until `signal` aborts.
   */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !(this.o.services.informer.hasSynced() && this.o.nodes.informer.hasSynced())) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (signal.aborted) return;
    this.restorePool();
    this.started = true;
    this.syncListeners();
    signal.addEventListener('abort', () => { this.o.queue.shutDown(); }, { once: true });
    await Promise.all(Array.from({ length: workers }, () => this.worker()));
  }

  /** Reserves the addresses already in Service statuses; conflicting duplicates are left to sync (reallocated). */
  restorePool(): void {
    const services = [...this.o.services.lister.list()].sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    for (const svc of services) {
      if (!wantsLoadBalancer(svc)) continue;
      const key = metaNamespaceKey(svc);
      for (const ip of ingressIPs(svc)) {
        if (this.o.pool.reserve(key, ip)) break;
      }
    }
    this.o.metrics?.allocatedIPs.set(this.o.pool.allocated);
  }

  /** Level-triggered: makes `key`'s pool address and status match its spec. */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const svc = this.o.services.lister.namespace(namespace).find(name);
    if (svc === undefined) {
      const ip = this.o.pool.release(key);
      if (ip !== undefined) this.o.logger.info('released LoadBalancer IP', { service: key, ip });
      return;
    }
    if (!wantsLoadBalancer(svc)) {
      const ip = this.o.pool.release(key);
      if (ip !== undefined) this.o.logger.info('released LoadBalancer IP', { service: key, ip });
      // Type changed away from LoadBalancer: clear the ingress we wrote (upstream does the same;
      // the apiserver usually has already).
      const ours = ingressIPs(svc).some((i) => this.o.pool.contains(i));
      if (ip === undefined && !ours) return;
      this.event(svc, { type: 'Normal', reason: 'DeletingLoadBalancer', message: 'Deleting load balancer' });
      if (ours) await this.writeIngress(svc, []);
      this.event(svc, { type: 'Normal', reason: 'DeletedLoadBalancer', message: 'Deleted load balancer' });
      return;
    }
    // A held address from status (restored) keeps precedence unless spec asks for another one.
    const held = this.o.pool.addressOf(key);
    if (held === undefined) for (const ip of ingressIPs(svc)) if (this.o.pool.reserve(key, ip)) break;
    const wanted = svc.spec?.loadBalancerIP;
    let ip: string | undefined;
    try {
      ip = this.o.pool.allocate(key, wanted);
    } catch (err) {
      if (!isPoolExhausted(err)) throw err;
      this.o.logger.warn('LoadBalancer pool exhausted; service stays pending', { service: key });
      this.syncFailed(svc, `no free address in the LoadBalancer pool ${this.o.pool.describe()}`);
      return;
    }
    if (ip === undefined) {
      this.o.logger.warn('spec.loadBalancerIP is outside the pool or in use; service stays pending', { service: key, loadBalancerIP: wanted });
      this.syncFailed(svc, `requested loadBalancerIP ${wanted ?? ''} is outside the LoadBalancer pool ${this.o.pool.describe()} or in use`);
      this.o.pool.release(key);
      if (ingressIPs(svc).length > 0) await this.writeIngress(svc, []);
      return;
    }
    if (!sameIngress(svc, [ip])) {
      this.event(svc, { type: 'Normal', reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer' });
      await this.writeIngress(svc, [ip]);
      this.event(svc, { type: 'Normal', reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer' });
      this.o.logger.info('assigned LoadBalancer IP', { service: key, ip });
    }
  }

  private event(svc: Service, e: { type: 'Normal' | 'Warning'; reason: string; message: string }): void {
    this.o.events?.event(getReference(svc, 'Service'), e);
  }

  /** upstream: EnsuringLoadBalancer, then SyncLoadBalancerFailed with the provider's error. */
  private syncFailed(svc: Service, why: string): void {
    this.event(svc, { type: 'Normal', reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer' });
    this.event(svc, { type: 'Warning', reason: 'SyncLoadBalancerFailed', message: `Error syncing load balancer: failed to ensure load balancer: ${why}` });
  }

  /** Recomputes the listener set and health-check targets from the caches (cheap, idempotent). */
  syncListeners(): void {
    const services = this.o.services.lister.list();
    const specs = desiredListeners(services, this.o.pool);
    const backends = loadBalancerBackends(this.o.nodes.lister.list());
    this.o.healthChecker?.setTargets(
      specs.flatMap((s) => (s.local && s.healthCheckNodePort !== undefined ? backends.map((b) => ({ ip: b.ip, port: s.healthCheckNodePort ?? 0 })) : [])),
    );
    this.o.listeners.sync(specs, backends);
    this.o.metrics?.allocatedIPs.set(this.o.pool.allocated);
  }

  private async writeIngress(svc: Service, ips: readonly string[]): Promise<void> {
    const next: Service = structuredClone(svc);
    next.status = { ...(next.status ?? {}), loadBalancer: ips.length === 0 ? {} : { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) } };
    await this.o.statusWriter.updateStatus(next);
  }

  private enqueue(svc: Service): void {
    this.o.queue.add(metaNamespaceKey(svc));
    this.scheduleListenerSync();
  }

  private scheduleListenerSync(): void {
    if (this.listenerSyncPending || !this.started) return;
    this.listenerSyncPending = true;
    setImmediate(() => {
      this.listenerSyncPending = false;
      this.syncListeners();
    });
  }

  private async worker(): Promise<void> {
    for (;;) {
      const { item: key, shutdown } = await this.o.queue.get();
      if (shutdown) return;
      try {
        await this.sync(key);
        this.o.queue.forget(key);
        this.o.metrics?.syncs.inc({ result: 'success' });
      } catch (err) {
        const conflict = isConflict(err) || isNotFound(err);
        this.o.metrics?.syncs.inc({ result: conflict ? 'stale' : 'error' });
        if (this.o.queue.numRequeues(key) < MaxRetries) this.o.queue.addRateLimited(key);
        else this.o.queue.forget(key);
        if (!conflict) this.o.logger.warn('sync failed', { service: key, err: err instanceof Error ? err.message : String(err) });
      } finally {
        this.o.queue.done(key);
      }
      this.scheduleListenerSync();
    }
  }
}
