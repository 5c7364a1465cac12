// Opaque list continuation tokens, shaped like upstream's ({"v":"meta.k8s.io/v1","rv":N,"start":key}).
import { newBadRequest } from '@svclab/apimachinery';

export interface ContinueToken {
  /** The store revision of the first page. */
  readonly rv: number;
  /** Continue after this `namespace/name` key (exclusive). */
  readonly start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

/** Decodes a token; anything malformed → 400 as upstream (`continue key is not valid`). */
export function decodeContinue(s: string): ContinueToken {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (v.v === 'meta.k8s.io/v1' && typeof v.rv === 'number' && typeof v.start === 'string') {
      return { rv: v.rv, start: v.start };
    }
  } catch {
    // fall through
  }
  throw newBadRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
