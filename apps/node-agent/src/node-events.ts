// The Events the kubelet records on its Node (involvedObject kind Node, uid = the node name, as the
// kubelet's nodeRef has it): "Starting kubelet." and "Updated Node Allocatable limit across pods"
// when it starts, and one "Node <name> status is now: <reason>" per condition that changed.
import type { NodeCondition, ObjectReference } from '@svclab/api';

/** The kubelet's event reason for a node condition now at `status` (upstream nodestatus setters). */
const conditionReasons: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  MemoryPressure: { False: 'NodeHasSufficientMemory', True: 'NodeHasInsufficientMemory' },
  DiskPressure: { False: 'NodeHasNoDiskPressure', True: 'NodeHasDiskPressure' },
  PIDPressure: { False: 'NodeHasSufficientPID', True: 'NodeHasInsufficientPID' },
  Ready: { True: 'NodeReady', False: 'NodeNotReady' },
};

export interface NodeEvent {
  readonly reason: string;
  readonly message: string;
}

export function nodeRef(name: string): ObjectReference {
  return { kind: 'Node', name, uid: name, namespace: '' };
}

/** What the kubelet records when it starts. */
export function startingEvents(): NodeEvent[] {
  return [
    { reason: 'Starting', message: 'Starting kubelet.' },
    { reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' },
  ];
}

/** One event per condition whose status differs from `prev` (absent counts as changed), in `next`'s order. */
export function conditionEvents(
  node: string,
  prev: readonly NodeCondition[] | undefined,
  next: readonly NodeCondition[],
): NodeEvent[] {
  const out: NodeEvent[] = [];
  for (const c of next) {
    if (prev?.find((p) => p.type === c.type)?.status === c.status) continue;
    const reason = conditionReasons[c.type]?.[c.status];
    if (reason !== undefined)
      out.push({ reason, message: `Node ${node} status is now: ${reason}` });
  }
  return out;
}
