// Deployment controller (upstream deployment_controller.go + sync.go, abridged): Deployment and
// ReplicaSet events → Deployment keys → sync reads the Deployment and the ReplicaSets it controls,
// applies one planRollout step (create the new ReplicaSet, scale sets through merge patches), then
// writes status. A step is planned only once every owned ReplicaSet's status has observed its
// latest spec, so a stale availableReplicas never lets the rollout go below maxUnavailable.
import type { Deployment, ReplicaSet } from '@svclab/api';
import { isAlreadyExists, isNotFound, splitMetaNamespaceKey } from '@svclab/apimachinery';
import {
  newRateLimitingQueue,
  PatchType,
  type ClientSet,
  type Lister,
  type SharedInformerFactory,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { queueOwnEvents, queueOwnerOfEvents } from '../controller/event-handlers.js';
import { runUntilAborted } from '../controller/queue-worker.js';
import { semanticEqual } from '@svclab/apimachinery';
import { updateStatus } from '../util/update-status.js';
import {
  DesiredReplicasAnnotation,
  deploymentStatus,
  findNewReplicaSet,
  MaxReplicasAnnotation,
  planRollout,
  resolveFenceposts,
  RevisionAnnotation,
} from './rolling.js';

export class DeploymentController {
  readonly queue = newRateLimitingQueue<string>({ name: 'deployment' });
  private readonly deployments: Lister<Deployment>;
  private readonly sets: Lister<ReplicaSet>;

  constructor(
    private readonly opts: { factory: SharedInformerFactory; client: ClientSet; logger: Logger },
  ) {
    this.deployments = opts.factory.lister('deployments');
    this.sets = opts.factory.lister('replicasets');
    queueOwnEvents(opts.factory.informerFor('deployments'), this.queue);
    queueOwnerOfEvents(opts.factory.informerFor('replicasets'), this.queue, 'Deployment');
  }

  run(signal: AbortSignal, workers = 2): Promise<void> {
    return runUntilAborted(
      this.queue,
      { workers, name: 'deployment', logger: this.opts.logger, signal },
      (k) => this.sync(k),
    );
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const d = this.deployments.namespace(namespace).find(name);
    if (d === undefined || d.metadata.deletionTimestamp != null) return;
    const owned = this.sets
      .namespace(namespace)
      .list()
      .filter((rs) =>
        (rs.metadata.ownerReferences ?? []).some(
          (o) => o.controller === true && o.uid === d.metadata.uid,
        ),
      );
    const settled = owned.every(
      (rs) => (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 1),
    );
    if (d.spec?.paused !== true && settled) await this.applyStep(d, owned);
    const newRS = findNewReplicaSet(d, owned);
    const rev = newRS?.metadata.annotations?.[RevisionAnnotation];
    const deployments = this.opts.client.resource('deployments').namespace(namespace);
    if (rev !== undefined && d.metadata.annotations?.[RevisionAnnotation] !== rev) {
      try {
        await deployments.patch(name, {
          type: PatchType.MergePatch,
          data: { metadata: { annotations: { [RevisionAnnotation]: rev } } },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return; // the patch brings the Deployment back through the queue
    }
    const status = deploymentStatus(d, owned, new Date());
    if (!semanticEqual(status, d.status)) await updateStatus(deployments, d, status);
  }

  private async applyStep(d: Deployment, owned: readonly ReplicaSet[]): Promise<void> {
    const namespace = d.metadata.namespace ?? 'default';
    const sets = this.opts.client.resource('replicasets').namespace(namespace);
    const plan = planRollout(d, owned);
    if (plan.create !== undefined) {
      try {
        await sets.create(plan.create);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    const want = d.spec?.replicas ?? 1;
    const { maxSurge } = resolveFenceposts(d);
    for (const [rsName, replicas] of plan.scale) {
      try {
        await sets.patch(rsName, {
          type: PatchType.MergePatch,
          data: {
            metadata: {
              annotations: {
                [DesiredReplicasAnnotation]: String(want),
                [MaxReplicasAnnotation]: String(want + maxSurge),
              },
            },
            spec: { replicas },
          },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
