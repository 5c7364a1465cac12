// `svclab status`: each component's pid, restarts and readiness.
import { existsSync, readFileSync } from 'node:fs';
import { stateLayout } from '../cluster/layout.js';
import type { Plan } from '../cluster/plan.js';
import { probe } from '../cluster/readiness.js';
import type { Io } from '../io.js';
import { supervisorAlive } from './down.js';

export async function status(_argv: readonly string[], io: Io): Promise<number> {
  const layout = stateLayout();
  if (!supervisorAlive(layout) || !existsSync(layout.plan)) {
    io.stdout('svclab: no cluster is running\n');
    return 1;
  }
  const plan = JSON.parse(readFileSync(layout.plan, 'utf8')) as Plan;
  const pids = existsSync(layout.pids)
    ? (JSON.parse(readFileSync(layout.pids, 'utf8')) as Record<string, { pid?: number; restarts: number }>)
    : {};
  io.stdout(`${'COMPONENT'.padEnd(28)}${'PID'.padEnd(9)}${'RESTARTS'.padEnd(10)}READY\n`);
  let allReady = true;
  for (const c of plan.components) {
    const ok = await probe(c.ready, 1000, c.readyCA);
    allReady &&= ok;
    const p = pids[c.name];
    io.stdout(`${c.name.padEnd(28)}${String(p?.pid ?? '-').padEnd(9)}${String(p?.restarts ?? 0).padEnd(10)}${ok ? 'yes' : 'no'}\n`);
  }
  return allReady ? 0 : 1;
}
