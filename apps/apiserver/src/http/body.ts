// Reads and decodes request bodies: JSON or YAML, at most 3 MiB (upstream MaxRequestBodyBytes).
import type { Request } from 'express';
import { parse as parseYAML } from 'yaml';
import { newBadRequest, newRequestEntityTooLarge, newUnsupportedMediaType } from '@svclab/apimachinery';
import { decodeKubernetesProtobuf, protobufMediaType } from '../protobuf/decode.js';

/** 3 MiB, upstream's DefaultMaxRequestSizeBytes. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export type BodyFormat = 'json' | 'yaml';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function patchTypeOf(mt: string): PatchType | undefined {
  switch (mt) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      return undefined;
  }
}

function formatOf(mt: string): BodyFormat | undefined {
  if (mt === '' || mt === 'application/json' || mt === '*/*') return 'json';
  if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') return 'yaml';
  if (mt === 'application/apply-patch+yaml') return 'yaml';
  if (patchTypeOf(mt) !== undefined) return 'json';
  return undefined;
}

export async function readRaw(req: Request, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw newRequestEntityTooLarge(`limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw newRequestEntityTooLarge(`limit is ${limit}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Decodes the body by Content-Type; 415 for unknown types, 400 for malformed input. */
export async function readBody(req: Request): Promise<unknown> {
  const mt = mediaType(req);
  if (mt === protobufMediaType) {
    const raw = await readRaw(req);
    if (raw.length === 0) throw newBadRequest('the body of the request was empty');
    return decodeKubernetesProtobuf(raw);
  }
  const format = formatOf(mt);
  if (format === undefined) throw newUnsupportedMediaType(mt);
  const raw = await readRaw(req);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw newBadRequest('the body of the request was empty');
  try {
    return format === 'json' ? (JSON.parse(text) as unknown) : (parseYAML(text) as unknown);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw newBadRequest(
      format === 'json' ? `couldn't get version/kind; json parse error: ${msg}` : `error converting YAML to JSON: ${msg}`,
    );
  }
}

/** The decoded body as a Kubernetes object, or 400. */
export function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw newBadRequest("Object 'Kind' is missing in the request body");
  }
  return v as Record<string, unknown>;
}
