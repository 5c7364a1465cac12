// ServiceChangeTracker (pkg/proxy/servicechangetracker.go): accumulates Service changes between
// syncs as one {previous, current} pair per service, so the proxier applies only the net change.
import type { Service } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';

/** The net change of one object since the last checkout; `undefined` = absent. */
export interface Change<T> {
  readonly previous: T | undefined;
  readonly current: T | undefined;
}

/** What the proxier cares about in a Service: its spec and labels (service-proxy-name, headless). */
function serviceFingerprint(svc: Service | undefined): string {
  if (svc === undefined) return '';
  return JSON.stringify([svc.spec ?? null, svc.metadata.labels ?? null]);
}

/**
 * Not safe for re-entrant use from several loops; kube-proxy calls `update` from the informer
 * handlers and `checkout` from the sync, both on the one event loop.
 * NOTE: objects passed in are informer-owned and must NOT be modified; they are stored as is.
 */
export class ServiceChangeTracker {
  private items = new Map<string, Change<Service>>();

  /**
   * Records `previous → current` (add: previous undefined; delete: current undefined). Returns
   * true when a change for this service is now pending, false when the change cancelled out
   * (e.g. an add then a delete, or a resync with an equal object).
   */
  update(previous: Service | undefined, current: Service | undefined): boolean {
    const obj = current ?? previous;
    if (obj === undefined) return false;
    const key = metaNamespaceKey(obj);
    const existing = this.items.get(key);
    const change: Change<Service> = { previous: existing === undefined ? previous : existing.previous, current };
    if (serviceFingerprint(change.previous) === serviceFingerprint(change.current)) {
      this.items.delete(key);
      return false;
    }
    this.items.set(key, change);
    return true;
  }

  /** Number of services with a pending change (kubeproxy_sync_proxy_rules_service_changes_pending). */
  pending(): number {
    return this.items.size;
  }

  /** Returns the pending changes keyed `namespace/name` and starts a new batch. */
  checkout(): Map<string, Change<Service>> {
    const out = this.items;
    this.items = new Map();
    return out;
  }
}
