// Prometheus metrics: svclab_cloud_provider_<name>_<unit>, outcomes as labels.
import { Counter, Gauge, Registry } from 'prom-client';
import type { ConnectionResult } from './lb-listeners.js';

export class CloudProviderMetrics {
  readonly registry = new Registry();
  /** Addresses of the pool held by Services. */
  readonly allocatedIPs = new Gauge({ name: 'svclab_cloud_provider_allocated_ips', help: 'LoadBalancer pool addresses in use', registers: [this.registry] });
  readonly poolSize = new Gauge({ name: 'svclab_cloud_provider_pool_ips', help: 'Addresses the LoadBalancer pool can hand out', registers: [this.registry] });
  readonly listeners = new Gauge({ name: 'svclab_cloud_provider_listeners', help: 'LB IP:port listeners bound', registers: [this.registry] });
  readonly syncs = new Counter({ name: 'svclab_cloud_provider_syncs_total', help: 'Service syncs by result', labelNames: ['result'] as const, registers: [this.registry] });
  readonly connections = new Counter({ name: 'svclab_cloud_provider_connections_total', help: 'LB connections by result', labelNames: ['result'] as const, registers: [this.registry] });

  connection(result: ConnectionResult): void {
    this.connections.inc({ result });
  }
}
