export { deepFreeze } from './deep-freeze.js';
export type { WrittenObject } from './decode-metadata.js';
export { decodeMetadata } from './decode-metadata.js';
export type {
  Delta,
  DeltaFIFOOptions,
  KnownObjects,
  PopProcessFunc,
  ReflectorStore,
} from './delta-fifo.js';
export {
  DeletedFinalStateUnknown,
  deletionHandlingMetaNamespaceKey,
  DeltaFIFO,
  DeltaType,
  isDeletedFinalStateUnknown,
} from './delta-fifo.js';
export type {
  LeaderCallbacks,
  LeaderElectionConfig,
  LeaderElectionRecord,
} from './leader-election.js';
export {
  DefaultLeaseDuration,
  DefaultRenewDeadline,
  DefaultRetryPeriod,
  formatMicroTime,
  JitterFactor,
  LeaderElector,
  runLeaderElection,
} from './leader-election.js';
export type {
  ListerWatcher,
  ListOptions as ListerListOptions,
  ListResult,
  WatchEvent,
  WatchOptions,
} from './list-watch.js';
export { EventChannel } from './list-watch.js';
export type { Lister, NamespaceLister } from './lister.js';
export { newLister } from './lister.js';
export type { NatsListerWatcherOptions } from './nats-lister-watcher.js';
export { natsListerWatcherFactory, NatsListerWatcher } from './nats-lister-watcher.js';
export type { ReflectorOptions } from './reflector.js';
export { Reflector } from './reflector.js';
export type { ResourceTypes } from './resource-types.js';
export type {
  ClientConfig,
  ClientSet,
  CreateOptions,
  DeleteCallOptions,
  GetOptions,
  ListOptions,
  MetadataResultOptions,
  ObjectList,
  Patch,
  PatchOptions,
  RequestOptions,
  ResourceClient,
  TypedClient,
  UpdateOptions,
  WatchCallOptions,
} from './rest-client.js';
export {
  configFromEnv,
  createClient,
  newClientSet,
  PatchType,
  RESTClient,
  statusErrorFromResponse,
} from './rest-client.js';
export type { ListWatchSelectors } from './rest-list-watch.js';
export { newListWatchFromClient } from './rest-list-watch.js';
export type {
  ResourceEventHandler,
  ResourceEventHandlerRegistration,
  SharedIndexInformer,
  SharedIndexInformerOptions,
  SharedInformer,
} from './shared-informer.js';
export { newSharedIndexInformer, waitForCacheSync } from './shared-informer.js';
export type {
  ListerWatcherFactory,
  SharedInformerFactoryOptions,
} from './shared-informer-factory.js';
export { SharedInformerFactory } from './shared-informer-factory.js';
export type { IndexFunc, Indexer, Indexers, KeyFunc, Store } from './thread-safe-store.js';
export {
  metaNamespaceIndexFunc,
  NamespaceIndex,
  newIndexer,
  ThreadSafeStore,
  UnknownIndexError,
} from './thread-safe-store.js';
export type { DelayingQueue } from './workqueue/delaying-queue.js';
export { DelayingFIFOQueue } from './workqueue/delaying-queue.js';
export type { RateLimiter } from './workqueue/default-rate-limiters.js';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
} from './workqueue/default-rate-limiters.js';
export type { GetResult, Queue } from './workqueue/queue.js';
export { FIFOQueue } from './workqueue/queue.js';
export type {
  RateLimitingQueue,
  RateLimitingQueueOptions,
} from './workqueue/rate-limiting-queue.js';
export { newRateLimitingQueue } from './workqueue/rate-limiting-queue.js';
export type { EventRecorder, EventRecorderOptions, EventSource, EventType } from './record/event-recorder.js';
export { newEventRecorder } from './record/event-recorder.js';
export { getReference } from './record/reference.js';
