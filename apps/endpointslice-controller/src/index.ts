// Public surface of the endpointslice-controller workspace (used by main.ts and, for the
// reconcilers, by anyone embedding them, e.g. the controller-manager or e2e tests).
export type { EndpointSliceWriter, EndpointsWriter } from './endpoint-slice-writer.js';
export type {
  EndpointSlicePlan,
  EndpointSliceReconcilerOptions,
  NodeGetter,
  PortMapEfficiency,
  ReconcileInput,
  SliceOperation,
} from './reconciler.js';
export {
  addressTypesForService,
  DefaultMaxEndpointsPerSlice,
  EndpointSliceReconciler,
  MaxMaxEndpointsPerSlice,
  MinMaxEndpointsPerSlice,
  validateMaxEndpointsPerSlice,
} from './reconciler.js';
export { EndpointSliceTracker } from './slice-tracker.js';
export { isStaleInformerCache, StaleInformerCacheError } from './stale-informer-cache-error.js';
export { formatRFC3339Nano } from './trigger-time.js';
