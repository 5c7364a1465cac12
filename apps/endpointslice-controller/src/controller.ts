// Controller: wiring, queue, retries and metrics around the three reconcilers
// (pkg/controller/endpointslice/endpointslice_controller.go, endpoint/endpoints_controller.go,
// endpointslicemirroring/endpointslicemirroring_controller.go folded into one work queue keyed by
// Service `namespace/name`). Handlers only compute keys; `syncService(key)` reads the listers.
import type { Tracer } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '@svclab/api';
import { wellKnown } from '@svclab/api';
import type { Clock } from '@svclab/apimachinery';
import {
  metaNamespaceKey,
  namespacedKey,
  realClock,
  splitMetaNamespaceKey,
} from '@svclab/apimachinery';
import { getReference, type EventRecorder } from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { contextFromTraceparent, nopLogger, traceparentOf, withSpan } from '@svclab/telemetry';
import type { EndpointSliceWriter, EndpointsWriter } from './endpoint-slice-writer.js';
import { EndpointsReconciler } from './endpoints-reconciler.js';
import type { EndpointSliceMetrics } from './metrics.js';
import { mirroringAction, MirroringReconciler } from './mirroring-reconciler.js';
import { isPodReady } from './pod-util.js';
import { EndpointSliceReconciler } from './reconciler.js';
import { EndpointSliceTracker } from './slice-tracker.js';
import { isStaleInformerCache, StaleInformerCacheError } from './stale-informer-cache-error.js';
import { TriggerTimeTracker } from './trigger-time-tracker.js';

/**
 * maxRetries: how often a key is retried (rate-limited, 5ms·2^n per the default controller rate
 * limiter: 5ms, 10ms, … ~82s for the 15th) before it is dropped until its next event.
 */
export const MaxRetries = 15;
/** Resolves after the current event-loop turn's I/O (requests started now are on the wire). */
const afterIO = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/** A change to one of our slices requeues its Service after max(1s, batch period), in ms. */
export const EndpointSliceChangeMinDelayMs = 1000;

/** client-go cache.DeletedFinalStateUnknown: the informer missed the delete; `obj` may be stale. */
export interface DeletedFinalStateUnknown<T> {
  readonly key: string;
  readonly obj: T;
}

export interface ResourceEventHandler<T> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

/** The slice of SharedInformer this controller needs. */
export interface InformerSource<T> {
  addEventHandler(handler: ResourceEventHandler<T>): unknown;
  hasSynced(): boolean;
}

/** The slice of a Lister this controller needs. Objects returned must NOT be modified. */
export interface CacheLister<T> {
  /** Every cached object in `namespace`; all namespaces when omitted. */
  list(namespace?: string): readonly T[];
  /** Cluster-scoped objects use namespace ''. */
  get(namespace: string, name: string): T | undefined;
  /**
   * Objects in `namespace` carrying every label of `selector` (a Service selector), from an index
   * when the cache has one; callers fall back to `list` + match without it.
   */
  select?(namespace: string, selector: Readonly<Record<string, string>>): readonly T[];
  /**
   * For Services: a superset (no duplicates) of those in `namespace` whose selector matches
   * `labels`, from an index when the cache has one; callers fall back to `list` + match.
   */
  selecting?(namespace: string, labels: Readonly<Record<string, string>>): readonly T[];
}

export interface InformerAndLister<T> {
  readonly informer: InformerSource<T>;
  readonly lister: CacheLister<T>;
}

/** The slice of client-go's RateLimitingQueue this controller needs (string keys). */
export interface ControllerQueue {
  add(key: string): void;
  addAfter(key: string, ms: number): void;
  addRateLimited(key: string): void;
  forget(key: string): void;
  numRequeues(key: string): number;
  get(): Promise<
    | { readonly item: string; readonly shutdown: false }
    | { readonly item: undefined; readonly shutdown: true }
  >;
  done(key: string): void;
  shutDown(): void;
  len(): number;
}

export interface ControllerOptions {
  readonly services: InformerAndLister<Service>;
  readonly pods: InformerAndLister<Pod>;
  readonly nodes: InformerAndLister<Node>;
  readonly endpointSlices: InformerAndLister<EndpointSlice>;
  readonly endpoints: InformerAndLister<Endpoints>;
  readonly sliceWriter: EndpointSliceWriter;
  readonly endpointsWriter: EndpointsWriter;
  readonly queue: ControllerQueue;
  /** --max-endpoints-per-slice, default 100. */
  readonly maxEndpointsPerSlice?: number | undefined;
  /** --endpoint-updates-batch-period in ms (default 0: pod changes are queued immediately). */
  readonly endpointUpdatesBatchPeriodMs?: number | undefined;
  /** Write legacy v1 Endpoints too (default true). */
  readonly manageEndpoints?: boolean | undefined;
  /** Mirror Endpoints of selector-less Services (default true). */
  readonly mirrorEndpoints?: boolean | undefined;
  readonly metrics?: EndpointSliceMetrics | undefined;
  /**
   * Warning Events when a sync's writes fail, as upstream's controllers record them:
   * `endpointSlices` (component `endpoint-slice-controller`) on the Service, `endpoints`
   * (component `endpoint-controller`) on the Endpoints object.
   */
  readonly recorders?:
    { readonly endpointSlices: EventRecorder; readonly endpoints: EventRecorder } | undefined;
  readonly logger?: Logger | undefined;
  readonly tracer?: Tracer | undefined;
  readonly clock?: Clock | undefined;
}

function isTombstone<T>(x: T | DeletedFinalStateUnknown<T>): x is DeletedFinalStateUnknown<T> {
  return typeof x === 'object' && x !== null && 'key' in x && 'obj' in x && !('metadata' in x);
}

const unwrap = <T>(x: T | DeletedFinalStateUnknown<T>): T => (isTombstone(x) ? x.obj : x);

const sameJSON = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The text an Event carries for a failure (a StatusError's message). */
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Owns the queue's consumers. Lifecycle: construct (registers handlers) → `run(workers, signal)`
 * waits for every informer's hasSynced, then runs `workers` loops until `signal` aborts (and then
 * shuts the queue down). A key is never processed by two workers at once (queue guarantee).
 */
export class Controller {
  readonly sliceReconciler: EndpointSliceReconciler;
  readonly endpointsReconciler: EndpointsReconciler;
  readonly mirroringReconciler: MirroringReconciler;
  readonly sliceTracker = new EndpointSliceTracker();
  readonly mirroringTracker = new EndpointSliceTracker();
  readonly #o: ControllerOptions;
  readonly #sliceTriggerTimes = new TriggerTimeTracker();
  readonly #endpointsTriggerTimes = new TriggerTimeTracker();
  readonly #logger: Logger;
  readonly #tracer: Tracer;
  /** Key → traceparent of the latest event that enqueued it; the key's next sync span is its child. */
  readonly #traceparents = new Map<string, string>();
  readonly #clock: Clock;
  readonly #batchMs: number;
  #synced = false;

  constructor(opts: ControllerOptions) {
    this.#o = opts;
    this.#logger = opts.logger ?? nopLogger;
    this.#tracer = opts.tracer ?? trace.getTracer('endpointslice-controller');
    this.#clock = opts.clock ?? realClock;
    this.#batchMs = opts.endpointUpdatesBatchPeriodMs ?? 0;
    const onSliceChange = opts.metrics?.onSliceChange;
    this.sliceReconciler = new EndpointSliceReconciler({
      writer: opts.sliceWriter,
      tracker: this.sliceTracker,
      maxEndpointsPerSlice: opts.maxEndpointsPerSlice,
      logger: this.#logger,
      onSliceChange,
      onPlan: (svc, plan) => {
        opts.metrics?.observeSync(metaNamespaceKey(svc), {
          added: plan.added,
          removed: plan.removed,
          changed: plan.create.length + plan.update.length + plan.delete.length,
          efficiency: plan.efficiency,
          trafficDistribution: effectiveTrafficDistribution(svc),
        });
      },
    });
    this.endpointsReconciler = new EndpointsReconciler({ writer: opts.endpointsWriter });
    this.mirroringReconciler = new MirroringReconciler({
      writer: opts.sliceWriter,
      tracker: this.mirroringTracker,
      onSliceChange,
    });
    this.#registerHandlers();
  }

  /** True once every informer has synced and workers started. */
  get synced(): boolean {
    return this.#synced;
  }

  hasSynced(): boolean {
    const o = this.#o;
    return [o.services, o.pods, o.nodes, o.endpointSlices, o.endpoints].every((x) =>
      x.informer.hasSynced(),
    );
  }

  #registerHandlers(): void {
    const o = this.#o;
    o.services.informer.addEventHandler({
      onAdd: (svc) => {
        this.#enqueue(svc);
      },
      onUpdate: (_old, cur) => {
        this.#enqueue(cur);
      },
      onDelete: (svc) => {
        this.#enqueue(unwrap(svc));
      },
    });
    o.pods.informer.addEventHandler({
      onAdd: (pod) => {
        this.#queueServicesForPod(pod, undefined);
      },
      onUpdate: (old, cur) => {
        this.#queueServicesForPod(cur, old);
      },
      onDelete: (pod) => {
        this.#queueServicesForPod(unwrap(pod), undefined);
      },
    });
    o.nodes.informer.addEventHandler({
      onAdd: (node) => {
        this.#queueServicesForNode(node);
      },
      onUpdate: (old, cur) => {
        if (
          old.metadata.labels?.[wellKnown.LabelTopologyZone] !==
          cur.metadata.labels?.[wellKnown.LabelTopologyZone]
        )
          this.#queueServicesForNode(cur);
      },
      onDelete: (node) => {
        this.#queueServicesForNode(unwrap(node));
      },
    });
    o.endpointSlices.informer.addEventHandler({
      onAdd: (s) => {
        this.#onSliceEvent(undefined, s);
      },
      onUpdate: (old, cur) => {
        this.#onSliceEvent(old, cur);
      },
      onDelete: (s) => {
        this.#onSliceDelete(unwrap(s));
      },
    });
    o.endpoints.informer.addEventHandler({
      onAdd: (ep) => {
        this.#onEndpointsEvent(ep, false);
      },
      onUpdate: (_old, cur) => {
        this.#onEndpointsEvent(cur, false);
      },
      onDelete: (ep) => {
        this.#onEndpointsEvent(unwrap(ep), true);
      },
    });
  }

  #enqueue(obj: Service | Endpoints, afterMs = 0): void {
    const key = metaNamespaceKey(obj);
    // Handlers run in the context of the write behind the event: the sync of this key joins that trace.
    const tp = traceparentOf();
    if (tp !== undefined) this.#traceparents.set(key, tp);
    if (afterMs > 0) this.#o.queue.addAfter(key, afterMs);
    else this.#o.queue.add(key);
  }

  /** Services (same namespace, non-nil selector) whose selector matches these labels. */
  #servicesSelecting(
    namespace: string,
    labels: Readonly<Record<string, string>> | undefined,
  ): Set<string> {
    const out = new Set<string>();
    const lister = this.#o.services.lister;
    const candidates = lister.selecting?.(namespace, labels ?? {}) ?? lister.list(namespace);
    for (const svc of candidates) {
      if ((svc.metadata.namespace ?? '') !== namespace) continue;
      const sel = svc.spec?.selector;
      if (sel === undefined) continue;
      if (selectorMatches(sel, labels ?? {})) out.add(metaNamespaceKey(svc));
    }
    return out;
  }

  /** GetPodUpdateProjectionKey + GetServicesToUpdate: which Services a pod event concerns. */
  #queueServicesForPod(cur: Pod, old: Pod | undefined): void {
    const ns = cur.metadata.namespace ?? '';
    let keys: Set<string>;
    if (old === undefined) {
      keys = this.#servicesSelecting(ns, cur.metadata.labels);
    } else {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // resync
      const labelsChanged =
        !sameJSON(old.metadata.labels ?? {}, cur.metadata.labels ?? {}) ||
        old.spec?.hostname !== cur.spec?.hostname ||
        old.spec?.subdomain !== cur.spec?.subdomain;
      const podChanged =
        old.metadata.deletionTimestamp !== cur.metadata.deletionTimestamp ||
        isPodReady(old) !== isPodReady(cur) ||
        !sameJSON(old.status?.podIPs ?? [], cur.status?.podIPs ?? []) ||
        old.status?.podIP !== cur.status?.podIP ||
        old.spec?.nodeName !== cur.spec?.nodeName ||
        old.status?.phase !== cur.status?.phase;
      if (!podChanged && !labelsChanged) return;
      keys = this.#servicesSelecting(ns, cur.metadata.labels);
      if (labelsChanged) {
        const oldKeys = this.#servicesSelecting(ns, old.metadata.labels);
        if (podChanged) {
          for (const k of oldKeys) keys.add(k);
        } else {
          // Only labels changed: Services in exactly one of the two sets.
          const both = [...keys].filter((k) => oldKeys.has(k));
          for (const k of oldKeys) keys.add(k);
          for (const k of both) keys.delete(k);
        }
      }
    }
    for (const k of keys) {
      if (this.#batchMs > 0) this.#o.queue.addAfter(k, this.#batchMs);
      else this.#o.queue.add(k);
    }
  }

  /**
   * Node added/removed or zone changed: Services selecting pods on it (zone and the
   * missing-Node skip depend on the Node). Upstream only reacts to Nodes for topology hints; we
   * also resync here so a pod skipped for a missing Node does not wait for its retries.
   */
  #queueServicesForNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const keys = new Set<string>();
    for (const pod of this.#o.pods.lister.list()) {
      if (pod.spec?.nodeName !== name) continue;
      for (const k of this.#servicesSelecting(pod.metadata.namespace ?? '', pod.metadata.labels))
        keys.add(k);
    }
    for (const k of keys) this.#o.queue.add(k);
  }

  #sliceServiceKey(s: EndpointSlice): string | undefined {
    const svc = s.metadata.labels?.[wellKnown.LabelServiceName];
    if (svc === undefined || svc === '') return undefined;
    return namespacedKey(s.metadata.namespace ?? '', svc);
  }

  #queueForSlice(s: EndpointSlice): void {
    const key = this.#sliceServiceKey(s);
    if (key !== undefined)
      this.#o.queue.addAfter(key, Math.max(EndpointSliceChangeMinDelayMs, this.#batchMs));
  }

  #isMirrored(s: EndpointSlice): boolean {
    return s.metadata.labels?.[wellKnown.LabelManagedBy] === wellKnown.MirroringControllerName;
  }

  #trackerFor(s: EndpointSlice): EndpointSliceTracker | undefined {
    if (this.sliceReconciler.managedByController(s)) return this.sliceTracker;
    if (this.#isMirrored(s)) return this.mirroringTracker;
    return undefined;
  }

  /** onEndpointSliceAdd/Update: someone else's change to one of our slices → resync its Service. */
  #onSliceEvent(old: EndpointSlice | undefined, cur: EndpointSlice): void {
    if (old !== undefined) {
      const oldKey = this.#sliceServiceKey(old);
      if (oldKey !== this.#sliceServiceKey(cur) && oldKey !== undefined) this.#queueForSlice(old);
      if (
        this.sliceReconciler.managedByChanged(old, cur) ||
        this.#isMirrored(old) !== this.#isMirrored(cur)
      ) {
        this.#queueForSlice(cur);
        return;
      }
    }
    const tracker = this.#trackerFor(cur);
    if (tracker === undefined || tracker.holdDuringWrites(cur)) return;
    if (tracker.shouldSync(cur)) this.#queueForSlice(cur);
  }

  /** onEndpointSliceDelete: a deletion we did not expect → recreate. */
  #onSliceDelete(s: EndpointSlice): void {
    const tracker = this.#trackerFor(s);
    if (tracker?.has(s) !== true || tracker.holdDuringWrites(s, true)) return;
    if (!tracker.handleDeletion(s)) this.#queueForSlice(s);
  }

  /** Endpoints events matter for mirroring (selector-less Services) and when ours is deleted. */
  #onEndpointsEvent(ep: Endpoints, deleted: boolean): void {
    const svc = this.#o.services.lister.get(ep.metadata.namespace ?? '', ep.metadata.name ?? '');
    if (svc === undefined) return;
    if (deleted || svc.spec?.selector === undefined) this.#enqueue(ep);
  }

  /**
   * syncService: level-triggered; reads only listers. Rejects (for handleErr) with an
   * AggregateError of every part's failure; a stale slice cache rejects with StaleInformerCacheError.
   */
  async syncService(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    // Slice events of this Service that arrive while it syncs are judged after its writes.
    this.sliceTracker.startWrites(namespace, name);
    this.mirroringTracker.startWrites(namespace, name);
    try {
      await this.#syncService(key, namespace, name);
    } finally {
      for (const tracker of [this.sliceTracker, this.mirroringTracker]) {
        for (const s of tracker.finishWrites(namespace, name)) this.#queueForSlice(s);
      }
    }
  }

  async #syncService(key: string, namespace: string, name: string): Promise<void> {
    const o = this.#o;
    const svc = o.services.lister.get(namespace, name);
    const errs: unknown[] = [];
    const attempt = async (fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        errs.push(err);
      }
    };

    if (svc === undefined) {
      this.sliceTracker.deleteService(namespace, name);
      this.mirroringTracker.deleteService(namespace, name);
      this.#sliceTriggerTimes.deleteService(namespace, name);
      this.#endpointsTriggerTimes.deleteService(namespace, name);
      o.metrics?.deleteService(key);
      // Slices go with the Service through ownerReferences (garbage collection); Endpoints have no
      // owner, so the endpoints controller deletes them.
      if (o.manageEndpoints !== false)
        await attempt(() => this.endpointsReconciler.deleteForService(namespace, name));
      throwIfAny(errs);
      return;
    }

    const serviceSlices = { [wellKnown.LabelServiceName]: name };
    const allSlices = (
      o.endpointSlices.lister.select?.(namespace, serviceSlices) ??
      o.endpointSlices.lister.list(namespace)
    ).filter(
      (s) =>
        (s.metadata.namespace ?? '') === namespace &&
        s.metadata.labels?.[wellKnown.LabelServiceName] === name,
    );

    if (o.mirrorEndpoints !== false) await attempt(() => this.#syncMirroring(svc, allSlices));

    if (svc.spec?.type !== 'ExternalName' && svc.spec?.selector !== undefined) {
      const selector = svc.spec.selector;
      const candidates =
        o.pods.lister.select?.(namespace, selector) ?? o.pods.lister.list(namespace);
      const pods = candidates.filter(
        (p) =>
          (p.metadata.namespace ?? '') === namespace &&
          selectorMatches(selector, p.metadata.labels ?? {}),
      );
      // Slices and legacy Endpoints are independent objects: written concurrently, but the slice
      // write goes on the wire first (kube-proxy and DNS read slices): the Endpoints plan waits
      // one turn of the event loop, after the slice request has been sent.
      await Promise.all([
        attempt(() => this.#syncSlices(svc, pods, allSlices)),
        o.manageEndpoints === false
          ? Promise.resolve()
          : attempt(async () => {
              await afterIO();
              const current = o.endpoints.lister.get(namespace, name);
              try {
                await this.endpointsReconciler.reconcile({
                  service: svc,
                  pods,
                  current,
                  triggerTime: this.#endpointsTriggerTimes.compute(svc, pods),
                });
              } catch (err) {
                this.#recordEndpointsFailure(svc, current, err);
                throw err;
              }
            }),
      ]);
    } else {
      // No selector / ExternalName: forget our state (our slices, if any, are left to GC as upstream).
      this.sliceTracker.deleteService(namespace, name);
      o.metrics?.deleteService(key);
    }
    throwIfAny(errs);
  }

  async #syncSlices(
    svc: Service,
    pods: readonly Pod[],
    allSlices: readonly EndpointSlice[],
  ): Promise<void> {
    const key = metaNamespaceKey(svc);
    // Computed even when nothing is written, to keep the tracker's state current.
    const triggerTime = this.#sliceTriggerTimes.compute(svc, pods);
    const slices = allSlices.filter(
      (s) =>
        this.sliceReconciler.managedByController(s) && s.metadata.deletionTimestamp === undefined,
    );
    if (this.sliceTracker.staleSlices(svc, slices)) {
      throw new StaleInformerCacheError(
        `EndpointSlice informer cache is out of date for Service ${key}`,
      );
    }
    const nodes = { get: (n: string) => this.#o.nodes.lister.get('', n) };
    try {
      await this.sliceReconciler.reconcile({
        service: svc,
        pods,
        existingSlices: slices,
        nodes,
        triggerTime,
      });
    } catch (err) {
      this.#o.recorders?.endpointSlices.event(getReference(svc, 'Service'), {
        type: 'Warning',
        reason: 'FailedToUpdateEndpointSlices',
        message: `Error updating Endpoint Slices for Service ${key}: ${errorText(err)}`,
      });
      throw err;
    }
  }

  /** upstream's endpoints controller: FailedToCreateEndpoint / FailedToUpdateEndpoint on the Endpoints. */
  #recordEndpointsFailure(svc: Service, current: Endpoints | undefined, err: unknown): void {
    const key = metaNamespaceKey(svc);
    const ref = getReference(
      current ?? {
        metadata: { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '' },
      },
      'Endpoints',
    );
    this.#o.recorders?.endpoints.event(
      ref,
      current === undefined
        ? {
            type: 'Warning',
            reason: 'FailedToCreateEndpoint',
            message: `Failed to create endpoint for service ${key}: ${errorText(err)}`,
          }
        : {
            type: 'Warning',
            reason: 'FailedToUpdateEndpoint',
            message: `Failed to update endpoint ${key}: ${errorText(err)}`,
          },
    );
  }

  async #syncMirroring(svc: Service, allSlices: readonly EndpointSlice[]): Promise<void> {
    const { namespace, name } = {
      namespace: svc.metadata.namespace ?? '',
      name: svc.metadata.name ?? '',
    };
    const ep = this.#o.endpoints.lister.get(namespace, name);
    const mirrored = allSlices.filter((s) => this.#isMirrored(s));
    switch (mirroringAction(svc, ep)) {
      case 'forget':
        this.mirroringTracker.deleteService(namespace, name);
        return;
      case 'delete':
        if (mirrored.length > 0)
          await this.mirroringReconciler.deleteAll(namespace, name, mirrored);
        return;
      case 'mirror': {
        if (ep === undefined) return;
        const live = mirrored.filter((s) => s.metadata.deletionTimestamp === undefined);
        if (this.mirroringTracker.staleSlices(svc, live)) {
          throw new StaleInformerCacheError(
            `EndpointSlice informer cache is out of date for Endpoints ${namespace}/${name}`,
          );
        }
        await this.mirroringReconciler.reconcile(ep, live);
        return;
      }
    }
  }

  /** handleErr: forget on success; rate-limited requeue while numRequeues < MaxRetries; else drop. */
  handleErr(key: string, err: unknown): void {
    const q = this.#o.queue;
    if (err === undefined) {
      q.forget(key);
      return;
    }
    if (q.numRequeues(key) < MaxRetries) {
      this.#logger.info('Error syncing endpoint slices for service, retrying', { key, err });
      q.addRateLimited(key);
      return;
    }
    this.#logger.warn('Retry budget exceeded, dropping service out of the queue', { key, err });
    q.forget(key);
  }

  /** One queue item: sync in a span, record the result, handle the error. False once shut down. */
  async processNextWorkItem(): Promise<boolean> {
    const got = await this.#o.queue.get();
    if (got.shutdown) return false;
    const key = got.item;
    const start = this.#clock.now();
    let failure: unknown;
    const tp = this.#traceparents.get(key);
    this.#traceparents.delete(key);
    try {
      await context.with(contextFromTraceparent(tp), () =>
        withSpan(this.#tracer, 'endpointslice-controller.syncService', async (span) => {
          span.setAttribute('k8s.service.key', key);
          await this.syncService(key);
        }),
      );
    } catch (err) {
      failure = err;
    }
    const result =
      failure === undefined ? 'success' : isStaleInformerCache(failure) ? 'stale' : 'error';
    this.#o.metrics?.syncResult(result, this.#clock.since(start) / 1000);
    this.handleErr(key, failure);
    this.#o.queue.done(key);
    return true;
  }

  /**
   * Waits for the caches (polling hasSynced), enqueues every Service once, then runs `workers`
   * worker loops until `signal` aborts. Resolves when every worker has stopped.
   */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener(
      'abort',
      () => {
        this.#o.queue.shutDown();
      },
      { once: true },
    );
    while (!this.hasSynced()) {
      if (signal.aborted) return;
      await this.#clock.sleep(50, signal);
    }
    this.#synced = true;
    this.#logger.info('caches synced, starting workers', { workers });
    // Leftover Endpoints without a Service, and every Service, are checked once at start.
    for (const svc of this.#o.services.lister.list()) this.#enqueue(svc);
    for (const ep of this.#o.endpoints.lister.list()) {
      if (ep.metadata.annotations?.['control-plane.alpha.kubernetes.io/leader'] === undefined)
        this.#enqueue(ep);
    }
    const loop = async (): Promise<void> => {
      while (await this.processNextWorkItem()) {
        // keep going until the queue shuts down
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
  }
}

/**
 * `selectorFromSet(selector).matches(labels)` without building a Selector (this runs for every
 * Service of the namespace on every pod event): each selector key present with its value.
 */
export function selectorMatches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k of Object.keys(selector)) {
    if (!Object.hasOwn(labels, k) || labels[k] !== selector[k]) return false;
  }
  return true;
}

/** The trafficDistribution the reconciler honours ('' when unset, unknown, or overridden by the topology annotation). */
function effectiveTrafficDistribution(svc: Service): string {
  const td = svc.spec?.trafficDistribution ?? '';
  if (!['PreferClose', 'PreferSameZone', 'PreferSameNode'].includes(td)) return '';
  const ann = svc.metadata.annotations ?? {};
  const mode = ann[wellKnown.AnnotationTopologyAwareHints] ?? ann[wellKnown.AnnotationTopologyMode];
  return mode === 'Auto' || mode === 'auto' ? '' : td;
}

function throwIfAny(errs: unknown[]): void {
  if (errs.length === 0) return;
  if (errs.length === 1) throw errs[0];
  throw new AggregateError(
    errs,
    errs.map((e) => (e instanceof Error ? e.message : String(e))).join('; '),
  );
}
