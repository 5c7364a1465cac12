// Lameduck shutdown, as CoreDNS's health plugin does it: on SIGTERM or SIGINT /health turns
// unhealthy at once and queries are still answered for `ms`; then `stop` runs, the HTTP server
// closes and the process exits 0. Later signals are ignored.
import type { Server } from 'node:http';
import type { Logger } from '@svclab/telemetry';

export interface LameduckOptions {
  readonly logger: Logger;
  readonly ms: number;
  readonly http: Server;
  /** Runs once, when the first signal arrives (e.g. make /health answer 503). */
  readonly onSignal: () => void;
  /** Stops serving DNS, after the lameduck period. */
  readonly stop: () => Promise<void>;
}

export function exitAfterLameduck(opts: LameduckOptions): void {
  let started = false;
  const begin = (signal: string): void => {
    if (started) return;
    started = true;
    opts.onSignal();
    opts.logger.info('lameduck', { signal, ms: opts.ms });
    setTimeout(() => {
      const httpClosed = new Promise<void>((r) => {
        opts.http.close(() => {
          r();
        });
      });
      void Promise.all([opts.stop(), httpClosed]).then(() => {
        opts.logger.info('stopped');
        process.exit(0);
      });
      opts.http.closeAllConnections();
    }, opts.ms).unref();
  };
  process.on('SIGTERM', () => {
    begin('SIGTERM');
  });
  process.on('SIGINT', () => {
    begin('SIGINT');
  });
}
