// The scheduler's choice for one pod: a Ready, schedulable node whose labels satisfy the pod's
// nodeSelector, with the fewest pods (spread by pod count), ties broken by name. Pure.
import type { Node, Pod } from '@svclab/api';

export function nodeIsReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function pickNode(
  pod: Pod,
  nodes: readonly Node[],
  podsPerNode: ReadonlyMap<string, number>,
): string | undefined {
  const selector = pod.spec?.nodeSelector ?? {};
  const fits = nodes.filter(
    (n) =>
      nodeIsReady(n) &&
      n.spec?.unschedulable !== true &&
      Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v),
  );
  fits.sort((a, b) => {
    const d =
      (podsPerNode.get(a.metadata.name ?? '') ?? 0) - (podsPerNode.get(b.metadata.name ?? '') ?? 0);
    return d !== 0 ? d : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return fits[0]?.metadata.name;
}

/** Why no node fits, in the scheduler's FailedScheduling wording. */
export function unschedulableMessage(pod: Pod, nodes: readonly Node[]): string {
  const total = nodes.length;
  if (total === 0) return 'no nodes available to schedule pods';
  const notReady = nodes.filter((n) => !nodeIsReady(n)).length;
  const selector = pod.spec?.nodeSelector ?? {};
  const mismatch = nodes.filter(
    (n) => !Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v),
  ).length;
  const parts: string[] = [];
  if (notReady > 0)
    parts.push(`${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }`);
  if (mismatch > 0) parts.push(`${mismatch} node(s) didn't match Pod's node affinity/selector`);
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
