// A wire-level reply cache (what fast authoritative servers do): the encoded reply to a query is kept
// keyed by every byte of the query after the ID, and a repeat of the same query is answered by
// copying those bytes and patching in the new ID, without parsing, the plugin chain or encoding.
// Only replies a plugin marked `stable` (they depend on nothing but the question and the objects) are
// kept, and everything is dropped when the objects change (ObjectSource.generation()).

/** Entries kept at most; the oldest goes first when full (≈ 150 bytes each). */
export const REPLY_CACHE_ENTRIES = 32_768;
/** Replies larger than this are not kept (bytes); they are rare and costly to hold. */
export const REPLY_CACHE_MAX_REPLY = 4096;

/** What the server needs to count a cached reply as it counted the first one. */
export interface CachedReply {
  /** The reply with ID 0. NOTE: shared, must NOT be modified; `replyTo` copies it. */
  readonly bytes: Buffer;
  /** Labels of coredns_dns_* for this reply. */
  readonly type: string;
  readonly rcode: string;
  readonly plugin: string;
}

export class ReplyCache {
  private readonly entries = new Map<string, CachedReply>();
  private generation: number;

  /** `generation` changes whenever anything an answer reads changes; it is read on every lookup. */
  constructor(
    private readonly currentGeneration: () => number,
    private readonly capacity = REPLY_CACHE_ENTRIES,
  ) {
    this.generation = currentGeneration();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key of a query: its transport (the size limit differs) and every byte after the ID. */
  static key(query: Buffer, transport: 'udp' | 'tcp'): string {
    return (transport === 'udp' ? 'u' : 't') + query.toString('latin1', 2);
  }

  /** The cached entry for `key`, or undefined; drops everything first when the objects changed. */
  get(key: string): CachedReply | undefined {
    this.checkGeneration();
    return this.entries.get(key);
  }

  /** Keeps `reply` (its ID is ignored) for `key`. */
  set(key: string, reply: Buffer, labels: Omit<CachedReply, 'bytes'>): void {
    if (reply.length > REPLY_CACHE_MAX_REPLY || reply.length < 12) return;
    this.checkGeneration();
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    const bytes = Buffer.from(reply);
    bytes.writeUInt16BE(0, 0);
    this.entries.set(key, { bytes, ...labels });
  }

  /** A fresh copy of `entry`'s reply with `id` in its header. */
  static replyTo(entry: CachedReply, id: number): Buffer {
    const out = Buffer.allocUnsafe(entry.bytes.length);
    entry.bytes.copy(out);
    out.writeUInt16BE(id, 0);
    return out;
  }

  private checkGeneration(): void {
    const g = this.currentGeneration();
    if (g !== this.generation) {
      this.entries.clear();
      this.generation = g;
    }
  }
}
