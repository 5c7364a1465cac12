// The proxier (pkg/proxy/iptables/proxier.go, ipvs/proxier.go shape): handlers feed the change
// trackers and ask the BoundedFrequencyRunner for a sync; syncProxyRules() applies the net changes
// to its maps, renders through @svclab/proxy-rules (partial unless a full sync is needed), hands
// the result to the data plane, and updates health, service health ports and metrics.
import type { EndpointSlice, Node, Service } from '@svclab/api';
import { BoundedFrequencyRunner, realClock, type Clock } from '@svclab/apimachinery';
import type { IpvsResult, IpvsScheduler, IptablesResult, ProxyNode, ServicePortInfo } from '@svclab/proxy-rules';
import { IptablesCache, renderIptables, renderIpvs, servicePortInfos, usesLocalEndpoints } from '@svclab/proxy-rules';
import type { Logger } from '@svclab/telemetry';
import { context, SpanStatusCode, trace, type Link, type Tracer } from '@opentelemetry/api';
import type { Dataplane, DataplaneSnapshot, ListenerSpec } from './dataplane/dataplane.js';
import { EndpointsChangeTracker } from './endpoints-change-tracker.js';
import type { KubeProxyMetrics } from './metrics.js';
import type { ProxierHealth } from './proxier-health.js';
import { ServiceChangeTracker } from './service-change-tracker.js';
import type { ServiceHealthServer, ServiceHealthSpec } from './service-health-server.js';

export type ProxyMode = 'iptables' | 'ipvs';

export interface ProxierOptions {
  readonly mode: ProxyMode;
  readonly nodeName: string;
  readonly nodeIP: string;
  /** `--cluster-cidr`: the local-traffic detector (ClusterCIDR mode); unset = no detector. */
  readonly clusterCIDR?: string;
  readonly ipvsScheduler?: IpvsScheduler;
  /** The kernel has nfacct (adds `-m nfacct` counters); default true. The kernel data plane probes it. */
  readonly nfacct?: boolean;
  /** `--min-sync-period`, ms. */
  readonly minSyncPeriodMs: number;
  /** `--sync-period`, ms: a full resync at least this often. */
  readonly syncPeriodMs: number;
  readonly dataplane: Dataplane;
  readonly metrics: KubeProxyMetrics;
  readonly health: ProxierHealth;
  readonly serviceHealth?: ServiceHealthServer;
  /** IPVS mode: live connection counts for `ipvsadm -Ln`. */
  readonly connections?: (ip: string, port: number) => number;
  readonly logger: Logger;
  readonly tracer?: Tracer;
  readonly clock?: Clock;
}

/** Format of `/rules`. */
export type RulesFormat = 'iptables-save' | 'ipvsadm' | 'json';

/**
 * One per node. Single event loop: handlers only record and `runner.run()`; the sync runs on the
 * runner, never concurrently with itself. Nothing is programmed before both `onServicesSynced`
 * and `onEndpointSlicesSynced` were called.
 */
/** At most this many writes are linked from one sync span. */
const MaxSyncLinks = 128;

export class Proxier {
  readonly serviceChanges = new ServiceChangeTracker();
  readonly endpointsChanges: EndpointsChangeTracker;
  private readonly services = new Map<string, Service>();
  /** Slices by `namespace/name`. */
  private readonly slices = new Map<string, EndpointSlice>();
  private readonly cache = new IptablesCache();
  /** servicePortInfos() per Service object (informer objects are replaced, never mutated). */
  private readonly portInfos = new WeakMap<Service, readonly ServicePortInfo[]>();
  /** What depends on the Services alone; dropped when a Service changes. */
  private byServices: { listeners: ListenerSpec[]; health: Service[] } | undefined;
  private readonly runner: BoundedFrequencyRunner;
  private readonly clock: Clock;
  private node: ProxyNode;
  private servicesSynced = false;
  private endpointSlicesSynced = false;
  private needFullSync = true;
  private lastIptables: IptablesResult | undefined;
  private lastIpvs: IpvsResult | undefined;
  private syncs = 0;
  /** Span contexts of the writes behind changes not yet synced (links of the next sync span). */
  private readonly pendingLinks: Link[] = [];

  constructor(private readonly opts: ProxierOptions) {
    this.clock = opts.clock ?? realClock;
    this.endpointsChanges = new EndpointsChangeTracker(() => this.clock.now());
    this.node = { name: opts.nodeName, ip: opts.nodeIP };
    this.runner = new BoundedFrequencyRunner({
      name: 'sync-runner',
      fn: () => this.syncProxyRules(),
      minInterval: opts.minSyncPeriodMs,
      maxInterval: opts.syncPeriodMs,
      burstRuns: 2,
      clock: this.clock,
      onError: (err) => {
        opts.logger.error('syncProxyRules failed', { err });
      },
    });
  }

  /** Runs the sync loop until `signal` aborts. */
  loop(signal: AbortSignal): Promise<void> {
    return this.runner.loop(signal);
  }

  // ---- handlers (config.ts) ----

  onServiceUpdate(previous: Service | undefined, current: Service | undefined): void {
    this.rememberTrace();
    if (this.serviceChanges.update(previous, current) && this.isInitialized()) this.queueSync();
    this.opts.metrics.serviceChangesPending.set(this.serviceChanges.pending());
  }

  onEndpointSliceUpdate(previous: EndpointSlice | undefined, current: EndpointSlice | undefined): void {
    this.rememberTrace();
    if (this.endpointsChanges.update(previous, current) && this.isInitialized()) this.queueSync();
    this.opts.metrics.endpointChangesPending.set(this.endpointsChanges.pending());
  }

  /**
   * The informer runs handlers in the trace context of the write behind the event; the next sync
   * span links to every such write it applies (at most MaxSyncLinks).
   */
  private rememberTrace(): void {
    const sc = trace.getSpanContext(context.active());
    if (sc === undefined || !trace.isSpanContextValid(sc) || this.pendingLinks.length >= MaxSyncLinks) return;
    if (!this.pendingLinks.some((l) => l.context.spanId === sc.spanId)) this.pendingLinks.push({ context: sc });
  }

  onServicesSynced(): void {
    this.servicesSynced = true;
    this.queueSync();
  }

  onEndpointSlicesSynced(): void {
    this.endpointSlicesSynced = true;
    this.queueSync();
  }

  /** Our own Node: labels feed topology; a node being deleted is not eligible for /healthz. */
  onNodeUpdate(node: Node | undefined): void {
    const labels = node?.metadata.labels ?? {};
    this.opts.health.setNodeEligible(node?.metadata.deletionTimestamp === undefined);
    if (JSON.stringify(labels) !== JSON.stringify(this.node.labels ?? {})) {
      this.node = { name: this.opts.nodeName, ip: this.opts.nodeIP, labels };
      this.needFullSync = true;
      if (this.isInitialized()) this.queueSync();
    }
  }

  isInitialized(): boolean {
    return this.servicesSynced && this.endpointSlicesSynced;
  }

  /** Number of successful syncs so far. */
  syncCount(): number {
    return this.syncs;
  }

  private queueSync(): void {
    this.opts.health.queuedUpdate();
    this.opts.metrics.syncProxyRulesLastQueuedTimestamp.set(this.clock.now() / 1000);
    this.runner.run();
  }

  // ---- sync ----

  /** Computes and applies the rules. A no-op until both informers synced. */
  async syncProxyRules(): Promise<void> {
    if (!this.isInitialized()) return;
    const start = this.clock.now();
    const full = this.needFullSync;
    const svcChanges = this.serviceChanges.checkout();
    const epChanges = this.endpointsChanges.checkout();
    this.opts.metrics.serviceChangesPending.set(0);
    this.opts.metrics.endpointChangesPending.set(0);
    this.opts.metrics.serviceChangesTotal.inc(svcChanges.size);
    this.opts.metrics.endpointChangesTotal.inc(epChanges.size);
    if (svcChanges.size > 0) this.byServices = undefined;
    for (const [key, ch] of svcChanges) {
      if (ch.current === undefined) this.services.delete(key);
      else this.services.set(key, ch.current);
    }
    const triggerTimes: number[] = [];
    for (const e of epChanges.values()) {
      for (const [key, ch] of e.slices) {
        if (ch.current === undefined) this.slices.delete(key);
        else this.slices.set(key, ch.current);
      }
      triggerTimes.push(...e.triggerTimes);
    }
    const links = this.pendingLinks.splice(0);
    const span = this.opts.tracer?.startSpan('kube-proxy syncProxyRules', {
      links,
      attributes: {
        'svclab.proxy.mode': this.opts.mode,
        'svclab.proxy.full_sync': full,
        'svclab.proxy.service_changes': svcChanges.size,
        'svclab.proxy.endpoint_changes': epChanges.size,
        'k8s.node.name': this.opts.nodeName,
      },
    });
    try {
      if (full) this.cache.forceFullSync();
      const state = { services: [...this.services.values()], endpointSlices: [...this.slices.values()] };
      const snapshot = this.render(state, full);
      await this.opts.dataplane.apply(snapshot);
      this.needFullSync = false;
      const end = this.clock.now();
      const secs = (end - start) / 1000;
      this.opts.metrics.syncProxyRulesDuration.observe(secs);
      (full ? this.opts.metrics.syncFullProxyRulesDuration : this.opts.metrics.syncPartialProxyRulesDuration).observe(secs);
      this.opts.metrics.syncProxyRulesLastTimestamp.set(end / 1000);
      for (const t of triggerTimes) this.opts.metrics.networkProgrammingDuration.observe(Math.max(0, end - t) / 1000);
      this.opts.health.updated();
      this.syncs++;
      await this.syncServiceHealth(this.servicesDerived(state.services).health);
      span?.setStatus({ code: SpanStatusCode.OK });
      this.opts.logger.debug('synced proxy rules', { full, services: this.services.size, slices: this.slices.size, ms: end - start });
    } catch (err) {
      this.needFullSync = true;
      this.opts.metrics.iptablesRestoreFailures.inc();
      span?.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      this.opts.logger.error('failed to apply proxy rules; retrying with a full sync', { err });
      this.runner.retryAfter(Math.max(1000, this.opts.minSyncPeriodMs));
    } finally {
      span?.end();
    }
  }

  private render(state: { services: Service[]; endpointSlices: EndpointSlice[] }, full: boolean): DataplaneSnapshot {
    const listeners = this.servicesDerived(state.services).listeners;
    if (this.opts.mode === 'iptables') {
      const r = renderIptables(state, this.node, {
        cache: this.cache,
        nfacct: this.opts.nfacct ?? true,
        ...(this.opts.clusterCIDR === undefined ? {} : { clusterCIDR: this.opts.clusterCIDR }),
      });
      this.lastIptables = r;
      this.opts.metrics.iptablesTotal.set({ table: 'filter' }, r.stats.filterRules);
      this.opts.metrics.iptablesTotal.set({ table: 'nat' }, r.stats.natRules);
      this.opts.metrics.iptablesLast.set({ table: 'filter' }, r.stats.filterRules);
      this.opts.metrics.iptablesLast.set({ table: 'nat' }, r.stats.natRules);
      // The RuleSet now (cheap: per changed port), the text when a data plane reads it (the
      // kernel one does, the userspace one does not).
      const ruleSet = r.ruleSet;
      return {
        mode: 'iptables',
        ruleSet,
        get restoreText(): string {
          return r.restoreText;
        },
        fullSync: full || r.fullSync,
        listeners,
      };
    }
    const connections = this.opts.connections;
    const r = renderIpvs(state, this.node, {
      scheduler: this.opts.ipvsScheduler ?? 'rr',
      ...(this.opts.clusterCIDR === undefined ? {} : { clusterCIDR: this.opts.clusterCIDR }),
      ...(connections === undefined ? {} : { connections: (_vs, rs) => ({ active: connections(rs.address, rs.port), inactive: 0 }) }),
    });
    this.lastIpvs = r;
    const externalLocal = new Set<string>();
    for (const svc of state.services) for (const p of this.infosOf(svc)) if (p.externalPolicyLocal) externalLocal.add(p.name);
    return { mode: 'ipvs', restoreText: r.iptablesText, fullSync: true, virtualServers: r.virtualServers, externalLocal, listeners };
  }

  /** The listeners and the Services that need a health pass (hc port or a Local policy). */
  private servicesDerived(services: readonly Service[]): { listeners: ListenerSpec[]; health: Service[] } {
    this.byServices ??= {
      listeners: this.listenerSpecs(services),
      health: services.filter((svc) => {
        const infos = this.infosOf(svc);
        return infos.length > 0 && ((svc.spec?.healthCheckNodePort ?? 0) > 0 || infos.some((p) => usesLocalEndpoints(p)));
      }),
    };
    return this.byServices;
  }

  private listenerSpecs(services: readonly Service[]): ListenerSpec[] {
    const out: ListenerSpec[] = [];
    const seen = new Set<string>();
    const add = (l: ListenerSpec): void => {
      const k = `${l.protocol} ${l.ip}:${l.port}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push(l);
    };
    for (const svc of services) {
      for (const p of this.infosOf(svc)) {
        if (p.protocol !== 'TCP' && p.protocol !== 'UDP') continue;
        if (p.nodePort > 0) add({ protocol: p.protocol, ip: this.opts.nodeIP, port: p.nodePort, kind: 'NodePort' });
        for (const ip of p.externalIPs) add({ protocol: p.protocol, ip, port: p.port, kind: 'ExternalIP' });
      }
    }
    return out;
  }

  /** `services`: those servicesDerived() picked. */
  private async syncServiceHealth(services: readonly Service[]): Promise<void> {
    const specs: ServiceHealthSpec[] = [];
    let noLocalInternal = 0;
    let noLocalExternal = 0;
    let bySvc: Map<string, EndpointSlice[]> | undefined;
    for (const svc of services) {
      const infos = this.infosOf(svc);
      if (infos.length === 0) continue;
      const hc = svc.spec?.healthCheckNodePort ?? 0;
      const localPolicy = infos.some((p) => usesLocalEndpoints(p));
      if (hc === 0 && !localPolicy) continue;
      bySvc ??= this.slicesByService();
      const local = this.localReadyEndpoints(bySvc.get(`${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`) ?? []);
      if (hc > 0) specs.push({ namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '', port: hc, localEndpoints: local });
      if (local === 0) {
        if (infos.some((p) => p.internalPolicyLocal)) noLocalInternal++;
        if (infos.some((p) => p.externalPolicyLocal)) noLocalExternal++;
      }
    }
    this.opts.metrics.noLocalEndpoints.set({ traffic_policy: 'internal' }, noLocalInternal);
    this.opts.metrics.noLocalEndpoints.set({ traffic_policy: 'external' }, noLocalExternal);
    await this.opts.serviceHealth?.sync(specs);
  }

  private infosOf(svc: Service): readonly ServicePortInfo[] {
    let infos = this.portInfos.get(svc);
    if (infos === undefined) {
      infos = servicePortInfos(svc);
      this.portInfos.set(svc, infos);
    }
    return infos;
  }

  /** The slices by the `namespace/name` of their Service. */
  private slicesByService(): Map<string, EndpointSlice[]> {
    const out = new Map<string, EndpointSlice[]>();
    for (const s of this.slices.values()) {
      const svc = s.metadata.labels?.['kubernetes.io/service-name'];
      if (svc === undefined) continue;
      const key = `${s.metadata.namespace ?? ''}/${svc}`;
      const list = out.get(key);
      if (list === undefined) out.set(key, [s]);
      else list.push(s);
    }
    return out;
  }

  /** Ready endpoints on this node among a Service's `slices` (upstream counts local ready endpoints). */
  private localReadyEndpoints(slices: readonly EndpointSlice[]): number {
    const seen = new Set<string>();
    for (const s of slices) {
      for (const ep of s.endpoints ?? []) {
        if (ep.nodeName !== this.opts.nodeName || ep.conditions?.ready === false) continue;
        for (const a of ep.addresses) seen.add(a);
      }
    }
    return seen.size;
  }

  // ---- inspection (/rules) ----

  /** The current rules in `format`; undefined before the first sync or when the mode has no such view. */
  rules(format: RulesFormat): string | undefined {
    if (format === 'json') {
      if (this.opts.mode === 'iptables') return this.lastIptables === undefined ? undefined : JSON.stringify(this.lastIptables.ruleSet);
      return this.lastIpvs === undefined ? undefined : JSON.stringify({ virtualServers: this.lastIpvs.virtualServers, ipsets: this.lastIpvs.ipsets });
    }
    if (format === 'iptables-save') {
      return this.opts.mode === 'iptables' ? this.lastIptables?.text : this.lastIpvs?.iptablesText;
    }
    return this.lastIpvs?.ipvsadmText;
  }
}
