// Reads kubectl-style input: multi-document YAML or JSON, `kind: List` or any `items` list,
// into the Services, EndpointSlices and Nodes the renderers need.
import type { EndpointSlice, Node, Service } from '@svclab/api';
import { parseAllDocuments } from 'yaml';

/** Input that cannot be used; the message says where. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof Error && err.name === 'InputError';
}

export interface LoadedObjects {
  readonly services: Service[];
  readonly endpointSlices: EndpointSlice[];
  readonly nodes: Node[];
  /** Objects of other kinds, skipped. */
  readonly ignored: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(v: unknown, out: Record<string, unknown>[], where: string): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      flatten(x, out, `${where}[${i}]`);
    });
    return;
  }
  if (!isRecord(v)) throw new InputError(`${where}: expected an object, got ${typeof v}`);
  const items = v['items'];
  if (Array.isArray(items)) {
    items.forEach((x, i) => {
      flatten(x, out, `${where}.items[${i}]`);
    });
    return;
  }
  if (typeof v['kind'] !== 'string') throw new InputError(`${where}: object has no kind`);
  if (!isRecord(v['metadata']) || typeof v['metadata']['name'] !== 'string')
    throw new InputError(`${where}: ${v['kind']} has no metadata.name`);
  out.push(v);
}

/** Parses the text of a file; throws InputError on YAML errors or malformed objects. */
export function loadObjects(text: string): LoadedObjects {
  const docs = parseAllDocuments(text);
  const objects: Record<string, unknown>[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err !== undefined) throw new InputError(`document ${i + 1}: ${err.message}`);
    flatten(doc.toJS(), objects, `document ${i + 1}`);
  });
  const out: LoadedObjects = { services: [], endpointSlices: [], nodes: [], ignored: 0 };
  let ignored = 0;
  for (const o of objects) {
    const meta = o['metadata'] as { namespace?: string };
    switch (o['kind']) {
      case 'Service':
        out.services.push({
          ...(o as unknown as Service),
          metadata: { namespace: 'default', ...meta },
        });
        break;
      case 'EndpointSlice': {
        const s = o as unknown as EndpointSlice;
        if (typeof s.addressType !== 'string')
          throw new InputError(
            `EndpointSlice ${String((meta as { name?: string }).name)}: addressType is required`,
          );
        out.endpointSlices.push({ ...s, metadata: { namespace: 'default', ...meta } });
        break;
      }
      case 'Node':
        out.nodes.push(o as unknown as Node);
        break;
      default:
        ignored++;
    }
  }
  return { ...out, ignored };
}
