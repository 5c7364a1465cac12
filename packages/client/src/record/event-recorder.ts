// core/v1 Events, as client-go's record.EventRecorder writes them: one Event per distinct
// (source, involved object, type, reason, message), named `<object>.<hex nanoseconds>` (so a
// recorder's Events of one object list in the order they happened); a repeat of the same
// event within the cache's reach bumps that Event's `count` and `lastTimestamp` with a PATCH
// (the EventCorrelator's dedup, which `kubectl describe` prints as "(x3 over 40s)").
// Recording never throws and never blocks the caller: failures are logged.
import type { Event, ObjectReference } from '@svclab/api';
import { isNotFound } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { PatchType, type ClientSet } from '../rest-client.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(ref: ObjectReference, e: { type: EventType; reason: string; message: string }): void;
}

/** Who records: `component` as upstream names it (`kubelet`, `default-scheduler`), `host` a node. */
export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export interface EventRecorderOptions {
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** Distinct events remembered for dedup; client-go's LRU holds 4096. */
  readonly cacheSize?: number;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  /** Writes of one event run in order: a PATCH never overtakes its create. */
  pending: Promise<void>;
}

const defaultCacheSize = 4096;

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** What makes two events the same one (client-go's aggregate key plus the message). */
function dedupKey(
  source: EventSource,
  ref: ObjectReference,
  { type, reason, message }: { type: string; reason: string; message: string },
): string {
  return [
    source.component,
    source.host ?? '',
    ref.kind ?? '',
    ref.namespace ?? '',
    ref.name ?? '',
    ref.uid ?? '',
    ref.apiVersion ?? '',
    ref.fieldPath ?? '',
    type,
    reason,
    message,
  ].join('\u0000');
}

export function newEventRecorder(
  client: ClientSet,
  source: EventSource,
  opts: EventRecorderOptions = {},
): EventRecorder {
  const now = opts.now ?? ((): Date => new Date());
  const cacheSize = opts.cacheSize ?? defaultCacheSize;
  const seen = new Map<string, Seen>();
  // Strictly increasing name suffixes, from the wall clock in nanoseconds (upstream: UnixNano).
  let lastSuffix = 0n;
  const events = client.resource('events');

  const warn = (reason: string, ref: ObjectReference, err: unknown): void => {
    opts.logger?.warn('could not record event', {
      reason,
      object: `${ref.namespace ?? ''}/${ref.name ?? ''}`,
      err: err instanceof Error ? err.message : String(err),
    });
  };

  const create = async (
    ref: ObjectReference,
    e: { type: EventType; reason: string; message: string },
    entry: Seen,
  ): Promise<void> => {
    const at = rfc3339(now());
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: entry.name, namespace: entry.namespace },
      involvedObject: ref,
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: {
        component: source.component,
        ...(source.host === undefined ? {} : { host: source.host }),
      },
      firstTimestamp: at,
      lastTimestamp: at,
      count: entry.count,
      reportingComponent: source.component,
      reportingInstance: source.host ?? source.component,
    };
    await events.namespace(entry.namespace).create(ev);
  };

  return {
    event(ref, e) {
      const key = dedupKey(source, ref, e);
      const old = seen.get(key);
      if (old !== undefined) {
        // Most recently used last, so the first key is the one to evict.
        seen.delete(key);
        seen.set(key, old);
        old.count++;
        const count = old.count;
        old.pending = old.pending
          .then(async () => {
            try {
              await events.namespace(old.namespace).patch(old.name, {
                type: PatchType.MergePatch,
                data: { count, lastTimestamp: rfc3339(now()) },
              });
            } catch (err) {
              // The Event expired or was deleted: start a new one with the count so far.
              if (!isNotFound(err)) throw err;
              await create(ref, e, old);
            }
          })
          .catch((err: unknown) => {
            warn(e.reason, ref, err);
          });
        return;
      }
      const clock = BigInt(now().getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1000));
      lastSuffix = clock > lastSuffix ? clock : lastSuffix + 1n;
      const suffix = lastSuffix.toString(16);
      const entry: Seen = {
        name: `${ref.name ?? ''}.${suffix}`,
        namespace: ref.namespace === undefined || ref.namespace === '' ? 'default' : ref.namespace,
        count: 1,
        pending: Promise.resolve(),
      };
      seen.set(key, entry);
      if (seen.size > cacheSize) {
        const first = seen.keys().next();
        if (first.done !== true) seen.delete(first.value);
      }
      entry.pending = create(ref, e, entry).catch((err: unknown) => {
        // A failed create leaves nothing to PATCH: the next repeat starts over.
        if (seen.get(key) === entry) seen.delete(key);
        warn(e.reason, ref, err);
      });
    },
  };
}
