// SharedInformerFactory (client-go informers.NewSharedInformerFactory): one shared informer per
// resource, started together, waited for together.
import type { KubeObject, ResourceName } from '@svclab/api';
import { Resources } from '@svclab/api';
import { realClock, type Clock } from '@svclab/apimachinery';
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { ListerWatcher } from './list-watch.js';
import { newLister, type Lister } from './lister.js';
import type { ClientSet, ResourceClient } from './rest-client.js';
import type { ResourceTypes } from './resource-types.js';
import { newListWatchFromClient } from './rest-list-watch.js';
import {
  newSharedIndexInformer,
  waitForCacheSync,
  type SharedIndexInformer,
} from './shared-informer.js';

export type ListerWatcherFactory = (
  resource: ResourceName,
  namespace: string | undefined,
) => ListerWatcher;

export interface SharedInformerFactoryOptions {
  /**
   * Builds the ListerWatcher of each resource. Use `natsListerWatcherFactory(client, nc)` in
   * components, a FakeListerWatcher in tests. Default: REST list + HTTP watch through `client`.
   */
  readonly newListerWatcher?: ListerWatcherFactory;
  /** Needed for the default ListerWatcher. */
  readonly client?: ClientSet;
  /** Resync period for every informer, ms; 0 (default) = never. */
  readonly defaultResync?: number;
  /** Only this namespace (default: all). */
  readonly namespace?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Informers are created lazily by `informerFor` / `lister` (before `start`), and all run
 * until the `start` signal aborts. Calling `start` again starts informers created since.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<ResourceName, SharedIndexInformer<KubeObject>>();
  private readonly running = new Map<ResourceName, Promise<void>>();

  constructor(private readonly opts: SharedInformerFactoryOptions) {}

  informerFor<R extends ResourceName>(resource: R): SharedIndexInformer<ResourceTypes[R]> {
    let inf = this.informers.get(resource);
    if (inf === undefined) {
      inf = newSharedIndexInformer<KubeObject>(this.listerWatcher(resource), {
        name: resource,
        resyncPeriod: this.opts.defaultResync ?? 0,
        clock: this.opts.clock ?? realClock,
        logger: this.opts.logger ?? nopLogger,
      });
      this.informers.set(resource, inf);
    }
    return inf as unknown as SharedIndexInformer<ResourceTypes[R]>;
  }

  lister<R extends ResourceName>(resource: R): Lister<ResourceTypes[R]> {
    const info = Resources[resource];
    return newLister<ResourceTypes[R]>(this.informerFor(resource).getIndexer(), {
      group: info.group,
      resource: info.resource,
    });
  }

  /** Starts every informer not yet running. */
  start(signal: AbortSignal): void {
    for (const [r, inf] of this.informers) {
      if (this.running.has(r)) continue;
      this.running.set(r, inf.run(signal));
    }
  }

  /** Resolves, per started resource, whether it synced before `signal` aborted. */
  async waitForCacheSync(signal: AbortSignal): Promise<Partial<Record<ResourceName, boolean>>> {
    const out: Partial<Record<ResourceName, boolean>> = {};
    for (const r of this.running.keys()) {
      const inf = this.informers.get(r);
      if (inf !== undefined) out[r] = await waitForCacheSync(signal, [() => inf.hasSynced()], 20);
    }
    return out;
  }

  /** Resolves when every started informer stopped (after the start signal aborted). */
  async shutdown(): Promise<void> {
    await Promise.all(this.running.values());
  }

  private listerWatcher(resource: ResourceName): ListerWatcher {
    if (this.opts.newListerWatcher !== undefined)
      return this.opts.newListerWatcher(resource, this.opts.namespace);
    if (this.opts.client === undefined)
      throw new Error('SharedInformerFactory needs a client or newListerWatcher');
    const rc = this.opts.client.resource(resource) as unknown as ResourceClient<KubeObject>;
    return newListWatchFromClient(
      this.opts.namespace === undefined ? rc : rc.namespace(this.opts.namespace),
    );
  }
}
