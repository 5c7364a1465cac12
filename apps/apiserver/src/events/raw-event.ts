// Change events decoded with their object's JSON text kept: a plain JSON watch writes that text
// as is instead of re-encoding the decoded object (docs: apps/apiserver/README.md, watch path).
import type { ChangeEvent } from '@svclab/bus';

/** Object JSON of events decoded by `decodeChangeEvent`. NOTE: keyed weakly; never mutated. */
const rawObjects = new WeakMap<ChangeEvent, string>();

const objectKey = ',"object":';

/**
 * Parses one event in the storage wire format (RedisStorage builds it as
 * `{"type",..,"rev":N,"prev":M,"object":<stored>[,"traceparent"],"time"}`) and remembers the
 * exact text of its object when the event text has exactly that layout. Any other layout still
 * decodes; it just has no raw object.
 */
export function decodeChangeEvent(text: string): ChangeEvent {
  const e = JSON.parse(text) as ChangeEvent;
  const raw = objectTextOf(text, e);
  if (raw !== undefined) rawObjects.set(e, raw);
  return e;
}

/**
 * The object JSON of `e` as stored, byte for byte `JSON.stringify(e.object)` for every object the
 * apiserver stores (serialise() output); undefined when `e` was not decoded by `decodeChangeEvent`.
 */
export function rawObjectJSON(e: ChangeEvent): string | undefined {
  return rawObjects.get(e);
}

function objectTextOf(text: string, e: ChangeEvent): string | undefined {
  // Unchecked wire data: the declared types say nothing yet.
  const obj = e as unknown as { object?: unknown } | null;
  if (typeof obj !== 'object' || obj === null || typeof obj.object !== 'object' || obj.object === null) return undefined;
  const keys = Object.keys(e).length;
  const tp = e.traceparent;
  if (keys !== (tp === undefined ? 8 : 9)) return undefined;
  const head =
    `{"type":${JSON.stringify(e.type)},"resource":${JSON.stringify(e.resource)},` +
    `"namespace":${JSON.stringify(e.namespace)},"name":${JSON.stringify(e.name)},` +
    `"rev":${JSON.stringify(e.rev)},"prev":${JSON.stringify(e.prev)}${objectKey}`;
  const tail = `${tp === undefined ? '' : `,"traceparent":${JSON.stringify(tp)}`},"time":${JSON.stringify(e.time)}}`;
  if (text.length <= head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail)) return undefined;
  const raw = text.slice(head.length, text.length - tail.length);
  return raw.startsWith('{') && raw.endsWith('}') ? raw : undefined;
}

/** The fields of an event besides its object. */
export type ChangeEventFields = Omit<ChangeEvent, 'object'>;

/**
 * An event whose object is decoded from `objectJSON` on first access (once; the result is shared
 * by every reader and must not be modified); `rawObjectJSON` returns `objectJSON`. For events whose
 * object text is at hand already (this process's own commits), so that resources nobody watches
 * cost no decoding.
 */
export function lazyChangeEvent(fields: ChangeEventFields, objectJSON: string): ChangeEvent {
  let object: ChangeEvent['object'] | undefined;
  const e = { ...fields } as ChangeEvent;
  Object.defineProperty(e, 'object', {
    enumerable: true,
    get: () => (object ??= JSON.parse(objectJSON) as ChangeEvent['object']),
  });
  rawObjects.set(e, objectJSON);
  return e;
}

/** What the sequencer needs of an event to order it: everything before its object. */
export type ChangeEventHeader = Pick<ChangeEvent, 'type' | 'resource' | 'namespace' | 'name' | 'rev' | 'prev'>;

/**
 * The header of an event in the storage wire format, read without decoding its object (the
 * fields before `"object"` hold no such key: resource, namespace and name are DNS names);
 * undefined for any other layout, which then needs `decodeChangeEvent`.
 */
export function decodeChangeEventHeader(text: string): ChangeEventHeader | undefined {
  const at = text.indexOf(objectKey);
  if (at < 0 || !text.startsWith('{"type":')) return undefined;
  let h: unknown;
  try {
    h = JSON.parse(`${text.slice(0, at)}}`);
  } catch {
    return undefined;
  }
  const e = h as Partial<ChangeEventHeader> | null;
  if (
    typeof e !== 'object' || e === null || typeof e.resource !== 'string' || typeof e.rev !== 'number' ||
    typeof e.prev !== 'number' || Object.keys(e).length !== 6
  )
    return undefined;
  return e as ChangeEventHeader;
}
