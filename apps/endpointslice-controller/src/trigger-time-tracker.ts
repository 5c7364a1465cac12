// TriggerTimeTracker (k8s.io/endpointslice/util/trigger_time_tracker.go): computes the value of
// endpoints.kubernetes.io/last-change-trigger-time for a sync = the earliest trigger time that
// changed since the previous sync of that Service. A pod's trigger time is its Ready condition's
// lastTransitionTime; a Service's is its creationTimestamp. Each controller owns its own tracker.
import type { Pod, Service } from '@svclab/api';
import { namespacedKey } from '@svclab/apimachinery';
import { podReadyTransitionTime } from './pod-util.js';

interface ServiceState {
  /**
   * Pod name → its trigger time as the pod's own text (a reference, no copy; only set ones):
   * equal text means an unchanged time, so a sync parses only what changed.
   */
  lastPodTriggerTimes: Map<string, string>;
  lastServiceTriggerTime: number;
}

function parseTime(s: string | undefined): number {
  if (s === undefined || s === '') return 0;
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : t;
}

/** min over "set" times where 0 means unset. */
function minSet(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

export class TriggerTimeTracker {
  readonly #states = new Map<string, ServiceState>();

  /**
   * Must be called on every sync of the Service (even a no-op one) so the state stays current.
   * Undefined means "no trigger time" (the annotation is removed).
   */
  compute(service: Service, pods: readonly Pod[]): Date | undefined {
    const key = namespacedKey(service.metadata.namespace ?? '', service.metadata.name ?? '');
    const prev = this.#states.get(key);
    const podTimes = new Map<string, string>();
    let minChanged = 0;
    for (const pod of pods) {
      const raw = podReadyTransitionTime(pod) ?? '';
      const name = pod.metadata.name ?? '';
      const last = prev?.lastPodTriggerTimes.get(name);
      if (last === raw) {
        podTimes.set(name, raw); // unchanged (and set: only set times are kept)
        continue;
      }
      const t = parseTime(raw);
      if (t === 0) continue;
      podTimes.set(name, raw);
      if (t > parseTime(last)) minChanged = minSet(minChanged, t);
    }
    const svcTime = parseTime(service.metadata.creationTimestamp);
    if (svcTime > (prev?.lastServiceTriggerTime ?? 0)) minChanged = minSet(minChanged, svcTime);
    this.#states.set(key, { lastPodTriggerTimes: podTimes, lastServiceTriggerTime: svcTime });
    if (prev === undefined) return svcTime === 0 ? undefined : new Date(svcTime);
    return minChanged === 0 ? undefined : new Date(minChanged);
  }

  deleteService(namespace: string, name: string): void {
    this.#states.delete(namespacedKey(namespace, name));
  }
}
