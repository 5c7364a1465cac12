// `svclab down`: stops the supervisor, which stops every component.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { StateLayout } from '../cluster/layout.js';
import { stateLayout } from '../cluster/layout.js';
import type { Io } from '../io.js';

function pidOf(layout: StateLayout): number | undefined {
  if (!existsSync(layout.supervisorPid)) return undefined;
  const pid = Number(readFileSync(layout.supervisorPid, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function supervisorAlive(layout: StateLayout): boolean {
  const pid = pidOf(layout);
  return pid !== undefined && alive(pid);
}

export async function down(_argv: readonly string[], io: Io): Promise<number> {
  const layout = stateLayout();
  const pid = pidOf(layout);
  if (pid === undefined || !alive(pid)) {
    io.stdout('svclab: no cluster is running\n');
    rmSync(layout.supervisorPid, { force: true });
    return 0;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    io.stderr('svclab: supervisor did not stop in 30 s; killed\n');
  }
  rmSync(layout.supervisorPid, { force: true });
  io.stdout('svclab: cluster stopped\n');
  return 0;
}
