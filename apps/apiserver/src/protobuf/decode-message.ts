// Decodes one protobuf message into its Kubernetes JSON wire shape, driven by the schema table.
// Unset and zero-valued optional scalars are omitted (JSON `omitempty`); pointer fields keep zero.
import { schema, type FieldSpec } from './schema.js';
import { WireError, WireReader, WireType } from './wire.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new WireError('string field is not valid UTF-8');
  }
}

function expectWire(f: FieldSpec, got: number, want: number): void {
  if (got !== want) throw new WireError(`field ${f.json} (${f.num}): wire type ${got}, want ${want}`);
}

/** Fields of a small fixed message (Time, IntOrString, Quantity, map entry) by number. */
function readPairs(b: Uint8Array): Map<number, bigint | Uint8Array> {
  const r = new WireReader(b);
  const out = new Map<number, bigint | Uint8Array>();
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (wireType === WireType.varint) out.set(field, r.varint());
    else if (wireType === WireType.bytes) out.set(field, r.bytes());
    else r.skip(wireType);
  }
  return out;
}

function num(v: bigint | Uint8Array | undefined, bits: 32 | 64): number {
  if (v === undefined) return 0;
  if (typeof v !== 'bigint') throw new WireError('expected a varint');
  return Number(BigInt.asIntN(bits, v));
}

function str(v: bigint | Uint8Array | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'bigint') throw new WireError('expected a string');
  return text(v);
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** RFC 3339 in UTC; `micros` adds six fractional digits (metav1.MicroTime). */
export function formatTime(seconds: number, nanos: number, micros: boolean): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new WireError(`timestamp ${seconds} out of range`);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micros ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function decodeTime(b: Uint8Array, micros: boolean): string | undefined {
  const p = readPairs(b);
  const seconds = num(p.get(1), 64);
  const nanos = num(p.get(2), 32);
  if (seconds === 0 && nanos === 0) return undefined;
  return formatTime(seconds, nanos, micros);
}

function decodeIntOrString(b: Uint8Array): number | string {
  const p = readPairs(b);
  return num(p.get(1), 64) === 1 ? str(p.get(3)) : num(p.get(2), 32);
}

function decodeQuantity(b: Uint8Array): string {
  return str(readPairs(b).get(1));
}

function isZero(v: Json | undefined): boolean {
  return v === undefined || v === '' || v === 0 || v === false;
}

/** One value of field `f` from the reader, or undefined for a zero Time. */
function readValue(r: WireReader, f: FieldSpec, at: { wireType: number; depth: number }): Json | undefined {
  const { wireType, depth } = at;
  switch (f.type) {
    case 's':
      expectWire(f, wireType, WireType.bytes);
      return text(r.bytes());
    case 'bytes':
      expectWire(f, wireType, WireType.bytes);
      return Buffer.from(r.bytes()).toString('base64');
    case 'i32':
      expectWire(f, wireType, WireType.varint);
      return Number(BigInt.asIntN(32, r.varint()));
    case 'i64':
      expectWire(f, wireType, WireType.varint);
      return Number(BigInt.asIntN(64, r.varint()));
    case 'b':
      expectWire(f, wireType, WireType.varint);
      return r.varint() !== 0n;
    case 't':
    case 'mt':
      expectWire(f, wireType, WireType.bytes);
      return decodeTime(r.bytes(), f.type === 'mt');
    case 'ios':
      expectWire(f, wireType, WireType.bytes);
      return decodeIntOrString(r.bytes());
    case 'q':
      expectWire(f, wireType, WireType.bytes);
      return decodeQuantity(r.bytes());
    default:
      expectWire(f, wireType, WireType.bytes);
      return decodeMessage(f.type, r.bytes(), depth + 1);
  }
}

const maxDepth = 64;

/** Decodes `bytes` as message `name` of the schema table. Throws WireError on malformed input. */
export function decodeMessage(name: string, bytes: Uint8Array, depth = 0): JsonObject {
  const spec = schema.get(name);
  if (spec === undefined) throw new Error(`protobuf schema has no message ${name}`);
  if (depth > maxDepth) throw new WireError('message nesting too deep');
  // A Map, not an object: fields are set, merged and unset by JSON name as they arrive.
  const out = new Map<string, Json>();
  const r = new WireReader(bytes);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    const f = spec.get(field);
    if (f === undefined) {
      r.skip(wireType); // a field we do not model: ignored, as upstream ignores unknown fields
      continue;
    }
    if (f.type === 'map' || f.type === 'qmap') {
      expectWire(f, wireType, WireType.bytes);
      const p = readPairs(r.bytes());
      const v = p.get(2);
      const value = f.type === 'map' ? str(v) : v instanceof Uint8Array ? decodeQuantity(v) : '';
      const m = (out.get(f.json) ?? {}) as JsonObject;
      // defineProperty, not assignment: a key such as `__proto__` stays an ordinary entry, as in JSON.parse
      Object.defineProperty(m, str(p.get(1)), { value, enumerable: true, writable: true, configurable: true });
      out.set(f.json, m);
      continue;
    }
    if (f.repeated) {
      const list = (out.get(f.json) ?? []) as Json[];
      if (wireType === WireType.bytes && (f.type === 'i32' || f.type === 'i64' || f.type === 'b')) {
        const packed = new WireReader(r.bytes()); // packed scalars
        while (!packed.done()) list.push(readValue(packed, f, { wireType: WireType.varint, depth }) ?? null);
      } else {
        list.push(readValue(r, f, { wireType, depth }) ?? null);
      }
      out.set(f.json, list);
      continue;
    }
    if (f.inline) {
      expectWire(f, wireType, WireType.bytes);
      for (const [k, v] of Object.entries(decodeMessage(f.type, r.bytes(), depth + 1))) out.set(k, v);
      continue;
    }
    const v = readValue(r, f, { wireType, depth });
    if (v === undefined || (!f.pointer && isZero(v))) out.delete(f.json); // last one wins; zero means unset
    else out.set(f.json, v);
  }
  return Object.fromEntries(out);
}
