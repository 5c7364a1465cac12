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

/**
 * The whole body. Plain stream events rather than `for await`: the async iterator costs a promise
 * and an end-of-stream watcher per chunk, a measurable share of a small create's CPU.
 */
export function readRaw(req: Request, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    return Promise.reject(newRequestEntityTooLarge(`limit is ${limit}`));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.resume(); // drain the rest; the 413 goes out meanwhile
        reject(newRequestEntityTooLarge(`limit is ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      done();
      reject(new Error('the request was closed before its body was read'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
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
