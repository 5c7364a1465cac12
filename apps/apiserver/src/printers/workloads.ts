// apps/v1 printers: printDeployment, printReplicaSet, printStatefulSet (layoutContainerCells).
import { selectorFromLabelSelector } from '@svclab/apimachinery';
import { arr, isRecord, num, rec, str } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

/** `layoutContainerCells`: container names and images, each joined with ','. */
export function layoutContainerCells(template: unknown): [string, string] {
  const containers = arr(rec(rec(template)['spec'])['containers']).map(rec);
  return [
    containers.map((c) => str(c['name'])).join(','),
    containers.map((c) => str(c['image'])).join(','),
  ];
}

/** The selector as `metav1.LabelSelectorAsSelector(...).String()`; `<none>` for nil, `<error>` if invalid. */
export function selectorString(sel: unknown): string {
  if (!isRecord(sel)) return '<none>';
  try {
    return selectorFromLabelSelector(sel).toString();
  } catch {
    return '<error>';
  }
}

const containersColumn = column('Containers', 'Names of each container in the template.', {
  priority: 1,
});
const imagesColumn = column('Images', 'Images referenced by each container in the template.', {
  priority: 1,
});
const selectorColumn = column(
  'Selector',
  'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
  { priority: 1 },
);

function parts(
  obj: unknown,
  ctx: PrintContext,
): { name: string; spec: Record<string, unknown>; status: Record<string, unknown>; age: string } {
  const o = rec(obj);
  const meta = rec(o['metadata']);
  return {
    name: str(meta['name']),
    spec: rec(o['spec']),
    status: rec(o['status']),
    age: translateTimestampSince(meta['creationTimestamp'], ctx.now),
  };
}

export const deploymentPrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      { type: 'number' },
    ),
    column(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      { type: 'number' },
    ),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const { name, spec, status, age } = parts(obj, ctx);
    const [containers, images] = layoutContainerCells(spec['template']);
    return {
      cells: [
        name,
        `${num(status['readyReplicas'])}/${num(spec['replicas'])}`,
        num(status['updatedReplicas']),
        num(status['availableReplicas']),
        age,
        containers,
        images,
        selectorString(spec['selector']),
      ],
    };
  },
};

export const replicaSetPrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
    column('Current', 'Replicas is the most recently observed number of replicas.', {
      type: 'integer',
    }),
    column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const { name, spec, status, age } = parts(obj, ctx);
    const [containers, images] = layoutContainerCells(spec['template']);
    return {
      cells: [
        name,
        num(spec['replicas']),
        num(status['replicas']),
        num(status['readyReplicas']),
        age,
        containers,
        images,
        selectorString(spec['selector']),
      ],
    };
  },
};

export const statefulSetPrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const { name, spec, status, age } = parts(obj, ctx);
    const [containers, images] = layoutContainerCells(spec['template']);
    return {
      cells: [
        name,
        `${num(status['readyReplicas'])}/${num(spec['replicas'])}`,
        age,
        containers,
        images,
      ],
    };
  },
};
