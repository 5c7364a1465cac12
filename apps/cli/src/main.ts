#!/usr/bin/env node
// `svclab`: the command line of the fake cluster.
import { curl } from './commands/curl.js';
import { demo } from './commands/demo.js';
import { dig } from './commands/dig.js';
import { down } from './commands/down.js';
import { pki } from './commands/pki.js';
import { proxyRules } from './commands/proxy-rules.js';
import { rules } from './commands/rules.js';
import { trace } from './commands/trace.js';
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
  demo                                          apply the seed Services and echo workloads behind them
  curl --node NODE URL [-v]                     HTTP from NODE through its kube-proxy SOCKS5 entry
  dig NAME [TYPE] [--pod NS/NAME]               resolve as a pod does (search path, ndots:5), with the query log
  rules NODE [--format iptables|ipvs|json]      the rules NODE's kube-proxy programmed
  proxy-rules --from FILE --node NAME [...]     render kube-proxy rules offline from a file
  trace [--last N]                              recent traces from Jaeger as text waterfalls
  pki --dir DIR                                 make a cluster CA and apiserver certificate (docker compose)
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
    case 'demo':
      return demo(rest, io);
    case 'curl':
      return curl(rest, io);
    case 'dig':
      return dig(rest, io);
    case 'rules':
      return rules(rest, io);
    case 'proxy-rules':
      return proxyRules(rest, io);
    case 'trace':
      return trace(rest, io);
    case 'pki':
      return pki(rest, io);
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
