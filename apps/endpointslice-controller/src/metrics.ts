// Prometheus metrics of the EndpointSlice controller, with upstream's names
// (k8s.io/endpointslice/metrics: subsystem `endpoint_slice_controller`) plus the per-Service
// efficiency cache (metrics.Cache) behind endpoints_desired / num_endpoint_slices /
// desired_endpoint_slices.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PortMapEfficiency, SliceOperation } from './reconciler.js';

export const MetricsSubsystem = 'endpoint_slice_controller';
const name = (n: string): string => `${MetricsSubsystem}_${n}`;

/** prometheus.ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

export type SyncResult = 'success' | 'error' | 'stale';

/** numDesiredSlices: ceil(endpoints / max), at least 1 (a placeholder). */
export function numDesiredSlices(numEndpoints: number, maxEndpointsPerSlice: number): number {
  if (numEndpoints <= maxEndpointsPerSlice) return 1;
  return Math.ceil(numEndpoints / maxEndpointsPerSlice);
}

/**
 * One instance per process, registered in its own Registry (served on /metrics). Not shared
 * between controllers: the efficiency cache is per controller, as upstream's metrics.Cache.
 */
export class EndpointSliceMetrics {
  readonly registry: Registry;
  readonly endpointsAddedPerSync: Histogram;
  readonly endpointsRemovedPerSync: Histogram;
  readonly endpointsDesired: Gauge;
  readonly numEndpointSlices: Gauge;
  readonly desiredEndpointSlices: Gauge;
  readonly changes: Counter<'operation'>;
  readonly endpointSlicesChangedPerSync: Histogram<'topology' | 'traffic_distribution'>;
  readonly syncs: Counter<'result'>;
  readonly syncDuration: Histogram<'result'>;
  readonly servicesCountByTrafficDistribution: Gauge<'traffic_distribution'>;
  /** service key → its (valid) trafficDistribution */
  readonly #trafficDistribution = new Map<string, string>();
  readonly #maxEndpointsPerSlice: number;
  /** service key → its port-map efficiency (endpoints, slices) */
  readonly #cache = new Map<string, readonly PortMapEfficiency[]>();
  /** Running sums over #cache (upstream keeps totals too: a sync costs O(its ports), not O(Services)). */
  #totals: Totals = { endpoints: 0, slices: 0, desired: 0 };
  /** trafficDistribution → number of Services using it (entries never 0). */
  readonly #servicesByTD = new Map<string, number>();

  /** `processMetrics`: also Node's process metrics (CPU, heap, GC pauses, event-loop lag), as a process serving /metrics does. */
  constructor(opts: {
    maxEndpointsPerSlice: number;
    registry?: Registry | undefined;
    processMetrics?: boolean;
  }) {
    this.#maxEndpointsPerSlice = opts.maxEndpointsPerSlice;
    this.registry = opts.registry ?? new Registry();
    if (opts.processMetrics === true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const perSyncBuckets = exponentialBuckets(2, 2, 15);
    this.endpointsAddedPerSync = new Histogram({
      name: name('endpoints_added_per_sync'),
      help: 'Number of endpoints added on each Service sync',
      buckets: perSyncBuckets,
      registers,
    });
    this.endpointsRemovedPerSync = new Histogram({
      name: name('endpoints_removed_per_sync'),
      help: 'Number of endpoints removed on each Service sync',
      buckets: perSyncBuckets,
      registers,
    });
    this.endpointsDesired = new Gauge({
      name: name('endpoints_desired'),
      help: 'Number of endpoints desired',
      registers,
    });
    this.numEndpointSlices = new Gauge({
      name: name('num_endpoint_slices'),
      help: 'Number of EndpointSlices',
      registers,
    });
    this.desiredEndpointSlices = new Gauge({
      name: name('desired_endpoint_slices'),
      help: 'Number of EndpointSlices that would exist with perfect endpoint allocation',
      registers,
    });
    this.changes = new Counter({
      name: name('changes'),
      help: 'Number of EndpointSlice changes',
      labelNames: ['operation'],
      registers,
    });
    this.endpointSlicesChangedPerSync = new Histogram({
      name: name('endpointslices_changed_per_sync'),
      help: 'Number of EndpointSlices changed on each Service sync',
      labelNames: ['topology', 'traffic_distribution'],
      registers,
    });
    this.syncs = new Counter({
      name: name('syncs'),
      help: 'Number of EndpointSlice syncs',
      labelNames: ['result'],
      registers,
    });
    this.servicesCountByTrafficDistribution = new Gauge({
      name: name('services_count_by_traffic_distribution'),
      help: 'Number of Services using some specific trafficDistribution',
      labelNames: ['traffic_distribution'],
      registers,
    });
    this.syncDuration = new Histogram({
      name: 'svclab_endpointslice_sync_duration_seconds',
      help: 'Duration of one Service sync (all three reconcilers), in seconds',
      labelNames: ['result'],
      buckets: exponentialBuckets(0.001, 2, 15),
      registers,
    });
  }

  onSliceChange = (op: SliceOperation): void => {
    this.changes.inc({ operation: op });
  };

  /** Records one planned sync of a Service's slices. */
  observeSync(
    serviceKey: string,
    p: {
      added: number;
      removed: number;
      changed: number;
      efficiency: readonly PortMapEfficiency[];
      trafficDistribution: string;
    },
  ): void {
    this.endpointsAddedPerSync.observe(p.added);
    this.endpointsRemovedPerSync.observe(p.removed);
    this.endpointSlicesChangedPerSync.observe(
      { topology: 'Disabled', traffic_distribution: p.trafficDistribution },
      p.changed,
    );
    this.#setEfficiency(serviceKey, p.efficiency);
    this.#setTrafficDistribution(serviceKey, p.trafficDistribution);
    this.#publish();
  }

  syncResult(result: SyncResult, seconds: number): void {
    this.syncs.inc({ result });
    this.syncDuration.observe({ result }, seconds);
  }

  deleteService(serviceKey: string): void {
    const had = this.#cache.has(serviceKey) || this.#trafficDistribution.has(serviceKey);
    this.#setEfficiency(serviceKey, undefined);
    this.#setTrafficDistribution(serviceKey, '');
    if (had) this.#publish();
  }

  #setEfficiency(serviceKey: string, eff: readonly PortMapEfficiency[] | undefined): void {
    const t = this.#totals;
    const prev = this.#sum(this.#cache.get(serviceKey));
    const cur = this.#sum(eff);
    this.#totals = {
      endpoints: t.endpoints - prev.endpoints + cur.endpoints,
      slices: t.slices - prev.slices + cur.slices,
      desired: t.desired - prev.desired + cur.desired,
    };
    if (eff === undefined) this.#cache.delete(serviceKey);
    else this.#cache.set(serviceKey, eff);
  }

  #sum(eff: readonly PortMapEfficiency[] | undefined): Totals {
    const out = { endpoints: 0, slices: 0, desired: 0 };
    for (const pm of eff ?? []) {
      out.endpoints += pm.endpoints;
      out.slices += pm.slices;
      out.desired += numDesiredSlices(pm.endpoints, this.#maxEndpointsPerSlice);
    }
    return out;
  }

  /** '' = none (the Service is not counted). */
  #setTrafficDistribution(serviceKey: string, td: string): void {
    const prev = this.#trafficDistribution.get(serviceKey);
    if (prev === (td === '' ? undefined : td)) return;
    if (prev !== undefined) {
      const n = (this.#servicesByTD.get(prev) ?? 1) - 1;
      if (n <= 0) this.#servicesByTD.delete(prev);
      else this.#servicesByTD.set(prev, n);
    }
    if (td === '') {
      this.#trafficDistribution.delete(serviceKey);
    } else {
      this.#trafficDistribution.set(serviceKey, td);
      this.#servicesByTD.set(td, (this.#servicesByTD.get(td) ?? 0) + 1);
    }
  }

  #publish(): void {
    this.servicesCountByTrafficDistribution.reset();
    for (const [td, n] of this.#servicesByTD)
      this.servicesCountByTrafficDistribution.set({ traffic_distribution: td }, n);
    this.endpointsDesired.set(this.#totals.endpoints);
    this.numEndpointSlices.set(this.#totals.slices);
    this.desiredEndpointSlices.set(this.#totals.desired);
  }
}

interface Totals {
  endpoints: number;
  slices: number;
  desired: number;
}
