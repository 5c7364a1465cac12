// Decodes a `application/vnd.kubernetes.protobuf` request body: the 4-byte magic `k8s\0`, then a
// runtime.Unknown{typeMeta=1{apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4}, whose
// `raw` is the object's own message. Returns the object in its JSON wire shape.
import { StatusError, newBadRequest } from '@svclab/apimachinery';
import { decodeMessage } from './decode-message.js';
import { deleteOptionsMessage, kinds } from './schema.js';
import { WireError, WireReader, WireType } from './wire.js';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

/** The envelope's magic prefix, `k8s\0`. */
export const protobufMagic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface Unknown {
  readonly apiVersion: string;
  readonly kind: string;
  readonly raw: Uint8Array;
  readonly contentEncoding: string;
  readonly contentType: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new WireError('string field is not valid UTF-8');
  }
}

/** Splits the envelope; throws WireError when the magic is missing or the message is malformed. */
export function decodeUnknown(body: Uint8Array): Unknown {
  if (body.length < protobufMagic.length || protobufMagic.some((b, i) => body[i] !== b)) {
    throw new WireError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const r = new WireReader(body, protobufMagic.length);
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  let contentEncoding = '';
  let contentType = '';
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.bytes || field > 4) {
      r.skip(wireType);
      continue;
    }
    const b = r.bytes();
    if (field === 1) {
      const t = new WireReader(b);
      while (!t.done()) {
        const tag = t.tag();
        if (tag.wireType !== WireType.bytes || tag.field > 2) {
          t.skip(tag.wireType);
          continue;
        }
        const s = text(t.bytes());
        if (tag.field === 1) apiVersion = s;
        else kind = s;
      }
    } else if (field === 2) raw = b;
    else if (field === 3) contentEncoding = text(b);
    else contentType = text(b);
  }
  return { apiVersion, kind, raw, contentEncoding, contentType };
}

function unsupportedKind(apiVersion: string, kind: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      `the protobuf body holds ${kind === '' ? 'an object without a kind' : `kind "${kind}"`} ` +
      `(apiVersion "${apiVersion}"), which this server cannot decode from protobuf; ` +
      `send it as application/json or YAML instead (for example kubectl create -f file.yaml), which works`,
    reason: 'UnsupportedMediaType',
    code: 415,
  });
}

/**
 * Decodes a Kubernetes protobuf request body into a JSON-shaped object with apiVersion and kind
 * set. Malformed data → 400 BadRequest; a kind we have no schema for → 415 UnsupportedMediaType.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  try {
    const u = decodeUnknown(body);
    if (u.contentEncoding !== '') {
      throw newBadRequest(`protobuf content encoding "${u.contentEncoding}" is not supported`);
    }
    const message = u.kind === 'DeleteOptions' ? deleteOptionsMessage : kinds.get(`${u.apiVersion}/${u.kind}`);
    if (message === undefined) throw unsupportedKind(u.apiVersion, u.kind);
    return { apiVersion: u.apiVersion, kind: u.kind, ...decodeMessage(message, u.raw) };
  } catch (err) {
    if (err instanceof WireError) throw newBadRequest(`unable to decode protobuf body: ${err.message}`);
    throw err;
  }
}
