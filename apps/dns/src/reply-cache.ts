// A wire-level reply cache (what fast authoritative servers do): the encoded reply to a query is kept
// keyed by every byte of the query after the ID, and a repeat of the same query is answered by
// copying those bytes and patching in the new ID, without parsing, the plugin chain or encoding.
// A lookup allocates nothing: the key is a hash over the query bytes (no string per query), and the
// bytes are compared in place.
// Only replies a plugin marked `stable` (they depend on nothing but the question and the objects) are
// kept, and everything is dropped when the objects change (ObjectSource.generation()). Replies of
// the cache plugin (`aging`) are kept too: each reuse asks the plugin whether its entry is still
// there and rewrites every TTL to the stored TTL minus the whole seconds elapsed, as the plugin would.
import type { QuerySlot } from './metrics.js';

export type Transport = 'udp' | 'tcp';

/** Entries kept at most; the oldest goes first when full (≈ 150 bytes each). */
export const REPLY_CACHE_ENTRIES = 32_768;
/** Replies larger than this are not kept (bytes); they are rare and costly to hold. */
export const REPLY_CACHE_MAX_REPLY = 4096;

/** What the server needs to count a cached reply as it counted the first one. */
export interface CachedReply {
  /** The transport the query came over (the size limit differs) and its bytes after the ID (a copy). */
  readonly transport: Transport;
  readonly query: Buffer;
  /** queryHash of the query: where the cache keeps the entry. */
  readonly hash: number;
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

/** A reply handed to ReplyCache.set: its bytes and labels, `aging` as the cache plugin set it. */
export interface ReplyToKeep extends Pick<CachedReply, 'type' | 'rcode' | 'plugin'> {
  readonly bytes: Buffer;
  readonly aging?: { readonly elapsed: number; readonly reuse: () => number | undefined };
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

/** An entry and the next one with the same hash (collisions are chained; they are rare). */
interface Slot extends CachedReply {
  next: Slot | undefined;
  /** A reply buffer given back by `release`, handed out by the next `replyTo` instead of a new one. */
  spare: Buffer | undefined;
}

/** FNV-1a seeds per transport, so a UDP and a TCP query with the same bytes hash apart. */
const SEED: Readonly<Record<Transport, number>> = { udp: 0x811c9dc5, tcp: 0x050c5d1f };

/** The hash of `query` after its ID: FNV-1a over the bytes, folded to 30 bits (a V8 small integer). */
export function queryHash(query: Buffer, transport: Transport): number {
  let h = SEED[transport];
  for (let i = 2; i < query.length; i++) h = Math.imul(h ^ (query[i] ?? 0), 0x01000193);
  return (h ^ (h >>> 30)) & 0x3fffffff;
}

/** Whether `slot` was stored for `query` (every byte after the ID equal) over `transport`. */
function matches(slot: Slot, query: Buffer, transport: Transport): boolean {
  const q = slot.query;
  if (slot.transport !== transport || q.length !== query.length - 2) return false;
  for (let i = 0; i < q.length; i++) if (q[i] !== query[i + 2]) return false;
  return true;
}

export class ReplyCache {
  /** Chains by hash; the Map keeps insertion order, so its first chain holds the oldest entry. */
  private readonly chains = new Map<number, Slot>();
  private count = 0;
  private generation: number;

  /** `generation` changes whenever anything an answer reads changes; it is read on every lookup. */
  constructor(
    private readonly currentGeneration: () => number,
    private readonly capacity = REPLY_CACHE_ENTRIES,
  ) {
    this.generation = currentGeneration();
  }

  get size(): number {
    return this.count;
  }

  /**
   * The entry for `query` (a whole query, ID included) over `transport`, or undefined; drops
   * everything first when the objects changed. Allocates nothing.
   */
  get(query: Buffer, transport: Transport): CachedReply | undefined {
    this.checkGeneration();
    if (query.length < 12) return undefined;
    let slot = this.chains.get(queryHash(query, transport));
    while (slot !== undefined && !matches(slot, query, transport)) slot = slot.next;
    return slot;
  }

  /** Keeps `reply.bytes` (its ID is ignored) for `query` over `transport`. */
  set(query: Buffer, transport: Transport, reply: ReplyToKeep): void {
    const { bytes: replyBytes, ...labels } = reply;
    if (replyBytes.length > REPLY_CACHE_MAX_REPLY || replyBytes.length < 12 || query.length < 12)
      return;
    let aging: CachedReply['aging'];
    if (labels.aging) {
      const offsets = ttlOffsets(replyBytes);
      if (!offsets) return;
      const elapsed = labels.aging.elapsed;
      aging = {
        reuse: labels.aging.reuse,
        offsets,
        stored: offsets.map((o) => replyBytes.readUInt32BE(o) + elapsed),
      };
    }
    this.checkGeneration();
    const hash = queryHash(query, transport);
    this.remove(hash, query, transport);
    if (this.count >= this.capacity) this.evictOldest();
    const bytes = Buffer.from(replyBytes);
    bytes.writeUInt16BE(0, 0);
    const slot: Slot = {
      transport,
      query: Buffer.from(query.subarray(2)),
      hash,
      next: undefined,
      spare: undefined,
      bytes,
      type: labels.type,
      rcode: labels.rcode,
      plugin: labels.plugin,
      slots: {},
      ...(aging ? { aging } : {}),
    };
    const head = this.chains.get(hash);
    if (head === undefined) this.chains.set(hash, slot);
    else {
      let last = head;
      while (last.next !== undefined) last = last.next;
      last.next = slot;
    }
    this.count++;
  }

  /**
   * The reply in `entry` (from get) with `id` in its header and its TTLs aged, in a buffer the caller
   * owns: a new copy, or the one last given back with `release`; undefined (and the entry dropped)
   * when the cache plugin no longer has it.
   */
  replyTo(entry: CachedReply, id: number): Buffer | undefined {
    const slot = entry as Slot;
    let elapsed = 0;
    if (entry.aging) {
      const e = entry.aging.reuse();
      if (e === undefined) {
        this.drop(entry);
        return undefined;
      }
      elapsed = e;
    }
    let out = slot.spare;
    if (out === undefined) {
      out = Buffer.allocUnsafe(entry.bytes.length);
      entry.bytes.copy(out);
    } else slot.spare = undefined; // Equal to `bytes` but for the ID and the TTLs, both set below.
    out.writeUInt16BE(id, 0);
    if (entry.aging) {
      const { offsets, stored } = entry.aging;
      for (let i = 0; i < offsets.length; i++)
        out.writeUInt32BE(Math.max(0, (stored[i] ?? 0) - elapsed), offsets[i] ?? 0);
    }
    return out;
  }

  /**
   * Gives `out`, a reply of `entry` from replyTo, back for the next replyTo of the same entry.
   * NOTE: only once nothing reads `out` any more: a datagram dgram has queued (a full socket buffer)
   * is read when it goes out, after later queries, which would find their IDs in it.
   */
  release(entry: CachedReply, out: Buffer): void {
    if (out.length === entry.bytes.length) (entry as Slot).spare = out;
  }

  /** Removes `entry` (from get) if it is still held. */
  private drop(entry: CachedReply): void {
    const head = this.chains.get(entry.hash);
    if (head === undefined) return;
    for (let s: Slot | undefined = head; s !== undefined; s = s.next)
      if (s === entry) {
        this.unlink(entry.hash, head, entry);
        return;
      }
  }

  /** Removes the entry stored for `query` under `hash`, if any. */
  private remove(hash: number, query: Buffer, transport: Transport): void {
    const head = this.chains.get(hash);
    if (head === undefined) return;
    for (let s: Slot | undefined = head; s !== undefined; s = s.next)
      if (matches(s, query, transport)) {
        this.unlink(hash, head, s);
        return;
      }
  }

  private unlink(hash: number, head: Slot, entry: CachedReply): void {
    this.count--;
    if (head === entry) {
      if (head.next === undefined) this.chains.delete(hash);
      // The chain keeps its place in the Map's order: its next entry is younger, but close enough.
      else this.chains.set(hash, head.next);
      return;
    }
    for (let s = head; s.next !== undefined; s = s.next)
      if (s.next === entry) {
        s.next = s.next.next;
        return;
      }
  }

  /** Drops the oldest entry: the head of the first chain in insertion order. */
  private evictOldest(): void {
    const first = this.chains.entries().next();
    if (first.done === true) return;
    const [hash, head] = first.value;
    this.unlink(hash, head, head);
  }

  private checkGeneration(): void {
    const g = this.currentGeneration();
    if (g !== this.generation) {
      this.chains.clear();
      this.count = 0;
      this.generation = g;
    }
  }
}
