// A wire-level reply cache (what fast authoritative servers do): the encoded reply to a query is kept
// keyed by every byte of the query after the ID, and a repeat of the same query is answered by
// copying those bytes and patching in the new ID, without parsing, the plugin chain or encoding.
// Only replies a plugin marked `stable` (they depend on nothing but the question and the objects) are
// kept, and everything is dropped when the objects change (ObjectSource.generation()). Replies of
// the cache plugin (`aging`) are kept too: each reuse asks the plugin whether its entry is still
// there and rewrites every TTL to the stored TTL minus the whole seconds elapsed, as the plugin would.
import type { QuerySlot } from './metrics.js';

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
  /** Filled by the server on first use: the resolved metrics per address family ("1", "2"). */
  readonly slots: Partial<Record<string, QuerySlot>>;
  /** A cache plugin reply: where its TTLs are and what they were when stored. */
  readonly aging?: {
    readonly reuse: () => number | undefined;
    readonly offsets: readonly number[];
    readonly stored: readonly number[];
  };
}

/** Where the TTL of every record is (OPT excluded: its TTL field holds flags), or undefined if odd. */
export function ttlOffsets(msg: Buffer): number[] | undefined {
  const skipName = (off: number): number => {
    for (;;) {
      const len = msg[off];
      if (len === undefined) return -1;
      if (len === 0) return off + 1;
      if ((len & 0xc0) === 0xc0) return off + 2;
      if ((len & 0xc0) !== 0) return -1;
      off += len + 1;
    }
  };
  let off = 12;
  for (let i = msg.readUInt16BE(4); i > 0; i--) {
    off = skipName(off);
    if (off < 0) return undefined;
    off += 4;
  }
  const out: number[] = [];
  const records = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  for (let i = 0; i < records; i++) {
    off = skipName(off);
    if (off < 0 || off + 10 > msg.length) return undefined;
    if (msg.readUInt16BE(off) !== 41) out.push(off + 4);
    off += 10 + msg.readUInt16BE(off + 8);
  }
  return off === msg.length ? out : undefined;
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
    // One string per query: UDP keys are the bytes alone, TCP keys (rare) carry a marker.
    return transport === 'udp'
      ? query.toString('latin1', 2)
      : `\u0100${query.toString('latin1', 2)}`;
  }

  /** The cached entry for `key`, or undefined; drops everything first when the objects changed. */
  get(key: string): CachedReply | undefined {
    this.checkGeneration();
    return this.entries.get(key);
  }

  /** Keeps `reply` (its ID is ignored) for `key`; `aging` as the cache plugin set it on the reply. */
  set(
    key: string,
    reply: Buffer,
    labels: Pick<CachedReply, 'type' | 'rcode' | 'plugin'> & {
      readonly aging?: { readonly elapsed: number; readonly reuse: () => number | undefined };
    },
  ): void {
    if (reply.length > REPLY_CACHE_MAX_REPLY || reply.length < 12) return;
    let aging: CachedReply['aging'];
    if (labels.aging) {
      const offsets = ttlOffsets(reply);
      if (!offsets) return;
      const elapsed = labels.aging.elapsed;
      aging = {
        reuse: labels.aging.reuse,
        offsets,
        stored: offsets.map((o) => reply.readUInt32BE(o) + elapsed),
      };
    }
    this.checkGeneration();
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    const bytes = Buffer.from(reply);
    bytes.writeUInt16BE(0, 0);
    this.entries.set(key, {
      bytes,
      type: labels.type,
      rcode: labels.rcode,
      plugin: labels.plugin,
      slots: {},
      ...(aging ? { aging } : {}),
    });
  }

  /**
   * A fresh copy of the reply cached under `key` (`entry`, from get) with `id` in its header and
   * its TTLs aged; undefined (and the entry dropped) when the cache plugin no longer has it.
   */
  replyTo(key: string, entry: CachedReply, id: number): Buffer | undefined {
    let elapsed = 0;
    if (entry.aging) {
      const e = entry.aging.reuse();
      if (e === undefined) {
        this.entries.delete(key);
        return undefined;
      }
      elapsed = e;
    }
    const out = Buffer.allocUnsafe(entry.bytes.length);
    entry.bytes.copy(out);
    out.writeUInt16BE(id, 0);
    if (entry.aging) {
      const { offsets, stored } = entry.aging;
      for (let i = 0; i < offsets.length; i++)
        out.writeUInt32BE(Math.max(0, (stored[i] ?? 0) - elapsed), offsets[i] ?? 0);
    }
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
