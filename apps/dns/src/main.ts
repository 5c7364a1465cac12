// dns: a CoreDNS-like cluster DNS. Flags in config.ts (USAGE); env APISERVER_URL, SVCLAB_TOKEN, NATS_URL, LOG_LEVEL.
// With `--workers N` (N > 1) this process is the cluster primary (workers.ts) and forks N workers
// that run this file again and answer queries (serve.ts).
import cluster from 'node:cluster';
import { createLogger, parseLogLevel } from '@svclab/telemetry';
import { ConfigError, parseConfig, type DnsConfig } from './config.js';
import { serve } from './serve.js';
import { runPrimary } from './workers.js';

async function main(): Promise<void> {
  const logger = createLogger({ component: 'dns', level: parseLogLevel(process.env['LOG_LEVEL']) });
  let cfg: DnsConfig;
  try {
    cfg = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError && err.message.startsWith('usage') ? 0 : 2);
  }
  if (cluster.isWorker) await serve(cfg, logger, 'worker');
  else if (cfg.workers > 1) await runPrimary(cfg, logger);
  else await serve(cfg, logger, 'single');
}

void main();
