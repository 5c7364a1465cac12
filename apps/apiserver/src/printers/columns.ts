// Column definitions shared by the printers (pkg/printers/internalversion/printers.go).
import type { TableColumnDefinition, TableRow } from '@svclab/api';

/** `metav1.ObjectMeta{}.SwaggerDoc()["name"]`. */
export const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** `metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]`. */
export const creationTimestampDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function column(
  name: string,
  description: string,
  extra: Partial<TableColumnDefinition> = {},
): TableColumnDefinition {
  return { name, type: 'string', format: '', description, priority: 0, ...extra };
}

export const nameColumn = column('Name', nameDescription, { format: 'name' });
export const ageColumn = column('Age', creationTimestampDescription);

export interface PrintContext {
  readonly now: Date;
  /** `-o wide` cell variants (the server always prints wide, as upstream's TableConvertor does). */
  readonly wide: boolean;
}

/** One resource's printer: column definitions plus a row (cells in column order, optional conditions). */
export interface ResourcePrinter {
  readonly columns: readonly TableColumnDefinition[];
  row(obj: unknown, ctx: PrintContext): Pick<TableRow, 'cells' | 'conditions'>;
}
