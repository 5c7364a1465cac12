#!/usr/bin/env node
// `svclab`: the command line of the fake cluster.
import { down } from './commands/down.js';
import { isChaosVerb, signalComponent } from './commands/signal.js';
import { status } from './commands/status.js';
import { supervise } from './commands/supervise.js';
import { up } from './commands/up.js';
import type { Io } from './io.js';

const usage = `usage: svclab <command>
  up [--nodes N] [--proxy-mode iptables|ipvs]   start a local cluster in the background
  down                                          stop it
  status                                        health of every component
  kill|pause|resume|restart COMPONENT           chaos building blocks
`;

const io: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

async function run(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return up(rest, io);
    case 'down':
      return down(rest, io);
    case 'status':
      return status(rest, io);
    case 'supervise':
      return supervise();
    case undefined:
    case 'help':
    case '--help':
      io.stdout(usage);
      return cmd === undefined ? 2 : 0;
    default:
      if (isChaosVerb(cmd)) return signalComponent(cmd, rest, io);
      io.stderr(`svclab: unknown command "${cmd}"\n${usage}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`svclab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
