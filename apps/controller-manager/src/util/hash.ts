// Stable template hashes as the workload controllers label pods with (pod-template-hash,
// controller-revision-hash): FNV-32a over a canonical JSON, printed in decimal and then encoded
// with upstream's SafeEncodeString alphabet (no vowels, no ambiguous characters).

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += alphabet[ch.charCodeAt(0) % alphabet.length] ?? 'b';
  return out;
}

/** upstream controller.ComputeHash(template, collisionCount) in spirit: stable for equal templates. */
export function computeHash(template: unknown, collisionCount = 0): string {
  return safeEncodeString(
    String(fnv32a(canonical(template) + (collisionCount > 0 ? String(collisionCount) : ''))),
  );
}

/** Five lowercase alphanumerics, as the apiserver's generateName suffix. */
export function randomSuffix(rand: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(rand() * alphabet.length)] ?? 'b';
  return s;
}
