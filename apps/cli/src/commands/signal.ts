// `svclab kill|pause|resume|restart COMPONENT`: the building blocks of chaos, from outside.
import { existsSync, readFileSync } from 'node:fs';
import { stateLayout } from '../cluster/layout.js';
import type { Io } from '../io.js';

const signals = { kill: 'SIGKILL', pause: 'SIGSTOP', resume: 'SIGCONT', restart: 'SIGTERM' } as const;
export type ChaosVerb = keyof typeof signals;

export function isChaosVerb(s: string): s is ChaosVerb {
  return Object.hasOwn(signals, s);
}

/** kill = SIGKILL (a crash; the supervisor restarts it), restart = SIGTERM (graceful), pause/resume = SIGSTOP/SIGCONT. */
export function signalComponent(verb: ChaosVerb, argv: readonly string[], io: Io): number {
  const name = argv[0];
  const layout = stateLayout();
  if (name === undefined) {
    io.stderr(`usage: svclab ${verb} COMPONENT\n`);
    return 2;
  }
  const pids = existsSync(layout.pids)
    ? (JSON.parse(readFileSync(layout.pids, 'utf8')) as Record<string, { pid?: number }>)
    : {};
  const pid = pids[name]?.pid;
  if (pid === undefined) {
    io.stderr(`svclab: no running component "${name}"; known: ${Object.keys(pids).join(', ') || 'none'}\n`);
    return 1;
  }
  process.kill(pid, signals[verb]);
  io.stdout(`svclab: ${verb} ${name} (pid ${pid})\n`);
  return 0;
}
