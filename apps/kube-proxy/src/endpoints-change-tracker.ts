// EndpointsChangeTracker (pkg/proxy/endpointschangetracker.go): accumulates EndpointSlice changes
// per Service between syncs, plus the slices' last-change-trigger-time annotations for
// kubeproxy_network_programming_duration_seconds.
import type { EndpointSlice } from '@svclab/api';
import { wellKnown } from '@svclab/api';
import { metaNamespaceKey, namespacedKey } from '@svclab/apimachinery';
import type { Change } from './service-change-tracker.js';

const { AnnotationEndpointsLastChangeTriggerTime, LabelServiceName } = wellKnown;

/** The changes of one Service's slices since the last checkout, keyed by slice `namespace/name`. */
export interface EndpointsChange {
  readonly slices: Map<string, Change<EndpointSlice>>;
  /** Trigger times (ms since epoch) of the slices that changed, oldest first. */
  readonly triggerTimes: number[];
}

function sliceFingerprint(s: EndpointSlice | undefined): string {
  if (s === undefined) return '';
  return JSON.stringify([s.addressType, s.endpoints, s.ports ?? null, s.metadata.labels?.[LabelServiceName] ?? null]);
}

/** `namespace/service` the slice belongs to, or undefined when it has no service-name label. */
export function serviceKeyOfSlice(s: EndpointSlice): string | undefined {
  const svc = s.metadata.labels?.[LabelServiceName];
  if (svc === undefined || svc === '') return undefined;
  return namespacedKey(s.metadata.namespace ?? '', svc);
}

/**
 * Single event loop: `update` from handlers, `checkout` from the sync.
 * NOTE: slices are informer-owned and stored as is; they must NOT be modified.
 */
export class EndpointsChangeTracker {
  private items = new Map<string, EndpointsChange>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a slice change; returns true when a change for its Service is pending afterwards. */
  update(previous: EndpointSlice | undefined, current: EndpointSlice | undefined): boolean {
    const obj = current ?? previous;
    if (obj === undefined) return false;
    const svcKey = serviceKeyOfSlice(obj) ?? (previous === undefined ? undefined : serviceKeyOfSlice(previous));
    if (svcKey === undefined) return false;
    const sliceKey = metaNamespaceKey(obj);
    let entry = this.items.get(svcKey);
    if (entry === undefined) {
      entry = { slices: new Map(), triggerTimes: [] };
      this.items.set(svcKey, entry);
    }
    const existing = entry.slices.get(sliceKey);
    const change: Change<EndpointSlice> = { previous: existing === undefined ? previous : existing.previous, current };
    if (sliceFingerprint(change.previous) === sliceFingerprint(change.current)) {
      entry.slices.delete(sliceKey);
    } else {
      entry.slices.set(sliceKey, change);
      // Upstream records the trigger time of every changed, non-deleted slice.
      const t = current?.metadata.annotations?.[AnnotationEndpointsLastChangeTriggerTime];
      const ms = t === undefined ? Number.NaN : Date.parse(t);
      if (!Number.isNaN(ms) && ms <= this.now()) entry.triggerTimes.push(ms);
    }
    if (entry.slices.size === 0) {
      this.items.delete(svcKey);
      return false;
    }
    return true;
  }

  /** Number of services with pending endpoint changes. */
  pending(): number {
    return this.items.size;
  }

  /** Returns the pending changes keyed by service `namespace/name` and starts a new batch. */
  checkout(): Map<string, EndpointsChange> {
    const out = this.items;
    this.items = new Map();
    for (const e of out.values()) e.triggerTimes.sort((a, b) => a - b);
    return out;
  }
}
