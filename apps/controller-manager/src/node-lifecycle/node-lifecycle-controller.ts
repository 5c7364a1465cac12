// Node lifecycle controller (upstream node_lifecycle_controller monitorNodeHealth, abridged):
// every nodeMonitorPeriod, a node whose Lease was not renewed within the grace period gets
// Ready=Unknown (and its other conditions Unknown), and the pods on a node that is not Ready get
// Ready=False (MarkPodsNotReady) so they leave the endpoints. Level-triggered: each pass looks at
// every node and every pod on a not-Ready node. Events as upstream's node-controller records them:
// RegisteredNode for each node it starts watching, NodeNotReady when it takes a Ready node to Unknown.
import type { Lease, Node, Pod } from '@svclab/api';
import { isConflict, isNotFound } from '@svclab/apimachinery';
import {
  getReference,
  type ClientSet,
  type EventRecorder,
  type Lister,
  type SharedInformerFactory,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { untilAborted } from '../controller/queue-worker.js';
import { staleReadyCondition } from './node-health.js';

/** Upstream --node-monitor-period default, ms. */
export const NodeMonitorPeriodMs = 5_000;

export interface NodeLifecycleOptions {
  readonly factory: SharedInformerFactory;
  readonly client: ClientSet;
  readonly logger: Logger;
  readonly gracePeriodMs: number;
  readonly monitorPeriodMs?: number;
  readonly now?: () => number;
  /** The `node-controller` recorder. */
  readonly events?: EventRecorder;
}

export class NodeLifecycleController {
  private readonly nodes: Lister<Node>;
  private readonly leases: Lister<Lease>;
  private readonly pods: Lister<Pod>;
  private watchingSince = 0;
  /** Node uids this controller has recorded RegisteredNode for. */
  private readonly known = new Set<string>();

  constructor(private readonly opts: NodeLifecycleOptions) {
    this.nodes = opts.factory.lister('nodes');
    this.leases = opts.factory.lister('leases');
    this.pods = opts.factory.lister('pods');
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async run(signal: AbortSignal): Promise<void> {
    this.watchingSince = this.now();
    const period = Math.min(
      this.opts.monitorPeriodMs ?? NodeMonitorPeriodMs,
      Math.max(1000, this.opts.gracePeriodMs / 4),
    );
    const timer = setInterval(() => {
      this.monitorNodeHealth().catch((err: unknown) => {
        this.opts.logger.warn('node health pass failed', {
          err: err instanceof Error ? err.message : String(err),
        });
      });
    }, period);
    await untilAborted(signal);
    clearInterval(timer);
  }

  private running = false;

  /** One pass over every node. */
  async monitorNodeHealth(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = new Date(this.now());
      for (const node of this.nodes.list()) {
        const name = node.metadata.name ?? '';
        this.registered(node);
        const lease = this.leases.namespace('kube-node-lease').find(name);
        const cond = staleReadyCondition(node, lease, {
          now,
          gracePeriodMs: this.opts.gracePeriodMs,
          watchingSince: this.watchingSince,
        });
        let ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
        if (cond !== undefined) {
          await this.markUnknown(node, cond);
          ready = 'Unknown';
        }
        if (ready !== 'True') await this.markPodsNotReady(name);
      }
    } finally {
      this.running = false;
    }
  }

  private async markUnknown(
    node: Node,
    ready: NonNullable<ReturnType<typeof staleReadyCondition>>,
  ): Promise<void> {
    const upd = structuredClone(node);
    const status = upd.status ?? {};
    const conds = (status.conditions ?? []).map((c) =>
      c.type === 'Ready'
        ? ready
        : c.status === 'Unknown'
          ? c
          : {
              ...c,
              status: 'Unknown' as const,
              reason: 'NodeStatusUnknown',
              message: 'Kubelet stopped posting node status.',
              lastTransitionTime: ready.lastTransitionTime ?? '',
            },
    );
    if (!conds.some((c) => c.type === 'Ready')) conds.push(ready);
    status.conditions = conds;
    upd.status = status;
    try {
      await this.opts.client.resource('nodes').updateStatus(upd);
      this.opts.logger.info('node not ready: lease not renewed', { node: node.metadata.name });
      const was = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      if (was === 'True') {
        this.opts.events?.event(getReference(node, 'Node'), {
          type: 'Normal',
          reason: 'NodeNotReady',
          message: `Node ${node.metadata.name ?? ''} status is now: NodeNotReady`,
        });
      }
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** RegisteredNode, once per node (uid) this controller sees. */
  private registered(node: Node): void {
    const uid = node.metadata.uid ?? node.metadata.name ?? '';
    if (this.known.has(uid)) return;
    this.known.add(uid);
    const name = node.metadata.name ?? '';
    this.opts.events?.event(getReference(node, 'Node'), {
      type: 'Normal',
      reason: 'RegisteredNode',
      message: `Node ${name} event: Registered Node ${name} in Controller`,
    });
  }

  private async markPodsNotReady(nodeName: string): Promise<void> {
    const ts = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const pod of this.pods.list()) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready === undefined || ready.status === 'False') continue;
      const upd = structuredClone(pod);
      upd.status = upd.status ?? {};
      upd.status.conditions = (upd.status.conditions ?? []).map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: ts } : c,
      );
      try {
        await this.opts.client
          .resource('pods')
          .namespace(pod.metadata.namespace ?? 'default')
          .updateStatus(upd);
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }
}
