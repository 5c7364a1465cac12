// The static object source: kubectl-style YAML or JSON (multi-document, `kind: List`) loaded once.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { EndpointSlice, Namespace, Pod, Service } from '@svclab/api';
import { DnsController } from './plugins/kubernetes/controller.js';

export type DnsObject = Service | EndpointSlice | Pod | Namespace;
const KINDS = new Set(['Service', 'EndpointSlice', 'Pod', 'Namespace']);

export class ObjectsFileError extends Error {
  override readonly name = 'ObjectsFileError';
}

/** Every Service, EndpointSlice, Pod and Namespace in `text`; lists are flattened, other kinds skipped. */
export function parseObjects(text: string): DnsObject[] {
  const out: DnsObject[] = [];
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const o = v as { kind?: unknown; items?: unknown };
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      for (const i of o.items) visit(i);
      return;
    }
    if (typeof o.kind === 'string' && KINDS.has(o.kind)) out.push(v as DnsObject);
  };
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new ObjectsFileError(doc.errors.map((e) => e.message).join('; '));
    visit(doc.toJS());
  }
  return out;
}

/**
 * A synced DnsController holding `objects`. Namespaces exist when listed as Namespace objects or named
 * by any object in the file (so a file of Services alone works), plus `default` and `kube-system`.
 */
export function staticSource(objects: readonly DnsObject[], now?: () => number): DnsController {
  const c = new DnsController(now ? { now } : {});
  const implied = new Set(['default', 'kube-system']);
  for (const o of objects) if (o.metadata.namespace) implied.add(o.metadata.namespace);
  for (const ns of implied)
    c.onAdd({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const o of objects) c.onAdd(o);
  c.markSynced();
  return c;
}

export function loadObjectsFile(path: string): DnsController {
  return staticSource(parseObjects(readFileSync(path, 'utf8')));
}

const keyOf = (o: DnsObject): string =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/**
 * Replaces what `controller` holds with `next` (the file re-read on SIGHUP, like CoreDNS `reload`):
 * objects gone from the file are deleted, the others updated or added. `previous` is what was loaded
 * last; returns what to pass next time. Implied namespaces are kept.
 */
export function reloadObjects(
  controller: DnsController,
  previous: readonly DnsObject[],
  next: readonly DnsObject[],
): DnsObject[] {
  const keep = new Set(next.map(keyOf));
  for (const o of previous)
    if (!keep.has(keyOf(o)) && o.kind !== 'Namespace') controller.onDelete(o);
  for (const o of next) {
    if (o.kind === 'Namespace') controller.onAdd(o);
    else if (o.metadata.namespace)
      controller.onAdd({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: o.metadata.namespace },
      });
  }
  for (const o of next) if (o.kind !== 'Namespace') controller.onUpdate(undefined, o);
  return [...next];
}
