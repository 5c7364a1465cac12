// `svclab supervise` (internal): the detached process `svclab up` starts.
import { readFileSync } from 'node:fs';
import { createLogger, parseLogLevel } from '@svclab/telemetry';
import { stateLayout } from '../cluster/layout.js';
import type { Plan } from '../cluster/plan.js';
import { Supervisor } from '../cluster/supervisor.js';

export async function supervise(): Promise<number> {
  const layout = stateLayout();
  const logger = createLogger({ component: 'supervisor', level: parseLogLevel(process.env['LOG_LEVEL']) });
  const plan = JSON.parse(readFileSync(layout.plan, 'utf8')) as Plan;
  const sup = new Supervisor({ plan, logsDir: layout.logs, pidsFile: layout.pids, logger });
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      logger.info('stopping');
      void sup.stop().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await sup.start();
  logger.info('all components started');
  await stopped;
  return 0;
}
