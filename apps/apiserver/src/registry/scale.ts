// The scale subresource of apps kinds: autoscaling/v1 Scale views of spec.replicas.
import type { KubeObject, LabelSelector } from '@svclab/api';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: KubeObject['metadata'];
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** metav1.FormatLabelSelector: `a=b,c in (d,e),!f`. */
export function formatLabelSelector(s: LabelSelector | undefined): string {
  if (s === undefined) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

interface Scalable {
  metadata: KubeObject['metadata'];
  spec?: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

export function toScale(obj: KubeObject): Scale {
  const o = obj as unknown as Scalable;
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name ?? '',
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      ...(m.uid !== undefined ? { uid: m.uid } : {}),
      ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp !== undefined ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: formatLabelSelector(o.spec?.selector) },
  };
}

/** The object with `spec.replicas` from `scale` (and its resourceVersion as precondition). */
export function applyScale(obj: KubeObject, scale: Scale): KubeObject {
  const next: Scalable = structuredClone(obj);
  next.spec ??= {};
  next.spec.replicas = scale.spec.replicas ?? 0;
  const rv = scale.metadata.resourceVersion;
  if (rv !== undefined && rv !== '') next.metadata.resourceVersion = rv;
  return next;
}
