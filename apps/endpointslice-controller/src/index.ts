// Public surface of the endpointslice-controller workspace (used by main.ts and by anyone
// embedding the reconcilers/controller, e.g. a controller-manager or e2e tests).
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
export type {
  EndpointsInput,
  EndpointsPlan,
  EndpointsReconcilerOptions,
} from './endpoints-reconciler.js';
export {
  EndpointsMaxCapacity,
  EndpointsReconciler,
  OverCapacityTruncated,
  truncateSubsets,
} from './endpoints-reconciler.js';
export { repackSubsets, sortSubsets } from './repack-subsets.js';
export type { MirroringPlan, MirroringReconcilerOptions } from './mirroring-reconciler.js';
export {
  DefaultMirroringMaxEndpointsPerSubset,
  mirroringAction,
  MirroringReconciler,
  shouldMirror,
} from './mirroring-reconciler.js';
export { EndpointSliceTracker } from './slice-tracker.js';
export { isStaleInformerCache, StaleInformerCacheError } from './stale-informer-cache-error.js';
export { TriggerTimeTracker } from './trigger-time-tracker.js';
export { formatRFC3339Nano } from './trigger-time.js';
export type {
  CacheLister,
  ControllerOptions,
  ControllerQueue,
  DeletedFinalStateUnknown,
  InformerAndLister,
  InformerSource,
  ResourceEventHandler,
} from './controller.js';
export { Controller, EndpointSliceChangeMinDelayMs, MaxRetries } from './controller.js';
export type { SyncResult } from './metrics.js';
export { EndpointSliceMetrics, MetricsSubsystem } from './metrics.js';
export {
  cacheListerFrom,
  endpointSliceWriterFrom,
  endpointsWriterFrom,
  leaseClientFrom,
} from './client-adapters.js';
export type { LeaderElectionConfig, LeaseClient } from './leader-election.js';
export { LeaderElector } from './leader-election.js';
export type { ControllerConfig } from './options.js';
export { ConfigError, isConfigError, parseConfig } from './options.js';
export { main } from './main.js';
