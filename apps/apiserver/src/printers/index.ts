// Server-side Table printing with kubectl's columns (reference kubectl-printing.md).
// CONTRACT (owned by the printers work; caller: the list/get route when Accept asks for a Table):
//   printTable(resource, objects, opts) → meta.k8s.io/v1 Table without metadata.resourceVersion/continue
//   (the route fills those). `includeObject` follows ?includeObject= (default Metadata for kubectl).
// Like upstream's TableConvertor every column is emitted, wide ones with priority 1 (kubectl hides
// them unless -o wide), and cells use the wide variants unless `wide: false` is passed.
import type { KubeObject, ResourceInfo, Table, TableRow } from '@svclab/api';
import { rec } from '../apis/meta/accessors.js';
import { defaultPrinter, eventPrinter, leasePrinter } from './cluster-objects.js';
import type { PrintContext, ResourcePrinter } from './columns.js';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints.js';
import { namespacePrinter, nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { servicePrinter } from './service.js';
import { deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads.js';

export { humanDuration, translateTimestampSince } from './human-duration.js';

export interface PrintOptions {
  readonly includeObject: 'None' | 'Metadata' | 'Object';
  readonly now: Date;
  /** Cell variants of `-o wide` (default true, as the apiserver's TableConvertor prints). */
  readonly wide?: boolean;
}

const printers: Readonly<Record<string, ResourcePrinter>> = {
  services: servicePrinter,
  endpoints: endpointsPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  pods: podPrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
};

/** The printer for a resource; NAME/AGE for kinds without one. */
export function printerFor(resource: Pick<ResourceInfo, 'group' | 'resource'>): ResourcePrinter {
  const key = resource.group === '' ? resource.resource : `${resource.group}/${resource.resource}`;
  return printers[key] ?? defaultPrinter;
}

function rowObject(obj: KubeObject, include: PrintOptions['includeObject']): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Metadata':
      return {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: rec(obj)['metadata'] ?? {},
      };
    case 'Object':
      return obj;
  }
}

export function printTable(
  resource: ResourceInfo,
  objects: readonly KubeObject[],
  opts: PrintOptions,
): Table {
  const printer = printerFor(resource);
  const ctx: PrintContext = { now: opts.now, wide: opts.wide ?? true };
  const rows = objects.map((obj): TableRow => {
    let row: Pick<TableRow, 'cells' | 'conditions'>;
    try {
      row = printer.row(obj, ctx);
    } catch {
      // Malformed objects still get a row: the default printer only reads metadata.
      row = defaultPrinter.row(obj, ctx);
      row = { cells: printer.columns.map((_, i) => row.cells[i] ?? '') };
    }
    const out: TableRow = { ...row };
    const object = rowObject(obj, opts.includeObject);
    if (object !== undefined) out.object = object;
    return out;
  });
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: {},
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
