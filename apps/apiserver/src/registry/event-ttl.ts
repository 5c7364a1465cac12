// Events expire a TTL after their last write (kube-apiserver `--event-ttl`, default 1h). Upstream
// puts every Event write under an etcd lease; here a periodic sweep deletes each Event whose last
// write — the latest of lastTimestamp, eventTime, series.lastObservedTime and creationTimestamp —
// is older than the TTL, with the revision it read as precondition, so an Event written again
// meanwhile stays. Each deletion reaches watchers as a DELETED event. Replicas may sweep at once:
// an Event another one deleted first is skipped.
import type { Event } from '@svclab/api';
import { isConflict, isNotFound, parseResourceVersion } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import type { Storage } from '../storage/interface.js';

export interface EventTTLOptions {
  readonly storage: Storage;
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Between sweeps; default a tenth of the TTL, within [1 s, 60 s]. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** When `ev` was last written, as far as its fields tell (ms since the epoch; NaN if none does). */
export function lastWrite(ev: Event): number {
  const series = (ev as Event & { series?: { lastObservedTime?: string } }).series;
  const times = [
    ev.lastTimestamp,
    ev.eventTime,
    series?.lastObservedTime,
    ev.metadata.creationTimestamp,
  ]
    .filter((t): t is string => typeof t === 'string' && t !== '')
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  return times.length === 0 ? NaN : Math.max(...times);
}

/** Deletes the Events older than the TTL once; resolves to how many it deleted. */
export async function sweepExpiredEvents(opts: EventTTLOptions): Promise<number> {
  const now = opts.now?.() ?? Date.now();
  const { items } = await opts.storage.list('events');
  let deleted = 0;
  for (const item of items) {
    const written = lastWrite(item as Event);
    if (Number.isNaN(written) || now - written < opts.ttlMs) continue;
    const m = item.metadata;
    try {
      await opts.storage.delete(
        { resource: 'events', namespace: m.namespace ?? '', name: m.name ?? '' },
        { expectedRev: parseResourceVersion(m.resourceVersion) },
      );
      deleted++;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
  return deleted;
}

/** Sweeps every interval until `stop`; a failed sweep is logged and tried again next time. */
export function startEventTTL(opts: EventTTLOptions): { stop(): void } {
  const interval = opts.intervalMs ?? Math.min(60_000, Math.max(1000, opts.ttlMs / 10));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpiredEvents(opts)
      .then((n) => {
        if (n > 0) opts.logger.debug('expired events deleted', { count: n });
      })
      .catch((err: unknown) => {
        opts.logger.warn('event TTL sweep failed', {
          err: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        running = false;
      });
  }, interval);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
