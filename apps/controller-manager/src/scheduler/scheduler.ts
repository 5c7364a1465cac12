// Scheduler (kube-scheduler, abridged): pending pods (no spec.nodeName, default scheduler) are
// queued by key; sync picks a node with pickNode and POSTs pods/binding. Bound-but-not-yet-seen
// pods are "assumed" on their node so a burst spreads instead of piling onto one node. No node
// fits → FailedScheduling event and a rate-limited retry; node changes requeue pending pods.
import type { Binding, Node, Pod } from '@svclab/api';
import {
  isConflict,
  isNotFound,
  metaNamespaceKey,
  splitMetaNamespaceKey,
} from '@svclab/apimachinery';
import {
  getReference,
  newRateLimitingQueue,
  type ClientSet,
  type EventRecorder,
  type Lister,
  type SharedInformerFactory,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { runWorkers, untilAborted } from '../controller/queue-worker.js';
import { pickNode, unschedulableMessage } from './pick-node.js';

export const DefaultSchedulerName = 'default-scheduler';

function needsScheduling(pod: Pod): boolean {
  return (
    (pod.spec?.nodeName ?? '') === '' &&
    pod.metadata.deletionTimestamp == null &&
    (pod.spec?.schedulerName ?? DefaultSchedulerName) === DefaultSchedulerName &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

export class Scheduler {
  readonly queue = newRateLimitingQueue<string>({ name: 'scheduler' });
  private readonly pods: Lister<Pod>;
  private readonly nodes: Lister<Node>;
  /** Pod key → node it was bound to, until the cache shows the binding. */
  private readonly assumed = new Map<string, string>();
  private readonly lastFailure = new Map<string, string>();

  constructor(
    private readonly opts: {
      factory: SharedInformerFactory;
      client: ClientSet;
      events: EventRecorder;
      logger: Logger;
    },
  ) {
    this.pods = opts.factory.lister('pods');
    this.nodes = opts.factory.lister('nodes');
    opts.factory.informerFor('pods').addEventHandler({
      onAdd: (p) => {
        this.onPod(p);
      },
      onUpdate: (_o, p) => {
        this.onPod(p);
      },
      onDelete: (obj) => {
        const key =
          'key' in obj && typeof obj.key === 'string' ? obj.key : metaNamespaceKey(obj as Pod);
        this.assumed.delete(key);
        this.lastFailure.delete(key);
      },
    });
    const requeuePending = (): void => {
      for (const p of this.pods.list()) if (needsScheduling(p)) this.queue.add(metaNamespaceKey(p));
    };
    opts.factory.informerFor('nodes').addEventHandler({
      onAdd: requeuePending,
      onUpdate: (o, n) => {
        const r = (x: Node): string | undefined =>
          x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
        if (r(o) !== r(n) || o.spec?.unschedulable !== n.spec?.unschedulable) requeuePending();
      },
      onDelete: () => undefined,
    });
  }

  private onPod(p: Pod): void {
    const key = metaNamespaceKey(p);
    if (needsScheduling(p)) this.queue.add(key);
    else this.assumed.delete(key);
  }

  async run(signal: AbortSignal, workers = 1): Promise<void> {
    const w = runWorkers(
      this.queue,
      { workers, name: 'scheduler', logger: this.opts.logger },
      (k) => this.sync(k),
    );
    await untilAborted(signal);
    this.queue.shutDown();
    await w;
  }

  private podsPerNode(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const p of this.pods.list()) {
      const n = p.spec?.nodeName ?? '';
      if (n !== '' && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
        counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    for (const [key, n] of this.assumed) {
      const { namespace, name } = splitMetaNamespaceKey(key);
      if ((this.pods.namespace(namespace).find(name)?.spec?.nodeName ?? '') === '')
        counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    return counts;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const pod = this.pods.namespace(namespace).find(name);
    if (pod === undefined || !needsScheduling(pod) || this.assumed.has(key)) return;
    // NOTE: `assumed` is dropped by the pod handler once the cache shows spec.nodeName.
    const nodes = this.nodes.list();
    const ref = getReference(pod, 'Pod');
    const node = pickNode(pod, nodes, this.podsPerNode());
    if (node === undefined) {
      const msg = unschedulableMessage(pod, nodes);
      if (this.lastFailure.get(key) !== msg) {
        this.lastFailure.set(key, msg);
        this.opts.events.event(ref, { type: 'Warning', reason: 'FailedScheduling', message: msg });
        await this.setUnschedulable(pod, msg);
      }
      throw new Error(`pod ${key} is unschedulable: ${msg}`);
    }
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: {
        name,
        namespace,
        ...(pod.metadata.uid === undefined ? {} : { uid: pod.metadata.uid }),
      },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    // Assume first: concurrent workers count this pod on its node while the binding is in flight.
    this.assumed.set(key, node);
    try {
      await this.opts.client.rest.request({
        method: 'POST',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`,
        body: binding,
      });
    } catch (err) {
      if (isConflict(err)) return; // already bound by someone else; the cache will show it
      this.assumed.delete(key);
      if (isNotFound(err)) return;
      throw err;
    }
    this.lastFailure.delete(key);
    this.opts.events.event(ref, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${node}`,
    });
  }

  /** PodScheduled=False/Unschedulable as the scheduler reports it (kubectl get shows Pending). */
  private async setUnschedulable(pod: Pod, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = structuredClone(pod.status ?? {});
    status.phase = status.phase ?? 'Pending';
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastProbeTime: null,
        lastTransitionTime: now,
      },
    ];
    try {
      await this.opts.client
        .resource('pods')
        .namespace(pod.metadata.namespace ?? 'default')
        .updateStatus({ ...structuredClone(pod), status });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
