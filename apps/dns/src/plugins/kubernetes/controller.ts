// The kubernetes plugin's cache (CoreDNS plugin/kubernetes/controller.go dnsControl): slim objects
// behind the indexes the answers need, so a query never scans all objects.
import { context, trace } from '@opentelemetry/api';
import type { EndpointSlice, Namespace, Pod, Service } from '@svclab/api';
import { namespacedKey } from '@svclab/apimachinery';
import {
  toEndpoints,
  toNamespace,
  toPod,
  toService,
  type SlimEndpoints,
  type SlimPod,
  type SlimPort,
  type SlimService,
} from './object.js';

/** Spans for cache updates that arrive with a write's trace context (the informer makes it active). */
const tracer = trace.getTracer('svclab-dns');

/**
 * What `answer()` reads. Every lookup is an index lookup; returned values are frozen and shared.
 * `synced()` is true once every informer feeding the source has listed (CoreDNS HasSynced).
 */
export interface ObjectSource {
  /** Service by namespace and name (case-insensitive; index "name.namespace" in CoreDNS). */
  serviceByName(namespace: string, name: string): SlimService | undefined;
  /** Services with this cluster IP, oldest first (PTR). */
  servicesByClusterIP(ip: string): readonly SlimService[];
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  endpointsByService(namespace: string, name: string): readonly SlimEndpoints[];
  /** The EndpointSlices holding this (ready) address (PTR). */
  endpointsByIP(ip: string): readonly SlimEndpoints[];
  /** Pods whose status.podIP is `ip` (pods verified). */
  podsByIP(ip: string): readonly SlimPod[];
  namespaceExists(namespace: string): boolean;
  synced(): boolean;
  /** uint32 unix seconds of the last DNS-relevant change (the SOA serial); 0 before the first. */
  serial(): number;
  /** Counts every change applied (any add, update or delete), relevant to the SOA serial or not. */
  generation(): number;
}

export interface DnsControllerOptions {
  /** Seconds since the epoch; injected for tests. */
  readonly now?: () => number;
  /** Whether the informers feeding this cache have synced; default: `markSynced()` was called. */
  readonly hasSynced?: () => boolean;
}

type Kind = 'Service' | 'EndpointSlice' | 'Pod' | 'Namespace';

function multiAdd<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
function multiRemove<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (!list) return;
  const i = list.indexOf(v);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) m.delete(k);
}
const lower = (ns: string, name: string): string =>
  namespacedKey(ns.toLowerCase(), name.toLowerCase());
const samePorts = (a: readonly SlimPort[], b: readonly SlimPort[]): boolean =>
  a.length === b.length &&
  a.every(
    (p, i) =>
      p.name === b.at(i)?.name && p.port === b.at(i)?.port && p.protocol === b.at(i)?.protocol,
  );

/**
 * DnsController owns the indexes. Informer handlers (or a static loader) call `onAdd/onUpdate/onDelete`
 * with API objects; only slim projections are stored. Not thread-safe by design: Node runs handlers
 * and queries on one event loop.
 */
export class DnsController implements ObjectSource {
  private readonly services = new Map<string, SlimService>();
  private readonly servicesByIP = new Map<string, SlimService[]>();
  private readonly slices = new Map<string, SlimEndpoints>();
  private readonly slicesBySvc = new Map<string, SlimEndpoints[]>();
  private readonly slicesByIP = new Map<string, SlimEndpoints[]>();
  private readonly pods = new Map<string, SlimPod>();
  private readonly podsIP = new Map<string, SlimPod[]>();
  private readonly namespaces = new Set<string>();
  private modified = 0;
  private changes = 0;
  private syncedFlag = false;
  private readonly now: () => number;
  private readonly hasSynced: (() => boolean) | undefined;

  constructor(opts: DnsControllerOptions = {}) {
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.hasSynced = opts.hasSynced;
  }

  markSynced(): void {
    this.syncedFlag = true;
  }

  synced(): boolean {
    return this.hasSynced ? this.hasSynced() : this.syncedFlag;
  }

  serial(): number {
    return this.modified >>> 0;
  }

  generation(): number {
    return this.changes;
  }

  serviceByName(namespace: string, name: string): SlimService | undefined {
    return this.services.get(lower(namespace, name));
  }
  servicesByClusterIP(ip: string): readonly SlimService[] {
    return this.servicesByIP.get(ip) ?? [];
  }
  endpointsByService(namespace: string, name: string): readonly SlimEndpoints[] {
    return this.slicesBySvc.get(lower(namespace, name)) ?? [];
  }
  endpointsByIP(ip: string): readonly SlimEndpoints[] {
    return this.slicesByIP.get(ip) ?? [];
  }
  podsByIP(ip: string): readonly SlimPod[] {
    return this.podsIP.get(ip) ?? [];
  }
  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace.toLowerCase());
  }

  /** Counts, for metrics and tests. */
  size(): { services: number; endpointSlices: number; pods: number; namespaces: number } {
    return {
      services: this.services.size,
      endpointSlices: this.slices.size,
      pods: this.pods.size,
      namespaces: this.namespaces.size,
    };
  }

  onAdd(obj: Service | EndpointSlice | Pod | Namespace): void {
    this.traced(obj, false);
  }
  onUpdate(_old: unknown, obj: Service | EndpointSlice | Pod | Namespace): void {
    this.traced(obj, false);
  }
  onDelete(obj: Service | EndpointSlice | Pod | Namespace): void {
    this.traced(obj, true);
  }

  /** Applies a watch event; when it carried the write's trace context (active), in a child span of it. */
  private traced(obj: Service | EndpointSlice | Pod | Namespace, deleted: boolean): void {
    this.changes++;
    if (trace.getSpan(context.active()) === undefined) {
      this.apply(obj.kind, obj, deleted);
      return;
    }
    const span = tracer.startSpan(`dns.kubernetes ${deleted ? 'delete' : 'update'} ${obj.kind}`, {
      attributes: {
        'k8s.namespace.name': obj.metadata.namespace ?? '',
        'k8s.object.name': obj.metadata.name ?? '',
      },
    });
    try {
      this.apply(obj.kind, obj, deleted);
    } finally {
      span.end();
    }
  }

  private bump(): void {
    this.modified = this.now();
  }

  private apply(
    kind: Kind,
    obj: Service | EndpointSlice | Pod | Namespace,
    deleted: boolean,
  ): void {
    const ns = obj.metadata.namespace ?? '';
    const key = lower(ns, obj.metadata.name ?? '');
    switch (kind) {
      case 'Service':
        this.putService(key, deleted ? undefined : toService(obj as Service));
        return;
      case 'EndpointSlice':
        this.putSlice(key, deleted ? undefined : toEndpoints(obj as EndpointSlice));
        return;
      case 'Pod':
        this.putPod(key, obj as Pod, deleted);
        return;
      case 'Namespace':
        if (deleted) this.namespaces.delete((obj.metadata.name ?? '').toLowerCase());
        else this.namespaces.add(toNamespace(obj as Namespace).name.toLowerCase());
        return;
    }
  }

  private putService(key: string, svc: SlimService | undefined): void {
    const old = this.services.get(key);
    if (old) for (const ip of old.clusterIPs) multiRemove(this.servicesByIP, ip, old);
    if (svc) {
      this.services.set(key, svc);
      for (const ip of svc.clusterIPs) multiAdd(this.servicesByIP, ip, svc);
    } else this.services.delete(key);
    // controller.go detectChanges: adds and deletes always; updates when ExternalName or ports change.
    if (
      !old ||
      !svc ||
      old.externalName !== svc.externalName ||
      !samePorts(old.ports, svc.ports) ||
      old.clusterIPs.join() !== svc.clusterIPs.join()
    )
      this.bump();
  }

  private putSlice(key: string, eps: SlimEndpoints | undefined): void {
    const old = this.slices.get(key);
    if (old) {
      multiRemove(this.slicesBySvc, lower(old.namespace, old.serviceName), old);
      for (const ip of new Set(old.addresses.map((a) => a.ip)))
        multiRemove(this.slicesByIP, ip, old);
    }
    if (eps) {
      this.slices.set(key, eps);
      if (eps.serviceName !== '')
        multiAdd(this.slicesBySvc, lower(eps.namespace, eps.serviceName), eps);
      for (const ip of new Set(eps.addresses.map((a) => a.ip))) multiAdd(this.slicesByIP, ip, eps);
    } else this.slices.delete(key);
    const same =
      old !== undefined &&
      eps !== undefined &&
      samePorts(old.ports, eps.ports) &&
      old.addresses.length === eps.addresses.length &&
      old.addresses.every(
        (a, i) => a.ip === eps.addresses.at(i)?.ip && a.hostname === eps.addresses.at(i)?.hostname,
      );
    if (!same) this.bump();
  }

  private putPod(key: string, pod: Pod, deleted: boolean): void {
    const old = this.pods.get(key);
    const slim = deleted ? undefined : toPod(pod);
    // CoreDNS skips updates of terminating pods: the cached version stays until the Delete.
    if (!deleted && slim === undefined && pod.metadata.deletionTimestamp !== undefined) return;
    if (old) multiRemove(this.podsIP, old.podIP, old);
    if (slim) {
      this.pods.set(key, slim);
      multiAdd(this.podsIP, slim.podIP, slim);
    } else this.pods.delete(key);
    if (old?.podIP !== slim?.podIP) this.bump();
  }
}
