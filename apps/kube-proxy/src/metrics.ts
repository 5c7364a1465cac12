// kube-proxy metrics with upstream names (pkg/proxy/metrics/metrics.go), plus the userspace data
// plane's own counters under svclab_kube_proxy_*. One Registry per proxier (tests run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** 0.25, 0.5, 1..59 by 1, 60..115 by 5, 120..300 by 30 (upstream's network programming buckets). */
function networkProgrammingBuckets(): number[] {
  const b = [0.25, 0.5];
  for (let i = 1; i < 60; i++) b.push(i);
  for (let i = 60; i < 120; i += 5) b.push(i);
  for (let i = 120; i <= 300; i += 30) b.push(i);
  return b;
}

/** ExponentialBuckets(0.001, 2, 15). */
function syncBuckets(): number[] {
  return Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);
}

export interface KubeProxyMetricsOptions {
  /** Adds Node.js process metrics (main only; not in tests). */
  readonly processMetrics?: boolean;
}

export class KubeProxyMetrics {
  readonly registry = new Registry();
  readonly syncProxyRulesDuration: Histogram;
  readonly syncFullProxyRulesDuration: Histogram;
  readonly syncPartialProxyRulesDuration: Histogram;
  readonly networkProgrammingDuration: Histogram;
  readonly syncProxyRulesLastTimestamp: Gauge;
  readonly syncProxyRulesLastQueuedTimestamp: Gauge;
  readonly endpointChangesPending: Gauge;
  readonly endpointChangesTotal: Counter;
  readonly serviceChangesPending: Gauge;
  readonly serviceChangesTotal: Counter;
  readonly iptablesTotal: Gauge<'table'>;
  readonly iptablesLast: Gauge<'table'>;
  readonly iptablesRestoreFailures: Counter;
  readonly noLocalEndpoints: Gauge<'traffic_policy'>;
  readonly healthzTotal: Counter<'code'>;
  readonly livezTotal: Counter<'code'>;
  /** svclab: connections the userspace data plane handled, by entry (socks, nodeport, externalip) and verdict. */
  readonly dataplaneConnections: Counter<'entry' | 'protocol' | 'verdict'>;
  /** svclab: new connections dropped because the conntrack table was full. */
  readonly conntrackDropped: Counter;
  readonly conntrackEntries: Gauge;

  constructor(opts: KubeProxyMetricsOptions = {}) {
    const registers = [this.registry];
    this.syncProxyRulesDuration = new Histogram({
      name: 'kubeproxy_sync_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds',
      buckets: syncBuckets(),
      registers,
    });
    this.syncFullProxyRulesDuration = new Histogram({
      name: 'kubeproxy_sync_full_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds for full resyncs',
      buckets: syncBuckets(),
      registers,
    });
    this.syncPartialProxyRulesDuration = new Histogram({
      name: 'kubeproxy_sync_partial_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds for partial resyncs',
      buckets: syncBuckets(),
      registers,
    });
    this.networkProgrammingDuration = new Histogram({
      name: 'kubeproxy_network_programming_duration_seconds',
      help: 'In Cluster Network Programming Latency in seconds',
      buckets: networkProgrammingBuckets(),
      registers,
    });
    this.syncProxyRulesLastTimestamp = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
      help: 'The last time proxy rules were successfully synced',
      registers,
    });
    this.syncProxyRulesLastQueuedTimestamp = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds',
      help: 'The last time a sync of proxy rules was queued',
      registers,
    });
    this.endpointChangesPending = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_endpoint_changes_pending',
      help: 'Pending proxy rules Endpoint changes',
      registers,
    });
    this.endpointChangesTotal = new Counter({
      name: 'kubeproxy_sync_proxy_rules_endpoint_changes_total',
      help: 'Cumulative proxy rules Endpoint changes',
      registers,
    });
    this.serviceChangesPending = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_service_changes_pending',
      help: 'Pending proxy rules Service changes',
      registers,
    });
    this.serviceChangesTotal = new Counter({
      name: 'kubeproxy_sync_proxy_rules_service_changes_total',
      help: 'Cumulative proxy rules Service changes',
      registers,
    });
    this.iptablesTotal = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_iptables_total',
      help: 'Total number of iptables rules owned by kube-proxy',
      labelNames: ['table'],
      registers,
    });
    this.iptablesLast = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_iptables_last',
      help: 'Number of iptables rules written by kube-proxy in last sync',
      labelNames: ['table'],
      registers,
    });
    this.iptablesRestoreFailures = new Counter({
      name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
      help: 'Cumulative proxy iptables restore failures',
      registers,
    });
    this.noLocalEndpoints = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_no_local_endpoints_total',
      help: 'Number of services with a Local traffic policy and no endpoints',
      labelNames: ['traffic_policy'],
      registers,
    });
    this.healthzTotal = new Counter({ name: 'kubeproxy_proxy_healthz_total', help: 'Cumulative proxy healthz HTTP status', labelNames: ['code'], registers });
    this.livezTotal = new Counter({ name: 'kubeproxy_proxy_livez_total', help: 'Cumulative proxy livez HTTP status', labelNames: ['code'], registers });
    this.dataplaneConnections = new Counter({
      name: 'svclab_kube_proxy_dataplane_connections_total',
      help: 'Connections (TCP) and flows (UDP) handled by the userspace data plane, by entry and verdict',
      labelNames: ['entry', 'protocol', 'verdict'],
      registers,
    });
    this.conntrackDropped = new Counter({
      name: 'svclab_kube_proxy_conntrack_dropped_total',
      help: 'New connections dropped because the conntrack table was full (--conntrack-max)',
      registers,
    });
    this.conntrackEntries = new Gauge({ name: 'svclab_kube_proxy_conntrack_entries', help: 'Entries in the conntrack table', registers });
    if (opts.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }
}
