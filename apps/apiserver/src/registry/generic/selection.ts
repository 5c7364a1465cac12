// Label and field selection for list, watch and deletecollection (upstream GetAttrs per resource).
import type { KubeObject } from '@svclab/api';
import {
  isLabelSelectorParseError,
  newBadRequest,
  parseFieldSelector,
  parseSelector,
  type FieldSelector,
  type Selector,
} from '@svclab/apimachinery';

type Fields = Record<string, string>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Selectable fields beyond metadata.name / metadata.namespace, per resource (upstream ToSelectableFields). */
const extraFields: Record<string, readonly string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  services: ['spec.clusterIP', 'spec.type'],
  replicasets: ['status.replicas'],
};

/** The field set an object is matched against: `metadata.name`, `metadata.namespace` and extras. */
export function fieldSet(resource: string, obj: KubeObject): Fields {
  const f: Fields = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
  for (const path of extraFields[resource] ?? []) {
    f[path] = path === 'source' ? str(at(obj, 'source.component')) : str(at(obj, path));
  }
  if (resource === 'pods' && f['spec.hostNetwork'] === '') f['spec.hostNetwork'] = 'false';
  return f;
}

export function isSelectableField(resource: string, field: string): boolean {
  return field === 'metadata.name' || field === 'metadata.namespace' || (extraFields[resource] ?? []).includes(field);
}

export interface Selection {
  readonly label: Selector;
  readonly field: FieldSelector;
  matches(obj: KubeObject): boolean;
  empty(): boolean;
}

/** Parses `labelSelector` and `fieldSelector`; bad syntax or unknown fields → 400 BadRequest. */
export function parseSelection(resource: string, labelSelector: string | undefined, fieldSelector: string | undefined): Selection {
  let label: Selector;
  let field: FieldSelector;
  try {
    label = parseSelector(labelSelector ?? '');
    field = parseFieldSelector(fieldSelector ?? '');
  } catch (err) {
    if (isLabelSelectorParseError(err)) throw newBadRequest(err.message);
    throw err;
  }
  for (const r of field.requirements()) {
    if (!isSelectableField(resource, r.field)) throw newBadRequest(`field label not supported: ${r.field}`);
  }
  return {
    label,
    field,
    matches: (obj) => label.matches(obj.metadata.labels ?? {}) && field.matches(fieldSet(resource, obj)),
    empty: () => label.empty() && field.empty(),
  };
}
