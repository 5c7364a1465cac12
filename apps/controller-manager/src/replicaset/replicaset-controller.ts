// ReplicaSet controller (upstream replica_set.go): RS and pod events → RS keys → sync reads the
// RS and its controlled pods from listers, plans with planReplicaSet (only when the expectations of
// the previous sync were observed), creates/deletes pods, then writes status when it changed.
import type { Pod, ReplicaSet } from '@svclab/api';
import { isAlreadyExists, isNotFound, splitMetaNamespaceKey } from '@svclab/apimachinery';
import {
  newRateLimitingQueue,
  type ClientSet,
  type Lister,
  type SharedInformerFactory,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { ControllerExpectations } from '../controller/expectations.js';
import { queueOwnEvents } from '../controller/event-handlers.js';
import { runUntilAborted } from '../controller/queue-worker.js';
import { finalState, ownerKey } from '../util/owner.js';
import { isControlledBy, isPodActive } from '../util/pod-state.js';
import { semanticEqual } from '@svclab/apimachinery';
import { updateStatus } from '../util/update-status.js';
import { planReplicaSet, podFromTemplate, replicaSetStatus } from './plan.js';

export class ReplicaSetController {
  readonly queue = newRateLimitingQueue<string>({ name: 'replicaset' });
  readonly expectations = new ControllerExpectations();
  private readonly sets: Lister<ReplicaSet>;
  private readonly pods: Lister<Pod>;

  constructor(
    private readonly opts: { factory: SharedInformerFactory; client: ClientSet; logger: Logger },
  ) {
    this.sets = opts.factory.lister('replicasets');
    this.pods = opts.factory.lister('pods');
    queueOwnEvents(opts.factory.informerFor('replicasets'), this.queue, (key) => {
      this.expectations.delete(key);
    });
    opts.factory.informerFor('pods').addEventHandler({
      onAdd: (pod) => {
        const k = ownerKey(pod, 'ReplicaSet');
        if (k === undefined) return;
        if (pod.metadata.deletionTimestamp == null) this.expectations.creationObserved(k);
        this.queue.add(k);
      },
      onUpdate: (old, pod) => {
        const k = ownerKey(pod, 'ReplicaSet');
        if (k === undefined) return;
        if (old.metadata.deletionTimestamp == null && pod.metadata.deletionTimestamp != null)
          this.expectations.deletionObserved(k);
        this.queue.add(k);
      },
      onDelete: (obj) => {
        const pod = finalState(obj);
        if (pod === undefined) return;
        const k = ownerKey(pod, 'ReplicaSet');
        if (k === undefined) return;
        if (pod.metadata.deletionTimestamp == null) this.expectations.deletionObserved(k);
        this.queue.add(k);
      },
    });
  }

  run(signal: AbortSignal, workers = 4): Promise<void> {
    return runUntilAborted(
      this.queue,
      { workers, name: 'replicaset', logger: this.opts.logger, signal },
      (k) => this.sync(k),
    );
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const rs = this.sets.namespace(namespace).find(name);
    if (rs === undefined) {
      this.expectations.delete(key);
      return;
    }
    const owned = this.pods
      .namespace(namespace)
      .list()
      .filter((p) => isControlledBy(p, rs.metadata.uid));
    let active = owned.filter(isPodActive);
    const podsClient = this.opts.client.resource('pods').namespace(namespace);
    if (this.expectations.satisfied(key) && rs.metadata.deletionTimestamp == null) {
      const plan = planReplicaSet(rs, active);
      if (plan.create > 0 || plan.delete.length > 0) {
        this.expectations.expect(key, plan.create, plan.delete.length);
        const creates = Array.from({ length: plan.create }, () =>
          podsClient.create(podFromTemplate(rs)),
        );
        const deletes = plan.delete.map((p) => podsClient.delete(p.metadata.name ?? ''));
        const results = await Promise.allSettled([...creates, ...deletes]);
        let failed: unknown;
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') return;
          const isCreate = i < plan.create;
          this.expectations.lower(key, isCreate ? 1 : 0, isCreate ? 0 : 1);
          if (!(isCreate ? isAlreadyExists(r.reason) : isNotFound(r.reason))) failed = r.reason;
        });
        const gone = new Set(plan.delete.map((p) => p.metadata.name));
        active = active.filter((p) => !gone.has(p.metadata.name));
        if (failed !== undefined)
          throw failed instanceof Error ? failed : new Error('pod write failed', { cause: failed });
      }
    }
    const now = new Date();
    const status = replicaSetStatus(rs, active, now);
    if (!semanticEqual(status, rs.status))
      await updateStatus(this.opts.client.resource('replicasets').namespace(namespace), rs, status);
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) > (status.availableReplicas ?? 0))
      this.queue.addAfter(key, minReady * 1000);
  }
}
