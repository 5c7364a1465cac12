// AgentHost: one process hosting one or more NodeAgents. The pod and node informers, the work
// queue and the workers are shared by every simulated node (memory: one cache per process, not
// per node). Handlers enqueue pod keys; `sync(key)` reads the pod from the lister and hands it to
// the agent of its node (and tells a previous owner to let it go).
import type { Node, Pod } from '@svclab/api';
import { isConflict, metaNamespaceKey, splitMetaNamespaceKey } from '@svclab/apimachinery';
import { isDeletedFinalStateUnknown, ItemExponentialFailureRateLimiter, newRateLimitingQueue, type Lister, type RateLimitingQueue, type SharedInformerFactory } from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import type { NodeAgent } from './agent.js';
import { NodeLeaseRenewIntervalMs, nodeNeedsUpdate } from './node-object.js';

/** Retries of one pod key before it is dropped until its next change (upstream maxRetries style). */
const MaxRetries = 15;

export interface AgentHostOptions {
  readonly factory: SharedInformerFactory;
  readonly logger: Logger;
  /** Concurrent pod syncs. Default 8. */
  readonly workers?: number;
  readonly leaseRenewIntervalMs?: number;
}

export class AgentHost {
  readonly queue: RateLimitingQueue<string>;
  private readonly agents = new Map<string, NodeAgent>();
  private readonly podLister: Lister<Pod>;
  private readonly nodeLister: Lister<Node>;
  private synced = false;

  constructor(private readonly opts: AgentHostOptions) {
    // Per-item back-off only: a process hosting many nodes must not be throttled by one global bucket.
    this.queue = newRateLimitingQueue<string>({ name: 'node_agent_pods', rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 10_000) });
    this.podLister = opts.factory.lister('pods');
    this.nodeLister = opts.factory.lister('nodes');
    const enqueue = (pod: Pod): void => {
      const n = pod.spec?.nodeName;
      if (n === undefined || n === '') return;
      const key = metaNamespaceKey(pod);
      if (this.agents.has(n) || this.ownerOf(key) !== undefined) this.queue.add(key);
    };
    opts.factory.informerFor('pods').addEventHandler({
      onAdd: (pod) => {
        enqueue(pod);
      },
      onUpdate: (_old, pod) => {
        enqueue(pod);
      },
      onDelete: (obj) => {
        const key = isDeletedFinalStateUnknown(obj) ? obj.key : metaNamespaceKey(obj);
        if (this.ownerOf(key) !== undefined) this.queue.add(key);
      },
    });
    opts.factory.informerFor('nodes');
  }

  add(agent: NodeAgent): void {
    this.agents.set(agent.name, agent);
  }

  /** The key of a pod → the function requeueing it, for the agents. */
  readonly requeue = (key: string, afterMs?: number): void => {
    if (afterMs === undefined || afterMs <= 0) this.queue.add(key);
    else this.queue.addAfter(key, afterMs + 50);
  };

  hasSynced(): boolean {
    return this.synced && [...this.agents.values()].every((a) => a.isRegistered());
  }

  private ownerOf(key: string): NodeAgent | undefined {
    for (const a of this.agents.values()) if (a.has(key)) return a;
    return undefined;
  }

  /** Runs until `signal` aborts: informers, IP re-claim, registration + leases, workers. */
  async run(signal: AbortSignal): Promise<void> {
    this.opts.factory.start(signal);
    await this.opts.factory.waitForCacheSync(signal);
    if (signal.aborted) return;
    for (const pod of this.podLister.list()) {
      const a = this.agents.get(pod.spec?.nodeName ?? '');
      a?.claimIP(metaNamespaceKey(pod), pod);
    }
    this.synced = true;
    const loops = [...this.agents.values()].map((a) => this.heartbeat(a, signal));
    const workers = Array.from({ length: this.opts.workers ?? 8 }, () => this.worker());
    for (const pod of this.podLister.list()) if (this.agents.has(pod.spec?.nodeName ?? '')) this.queue.add(metaNamespaceKey(pod));
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => {
        resolve();
      }, { once: true });
    });
    this.queue.shutDown();
    await Promise.all([...loops, ...workers]);
    await Promise.all([...this.agents.values()].map((a) => a.stopAll()));
  }

  /** Registration, then the Lease every 10 s; re-posts node status when the node is not Ready. */
  private async heartbeat(agent: NodeAgent, signal: AbortSignal): Promise<void> {
    const interval = this.opts.leaseRenewIntervalMs ?? NodeLeaseRenewIntervalMs;
    let delay = 0;
    for (;;) {
      await sleep(delay, signal);
      if (signal.aborted) return;
      try {
        const node = this.nodeLister.find(agent.name);
        if (!agent.isRegistered()) await agent.register();
        else if (node === undefined || nodeNeedsUpdate(node, agent.identity)) await agent.register(node);
        await agent.renewLease();
        delay = interval;
      } catch (err) {
        this.opts.logger.warn('node heartbeat failed', { node: agent.name, err: err instanceof Error ? err.message : String(err) });
        delay = Math.min(interval, 1000);
      }
    }
  }

  private async worker(): Promise<void> {
    for (;;) {
      const { item: key, shutdown } = await this.queue.get();
      if (shutdown) return;
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (err) {
        const fields = { pod: key, err: err instanceof Error ? err.message : String(err) };
        if (isConflict(err)) this.opts.logger.debug('pod sync conflict, retrying', fields);
        else this.opts.logger.warn('pod sync failed', fields);
        if (this.queue.numRequeues(key) < MaxRetries) this.queue.addRateLimited(key);
        else this.queue.forget(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const pod = this.podLister.namespace(namespace).find(name);
    const target = pod === undefined ? undefined : this.agents.get(pod.spec?.nodeName ?? '');
    const owner = this.ownerOf(key);
    if (owner !== undefined && owner !== target) await owner.syncPod(key, undefined);
    await target?.syncPod(key, pod);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
