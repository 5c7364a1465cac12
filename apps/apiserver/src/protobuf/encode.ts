// Encodes JSON-shaped Kubernetes objects to protobuf with the same schema table: the inverse of
// decode.ts, used to build test bodies (and usable for protobuf responses later).
import { protobufMagic } from './decode.js';
import { deleteOptionsMessage, kinds, schema, type FieldSpec } from './schema.js';
import { WireWriter } from './wire.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sub(build: (w: WireWriter) => void): Uint8Array {
  const w = new WireWriter();
  build(w);
  return w.finish();
}

function encodeTime(v: unknown): Uint8Array {
  const ms = Date.parse(String(v));
  if (Number.isNaN(ms)) throw new Error(`not a time: ${String(v)}`);
  const frac = /\.(\d+)/.exec(String(v))?.[1] ?? '';
  const nanos = Number(frac.padEnd(9, '0').slice(0, 9));
  return sub((w) => {
    w.uint(1, Math.floor(ms / 1000));
    if (nanos !== 0) w.uint(2, nanos);
  });
}

function writeValue(w: WireWriter, f: FieldSpec, v: unknown): void {
  switch (f.type) {
    case 's':
      w.string(f.num, String(v));
      return;
    case 'bytes':
      w.bytes(f.num, Buffer.from(String(v), 'base64'));
      return;
    case 'i32':
    case 'i64':
      w.uint(f.num, BigInt(Number(v)));
      return;
    case 'b':
      w.uint(f.num, v === true ? 1 : 0);
      return;
    case 't':
    case 'mt':
      w.bytes(f.num, encodeTime(v));
      return;
    case 'ios':
      w.bytes(f.num, sub((s) => (typeof v === 'string' ? s.uint(1, 1).string(3, v) : s.uint(1, 0).uint(2, Number(v)))));
      return;
    case 'q':
      w.bytes(f.num, sub((s) => s.string(1, String(v))));
      return;
    default:
      w.bytes(f.num, encodeMessage(f.type, isObj(v) ? v : {}));
  }
}

/** Encodes `obj` as message `name`; keys the schema does not know are dropped. */
export function encodeMessage(name: string, obj: Obj): Uint8Array {
  const spec = schema.get(name);
  if (spec === undefined) throw new Error(`protobuf schema has no message ${name}`);
  const w = new WireWriter();
  for (const f of [...spec.values()].sort((a, b) => a.num - b.num)) {
    if (f.inline) {
      w.bytes(f.num, encodeMessage(f.type, obj));
      continue;
    }
    const v = obj[f.json];
    if (v === undefined || v === null) continue;
    if (f.type === 'map' || f.type === 'qmap') {
      for (const [k, val] of Object.entries(isObj(v) ? v : {})) {
        const value = f.type === 'map' ? String(val) : sub((s) => s.string(1, String(val)));
        w.bytes(f.num, sub((s) => (typeof value === 'string' ? s.string(1, k).string(2, value) : s.string(1, k).bytes(2, value))));
      }
    } else if (f.repeated) {
      for (const item of Array.isArray(v) ? v : []) writeValue(w, f, item);
    } else {
      writeValue(w, f, v);
    }
  }
  return w.finish();
}

/** `k8s\0` + runtime.Unknown{typeMeta, raw} for an object with a kind we have a schema for. */
export function encodeKubernetesProtobuf(obj: Obj): Uint8Array {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const message = (kind === 'DeleteOptions' ? deleteOptionsMessage : kinds.get(`${apiVersion}/${kind}`)) ?? 'TypeMeta';
  const raw = message === 'TypeMeta' ? new Uint8Array() : encodeMessage(message, obj);
  const unknown = new WireWriter()
    .bytes(1, sub((s) => s.string(1, apiVersion).string(2, kind)))
    .bytes(2, raw)
    .finish();
  return Uint8Array.from([...protobufMagic, ...unknown]);
}

