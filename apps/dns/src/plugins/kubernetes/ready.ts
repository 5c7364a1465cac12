// Readiness of the kubernetes plugin (CoreDNS plugin/kubernetes/ready.go): ready once synced.
import type { ObjectSource } from './controller.js';

/** The `ready` plugin's probe: true once every informer behind `objects` has synced. */
export function ready(objects: Pick<ObjectSource, 'synced'>): boolean {
  return objects.synced();
}
