// Decoding only `metadata` of an API object's JSON text. Writers that need just the stored
// object's resourceVersion/generation/uid (the EndpointSlice controller's tracker) skip parsing a
// 15 KB slice or an 8 KB Endpoints answer to throw the endpoints away.
import type { ObjectMeta } from '@svclab/api';

/** What a write answered with when only the stored object's metadata was asked for. */
export interface WrittenObject {
  readonly metadata: ObjectMeta;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string starting at `i` (a quote), or -1 when unterminated. */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return -1;
}

/** Index just past the object or array starting at `i`, or -1 when unterminated. */
function endOfContainer(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = endOfString(text, j) - 1;
      if (j < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/**
 * The text of the top-level `metadata` value when it comes before any object or array value
 * (as in every object the apiserver encodes: apiVersion, kind, metadata, …); undefined otherwise.
 */
function metadataText(text: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = endOfString(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\')) return undefined;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    const c = text.charCodeAt(i);
    if (key === 'metadata') {
      if (c !== OPEN_BRACE) return undefined;
      const end = endOfContainer(text, i);
      return end < 0 ? undefined : text.slice(i, end);
    }
    // Anything but a short scalar before metadata: let JSON.parse read the whole text.
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return undefined;
    if (c === QUOTE) {
      i = endOfString(text, i);
      if (i < 0) return undefined;
    } else {
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === COMMA || d === CLOSE_BRACE || isSpace(d)) break;
        i++;
      }
    }
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== COMMA) return undefined;
    i++;
  }
}

/**
 * `{ metadata }` of the object encoded in `text`, equal to `{ metadata: JSON.parse(text).metadata }`
 * for the JSON the apiserver writes (one `metadata` key). Parses only the metadata when it comes
 * first among the object's non-scalar fields; otherwise parses the whole text. Throws a
 * SyntaxError for text that is not JSON.
 */
export function decodeMetadata(text: string): WrittenObject {
  const meta = metadataText(text);
  if (meta !== undefined) return { metadata: JSON.parse(meta) as ObjectMeta };
  const obj = JSON.parse(text) as { metadata?: ObjectMeta } | null;
  return { metadata: obj?.metadata ?? {} };
}
