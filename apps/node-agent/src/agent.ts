// NodeAgent: one (simulated) node. Registers its Node, renews its Lease, and runs the pods bound
// to it (PodRuntime), writing their status through pods/status when it changed. Pod keys come from
// the AgentHost's shared informer and work queue; `syncPod` is level-triggered: it reads the pod as
// the cache has it now and converges the runtime to it.
import type { Lease, Node, Pod } from '@svclab/api';
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  parseResourceVersion,
} from '@svclab/apimachinery';
import { getReference, type ClientSet, type EventRecorder } from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import type { NodeAgentMetrics } from './metrics.js';
import {
  leaseFor,
  NodeLeaseNamespace,
  nodeFor,
  nodeStatus,
  type NodeIdentity,
} from './node-object.js';
import { conditionEvents, nodeRef, startingEvents, type NodeEvent } from './node-events.js';
import type { ContainerLogRequest, ContainerLogResult } from './kubelet-server.js';
import { PodIPAllocator } from './runtime/pod-ip-allocator.js';
import { PodRuntime } from './runtime/pod-runtime.js';
import { computePodStatus } from './runtime/pod-status.js';
import { semanticEqual } from '@svclab/apimachinery';

export interface NodeAgentOptions {
  readonly id: NodeIdentity;
  readonly nodeEntry?: string;
  readonly client: ClientSet;
  readonly logger: Logger;
  readonly metrics?: NodeAgentMetrics;
  /** Where the kubelet's pod Events go (source `kubelet`, host = this node). */
  readonly events?: EventRecorder;
  /** Asks the host to sync `key` again (now, or after `afterMs`). */
  readonly requeue: (key: string, afterMs?: number) => void;
  readonly now?: () => number;
  /** Lease duration written to the Lease; default 40 s. */
  readonly leaseDurationSeconds?: number;
}

interface RunningPod {
  readonly uid: string;
  readonly runtime: PodRuntime;
  /** resourceVersion our last status write produced, and the status we wrote. */
  lastWrittenRV?: string;
  lastWritten?: Pod['status'];
}

export class NodeAgent {
  readonly name: string;
  readonly identity: NodeIdentity;
  private readonly allocator: PodIPAllocator;
  private readonly pods = new Map<string, RunningPod>();
  private lease: Lease | undefined;
  private registered = false;
  /** Whether this agent has recorded its kubelet start. */
  private started = false;

  constructor(private readonly opts: NodeAgentOptions) {
    this.name = opts.id.name;
    this.identity = opts.id;
    this.allocator = new PodIPAllocator(opts.id.podCIDR);
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  isRegistered(): boolean {
    return this.registered;
  }

  runningPods(): number {
    return this.pods.size;
  }

  has(key: string): boolean {
    return this.pods.has(key);
  }

  /** Keeps the IP of a pod that already runs on this node (agent restart) before new pods allocate. */
  claimIP(key: string, pod: Pod): void {
    const ip = pod.status?.podIP;
    if (ip !== undefined && ip !== '' && pod.metadata.deletionTimestamp === undefined)
      this.allocator.claim(ip, key);
  }

  /** Records the kubelet's Events on this Node. */
  private nodeEvents(events: readonly NodeEvent[]): void {
    for (const e of events) this.opts.events?.event(nodeRef(this.name), { type: 'Normal', ...e });
  }

  /** Creates the Node or posts its status again (after a restart or a NotReady mark). */
  async register(existing?: Node): Promise<void> {
    const nodes = this.opts.client.resource('nodes');
    const want = nodeFor(this.opts.id, this.now());
    if (!this.started) {
      this.started = true;
      this.nodeEvents(startingEvents());
    }
    let cur = existing;
    if (cur === undefined) {
      try {
        await nodes.create(want);
        this.registered = true;
        this.nodeEvents(conditionEvents(this.name, undefined, want.status?.conditions ?? []));
        this.opts.logger.info('registered node', { node: this.name });
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      cur = await nodes.get(this.name);
    }
    let node = cur;
    const wantLabels = want.metadata.labels ?? {};
    if (
      Object.entries(wantLabels).some(([k, v]) => cur.metadata.labels?.[k] !== v) ||
      cur.spec?.podCIDR !== want.spec?.podCIDR
    ) {
      const upd = structuredClone(cur);
      upd.metadata.labels = { ...(upd.metadata.labels ?? {}), ...wantLabels };
      upd.spec = { ...(upd.spec ?? {}), ...want.spec };
      node = await nodes.update(upd);
    }
    const status = nodeStatus(this.opts.id, this.now(), node);
    await nodes.updateStatus({ ...structuredClone(node), status });
    this.registered = true;
    this.nodeEvents(conditionEvents(this.name, node.status?.conditions, status.conditions ?? []));
    this.opts.logger.info('updated node status', { node: this.name });
  }

  /** Renews (or creates) the node Lease once. */
  async renewLease(): Promise<void> {
    const leases = this.opts.client.resource('leases').namespace(NodeLeaseNamespace);
    try {
      if (this.lease === undefined) {
        try {
          this.lease = await leases.create(
            leaseFor(this.name, this.now(), { durationSeconds: this.opts.leaseDurationSeconds }),
          );
          this.opts.metrics?.leaseRenewals.inc({ result: 'success' });
          return;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          this.lease = await leases.get(this.name);
        }
      }
      this.lease = await leases.update(
        leaseFor(this.name, this.now(), {
          prev: this.lease,
          durationSeconds: this.opts.leaseDurationSeconds,
        }),
      );
      this.opts.metrics?.leaseRenewals.inc({ result: 'success' });
    } catch (err) {
      this.lease = undefined; // re-read on the next try (conflict, deleted, apiserver restarted)
      this.opts.metrics?.leaseRenewals.inc({ result: 'error' });
      throw err;
    }
  }

  /** Converges the pod `key` (undefined: it is gone) on this node. */
  async syncPod(key: string, pod: Pod | undefined): Promise<void> {
    const running = this.pods.get(key);
    const ours = pod !== undefined && pod.spec?.nodeName === this.name;
    if (running !== undefined && (!ours || running.uid !== pod.metadata.uid))
      await this.stopPod(key);
    if (!ours) return;
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    let r = this.pods.get(key);
    if (pod.metadata.deletionTimestamp !== undefined) {
      r?.runtime.terminating();
      const left = Date.parse(pod.metadata.deletionTimestamp) - this.now();
      if (r !== undefined && left > 0) {
        // Graceful deletion: keep serving until the grace period ends.
        this.opts.requeue(key, left);
      } else {
        await this.stopPod(key);
        await this.deletePod(pod);
        return;
      }
    } else if (r === undefined) {
      if (terminal) return;
      r = this.startPod(key, pod);
      await r.runtime.start();
    }
    await this.writeStatus(pod, r);
  }

  private startPod(key: string, pod: Pod): RunningPod {
    const ip = this.allocator.allocate(key);
    const runtime = new PodRuntime(pod, {
      node: this.name,
      hostIP: this.opts.id.ip,
      podIP: ip,
      ...(this.opts.nodeEntry === undefined ? {} : { nodeEntry: this.opts.nodeEntry }),
      logger: this.opts.logger,
      onChange: () => {
        this.opts.requeue(key);
      },
      onEvent: (e) => {
        this.opts.events?.event(
          { ...getReference(pod, 'Pod'), fieldPath: `spec.containers{${e.container}}` },
          e,
        );
      },
    });
    const r: RunningPod = { uid: pod.metadata.uid ?? '', runtime };
    this.pods.set(key, r);
    this.opts.metrics?.runningPods.set({ node: this.name }, this.pods.size);
    this.opts.logger.debug('starting pod', { pod: key, node: this.name, podIP: ip });
    return r;
  }

  private async writeStatus(pod: Pod, r: RunningPod): Promise<void> {
    const status = computePodStatus(
      pod,
      r.runtime.state(),
      new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    );
    if (semanticEqual(status, pod.status)) return;
    // Our last write is newer than the cache: its event will bring the pod back here; writing now
    // would only conflict.
    if (
      r.lastWrittenRV !== undefined &&
      parseResourceVersion(pod.metadata.resourceVersion) < parseResourceVersion(r.lastWrittenRV)
    )
      return;
    // The server may normalise what we wrote; do not write the same thing again in a loop.
    if (r.lastWrittenRV === pod.metadata.resourceVersion && semanticEqual(status, r.lastWritten))
      return;
    const pods = this.opts.client.resource('pods').namespace(pod.metadata.namespace ?? 'default');
    try {
      const out = await pods.updateStatus({ ...structuredClone(pod), status });
      r.lastWrittenRV = out.metadata.resourceVersion;
      r.lastWritten = status;
      this.opts.metrics?.statusWrites.inc({ result: 'success' });
    } catch (err) {
      if (isNotFound(err)) return;
      this.opts.metrics?.statusWrites.inc({ result: isConflict(err) ? 'conflict' : 'error' });
      throw err;
    }
  }

  private async deletePod(pod: Pod): Promise<void> {
    const pods = this.opts.client.resource('pods').namespace(pod.metadata.namespace ?? 'default');
    try {
      await pods.delete(pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }),
      });
      this.opts.logger.debug('deleted pod', {
        pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`,
        node: this.name,
      });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  private async stopPod(key: string): Promise<void> {
    const r = this.pods.get(key);
    if (r === undefined) return;
    this.pods.delete(key);
    this.allocator.release(key);
    this.opts.metrics?.runningPods.set({ node: this.name }, this.pods.size);
    await r.runtime.stop();
  }

  /** The log of `container` of pod `namespace/pod` running here (the kubelet's containerLogs). */
  containerLog({ namespace, pod, container, previous }: ContainerLogRequest): ContainerLogResult {
    const r = this.pods.get(`${namespace}/${pod}`);
    if (r === undefined)
      return {
        error: `pod "${pod}" in namespace "${namespace}" is not running on node ${this.name}`,
        notFound: true,
      };
    return r.runtime.containerLog(container, previous);
  }

  /** Stops every pod (process shutdown); the pods stay bound and restart with the agent. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.pods.keys()].map((k) => this.stopPod(k)));
  }
}
