// Runs a Plan: starts components in order (each waits for the previous one's readiness only when
// it is part of the substrate), restarts those that die with capped backoff, stops all on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@svclab/telemetry';
import type { ComponentSpec, Plan } from './plan.js';
import { waitReady } from './readiness.js';

const minBackoffMs = 500;
const maxBackoffMs = 30_000;
/** A run this long resets the backoff. */
const stableRunMs = 60_000;

interface Running {
  readonly spec: ComponentSpec;
  child?: ChildProcess;
  backoffMs: number;
  startedAt: number;
  restarts: number;
}

export interface SupervisorOptions {
  readonly plan: Plan;
  readonly logsDir: string;
  readonly pidsFile: string;
  readonly logger: Logger;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {}

  async start(): Promise<void> {
    for (const spec of this.opts.plan.components) {
      const r: Running = { spec, backoffMs: minBackoffMs, startedAt: 0, restarts: 0 };
      this.running.set(spec.name, r);
      this.launch(r);
      // The substrate and the apiserver come up before anything that depends on them.
      if (['nats', 'redis', 'apiserver'].includes(spec.name)) {
        if (!(await waitReady(spec.ready, 60_000, spec.readyCA === undefined ? {} : { ca: spec.readyCA }))) {
          this.opts.logger.error('component did not become ready', { component: spec.name });
        }
      }
    }
  }

  private launch(r: Running): void {
    const log = createWriteStream(join(this.opts.logsDir, `${r.spec.name}.log`), { flags: 'a' });
    const child = spawn(r.spec.command, [...r.spec.args], {
      env: { ...process.env, ...r.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    r.child = child;
    r.startedAt = Date.now();
    this.writePids();
    this.opts.logger.info('started', { component: r.spec.name, pid: child.pid });
    child.once('exit', (code, signal) => {
      log.end();
      if (this.stopping) return;
      if (Date.now() - r.startedAt > stableRunMs) r.backoffMs = minBackoffMs;
      this.opts.logger.warn('exited; restarting', { component: r.spec.name, code, signal, inMs: r.backoffMs });
      const delay = r.backoffMs;
      r.backoffMs = Math.min(maxBackoffMs, r.backoffMs * 2);
      r.restarts++;
      setTimeout(() => {
        if (!this.stopping) this.launch(r);
      }, delay);
    });
  }

  private writePids(): void {
    const pids: Record<string, { pid: number | undefined; restarts: number }> = {};
    for (const [name, r] of this.running) pids[name] = { pid: r.child?.pid, restarts: r.restarts };
    writeFileSync(this.opts.pidsFile, JSON.stringify(pids, null, 2));
  }

  /** SIGTERM to every component in reverse start order; SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const r of [...this.running.values()].reverse()) {
      const c = r.child;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => c.once('exit', () => { resolve(); }));
      c.kill('SIGCONT');
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    }
  }
}
