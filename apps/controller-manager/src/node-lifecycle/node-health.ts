// Node lifecycle decision (upstream node_lifecycle_controller tryUpdateNodeHealth, abridged):
// a node whose Lease has not been renewed within the grace period gets Ready=Unknown.
import type { Lease, Node, NodeCondition } from '@svclab/api';

/** Default --node-monitor-grace-period. */
export const NodeMonitorGracePeriodMs = 40_000;

export function leaseRenewedAt(lease: Lease | undefined): number | undefined {
  const t = Date.parse(lease?.spec?.renewTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The Ready condition the controller must write, or undefined when the node is healthy or already
 * marked. `probeTime` is the time the controller started watching (a grace period is granted from then).
 */
export function staleReadyCondition(
  node: Node,
  lease: Lease | undefined,
  opts: { now: Date; gracePeriodMs: number; watchingSince: number },
): NodeCondition | undefined {
  const renewed = leaseRenewedAt(lease) ?? opts.watchingSince;
  if (opts.now.getTime() - Math.max(renewed, opts.watchingSince) <= opts.gracePeriodMs)
    return undefined;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'Unknown') return undefined;
  const ts = opts.now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    type: 'Ready',
    status: 'Unknown',
    lastHeartbeatTime: ready?.lastHeartbeatTime ?? ts,
    lastTransitionTime: ts,
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
  };
}
