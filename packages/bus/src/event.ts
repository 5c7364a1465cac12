// The watch-event wire format: what the apiserver appends to a resource's change stream in Redis
// and publishes on NATS. One format for both, so a replayed event is byte-identical to a live one.
import type { KubeObject, Status } from '@svclab/api';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  readonly type: ChangeType;
  /** Plural resource name from the register, e.g. `services`. */
  readonly resource: string;
  /** '' for cluster-scoped resources. */
  readonly namespace: string;
  readonly name: string;
  /** Global store revision of this change; equals the object's metadata.resourceVersion. */
  readonly rev: number;
  /**
   * Revision of the previous event in this resource's stream (0 for the first). A watcher whose
   * last applied revision differs from `prev` has missed events and must replay.
   */
  readonly prev: number;
  /** The object after the change; for DELETED, its last state stamped with `rev`. */
  readonly object: KubeObject;
  /** W3C traceparent of the write that caused the change, when it was traced. */
  readonly traceparent?: string;
  /** RFC 3339 time of the commit. */
  readonly time: string;
}

/** Body of a replay request: every event with `rev > fromRev`, oldest first. */
export interface ReplayRequest {
  readonly fromRev: number;
  /** Upper bound on events in one reply (default 1000); `more` says whether to ask again. */
  readonly limit?: number;
}

export type ReplayReply =
  | { readonly events: ChangeEvent[]; readonly more: boolean; readonly currentRev: number }
  /** `410 Expired` when `fromRev` was compacted away: the watcher must re-list. */
  | { readonly error: Status };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeJSON(v: unknown): Uint8Array {
  return enc.encode(JSON.stringify(v));
}

/**
 * Parses a JSON message body. The result is unchecked wire data: callers assert the message type
 * they subscribed for (`decodeJSON(msg.data) as ChangeEvent`), so the cast stays visible at the call site.
 */
export function decodeJSON(data: Uint8Array): unknown {
  return JSON.parse(dec.decode(data));
}
