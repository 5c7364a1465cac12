// The worker loop every controller shares (HOUSE_STYLE §6): get a key, sync it, forget on
// success, requeue rate-limited on failure while numRequeues < maxRetries.
import type { RateLimitingQueue } from '@svclab/client';
import type { Logger } from '@svclab/telemetry';

/** Upstream's maxRetries for workload controllers (15: 5 ms · 2^14 ≈ 82 s before giving up). */
export const MaxRetries = 15;

export async function runWorkers(
  queue: RateLimitingQueue<string>,
  opts: { workers: number; name: string; logger: Logger },
  sync: (key: string) => Promise<void>,
): Promise<void> {
  const one = async (): Promise<void> => {
    for (;;) {
      const { item: key, shutdown } = await queue.get();
      if (shutdown) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        opts.logger.warn('sync failed', {
          controller: opts.name,
          key,
          err: err instanceof Error ? err.message : String(err),
        });
        if (queue.numRequeues(key) < MaxRetries) queue.addRateLimited(key);
        else queue.forget(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, one));
}

/** Resolves when `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
}

/** Runs `workers` workers on `queue` until `signal` aborts, then shuts the queue down and waits. */
export async function runUntilAborted(
  queue: RateLimitingQueue<string>,
  opts: { workers: number; name: string; logger: Logger; signal: AbortSignal },
  sync: (key: string) => Promise<void>,
): Promise<void> {
  const w = runWorkers(queue, opts, sync);
  await untilAborted(opts.signal);
  queue.shutDown();
  await w;
}
