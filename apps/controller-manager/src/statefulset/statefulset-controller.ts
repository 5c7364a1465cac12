// StatefulSet controller (upstream stateful_set.go + stateful_set_control.go, abridged): set and
// pod events → set keys → sync plans with planStatefulSet (stable names make creates idempotent:
// AlreadyExists is a no-op), applies the plan, then writes status when it changed.
import type { Pod, StatefulSet } from '@svclab/api';
import { isAlreadyExists, isNotFound, splitMetaNamespaceKey } from '@svclab/apimachinery';
import {
  newRateLimitingQueue,
  type ClientSet,
  type Lister,
  type SharedInformerFactory,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { queueOwnEvents, queueOwnerOfEvents } from '../controller/event-handlers.js';
import { runUntilAborted } from '../controller/queue-worker.js';
import { isControlledBy } from '../util/pod-state.js';
import { semanticEqual } from '@svclab/apimachinery';
import { updateStatus } from '../util/update-status.js';
import { planStatefulSet, statefulSetStatus } from './plan.js';

export class StatefulSetController {
  readonly queue = newRateLimitingQueue<string>({ name: 'statefulset' });
  private readonly sets: Lister<StatefulSet>;
  private readonly pods: Lister<Pod>;

  constructor(
    private readonly opts: { factory: SharedInformerFactory; client: ClientSet; logger: Logger },
  ) {
    this.sets = opts.factory.lister('statefulsets');
    this.pods = opts.factory.lister('pods');
    queueOwnEvents(opts.factory.informerFor('statefulsets'), this.queue);
    queueOwnerOfEvents(opts.factory.informerFor('pods'), this.queue, 'StatefulSet');
  }

  run(signal: AbortSignal, workers = 2): Promise<void> {
    return runUntilAborted(
      this.queue,
      { workers, name: 'statefulset', logger: this.opts.logger, signal },
      (k) => this.sync(k),
    );
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const sts = this.sets.namespace(namespace).find(name);
    if (sts === undefined) return;
    const pods = this.pods
      .namespace(namespace)
      .list()
      .filter((p) => isControlledBy(p, sts.metadata.uid));
    const podsClient = this.opts.client.resource('pods').namespace(namespace);
    if (sts.metadata.deletionTimestamp == null) {
      const plan = planStatefulSet(sts, pods);
      for (const p of plan.create) {
        try {
          await podsClient.create(p);
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
      }
      for (const p of plan.delete) {
        try {
          await podsClient.delete(p.metadata.name ?? '');
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    const status = statefulSetStatus(sts, pods, new Date());
    if (!semanticEqual(status, sts.status))
      await updateStatus(
        this.opts.client.resource('statefulsets').namespace(namespace),
        sts,
        status,
      );
  }
}
