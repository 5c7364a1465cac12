// NATS subjects. Namespaces are DNS labels (no dots), so they are safe subject tokens.

/** Token standing for "no namespace" (cluster-scoped resources); never a valid namespace name. */
export const ClusterScopeToken = '_';

/** `k8s.events.<resource>.<namespace|_>`: every committed change, in commit order per resource. */
export function eventSubject(resource: string, namespace: string): string {
  return `k8s.events.${resource}.${namespace === '' ? ClusterScopeToken : namespace}`;
}

/** Wildcard for every change of one resource, all namespaces. Gap detection needs this one. */
export function resourceEventsWildcard(resource: string): string {
  return `k8s.events.${resource}.>`;
}

/** `k8s.replay.<resource>`: request/reply, answered by any apiserver replica (queue group). */
export function replaySubject(resource: string): string {
  return `k8s.replay.${resource}`;
}

/** Queue group the apiservers answer replay requests in. */
export const ReplayQueueGroup = 'apiserver';

/** NATS header carrying the W3C trace context. */
export const TraceparentHeader = 'traceparent';
export const TracestateHeader = 'tracestate';
