// Server-side Table printing with kubectl's columns (reference kubectl-printing.md).
// CONTRACT (owned by the printers work; caller: the list/get route when Accept asks for a Table):
//   printTable(resource, objects, opts) → meta.k8s.io/v1 Table without metadata.resourceVersion/continue
//   (the route fills those). `includeObject` follows ?includeObject= (default Metadata for kubectl).
import type { KubeObject, ResourceInfo, Table } from '@svclab/api';

export interface PrintOptions {
  readonly includeObject: 'None' | 'Metadata' | 'Object';
  readonly now: Date;
}

export function printTable(_resource: ResourceInfo, objects: readonly KubeObject[], _opts: PrintOptions): Table {
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: {},
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 }],
    rows: objects.map((o) => ({ cells: [o.metadata.name ?? ''], object: { metadata: o.metadata } })),
  };
}
