// Pod strategy: status starts Pending; deletion is graceful once the pod is bound to a node.
import type { KubeObject, Pod } from '@svclab/api';
import { DefaultStrategy } from '../../generic/default-strategy.js';

/** Default grace period when neither the request nor the pod says (v1 DefaultTerminationGracePeriodSeconds). */
export const defaultTerminationGracePeriodSeconds = 30;

export class PodStrategy extends DefaultStrategy {
  override prepareForCreate(obj: KubeObject): void {
    (obj as Pod).status = { phase: 'Pending' };
  }

  override gracePeriodSeconds(obj: KubeObject, requested: number | undefined): number {
    const pod = obj as Pod;
    // Unscheduled and terminal pods have nothing to stop: they go at once (upstream CheckGracefulDelete).
    if ((pod.spec?.nodeName ?? '') === '') return 0;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = requested ?? pod.spec?.terminationGracePeriodSeconds ?? defaultTerminationGracePeriodSeconds;
    return Math.max(0, g);
  }
}
