// Runs one Pod on this node: a workload per container, readiness and liveness probes, restarts
// after a crash or a liveness failure (restartCount, CrashLoopBackOff-style backoff), and reports
// every change of its runtime state through `onChange`.
import type { Container, ContainerState, Pod } from '@svclab/api';
import type { Logger } from '@svclab/telemetry';
import { runProbe } from '../probes/probe-check.js';
import { ProbeWorker } from '../probes/prober.js';
import { isImagePullError, startWorkload, type Workload } from '../workloads/index.js';
import type { ContainerRuntimeState, PodRuntimeState } from './pod-status.js';

export interface PodRuntimeOptions {
  readonly node: string;
  readonly hostIP: string;
  readonly podIP: string;
  readonly nodeEntry?: string;
  readonly logger: Logger;
  readonly onChange: (state: PodRuntimeState) => void;
  /** First restart delay; doubles per restart up to 5 minutes, as the kubelet's back-off. Default 10 s. */
  readonly restartBackoffMs?: number;
  readonly now?: () => Date;
}

interface ContainerSlot {
  readonly spec: Container;
  workload?: Workload;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  restartCount: number;
  readiness?: ProbeWorker;
  liveness?: ProbeWorker;
  restartTimer?: NodeJS.Timeout;
}

const maxBackoffMs = 300_000;

export class PodRuntime {
  private readonly slots: ContainerSlot[];
  private readonly startTime: string;
  private stopped = false;

  constructor(
    private readonly pod: Pod,
    private readonly opts: PodRuntimeOptions,
  ) {
    this.startTime = this.now();
    this.slots = (pod.spec?.containers ?? []).map((spec) => ({
      spec,
      state: { waiting: { reason: 'ContainerCreating' } },
      ready: false,
      restartCount: 0,
    }));
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  state(): PodRuntimeState {
    return {
      podIP: this.opts.podIP,
      hostIP: this.opts.hostIP,
      startTime: this.startTime,
      containers: this.slots.map(
        (s): ContainerRuntimeState => ({
          name: s.spec.name,
          image: s.spec.image ?? '',
          state: s.state,
          ...(s.lastState ? { lastState: s.lastState } : {}),
          ready: s.ready,
          restartCount: s.restartCount,
        }),
      ),
    };
  }

  private changed(): void {
    if (!this.stopped) this.opts.onChange(this.state());
  }

  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.startContainer(s)));
    this.changed();
  }

  private async startContainer(slot: ContainerSlot): Promise<void> {
    const env: Record<string, string> = {};
    for (const e of slot.spec.env ?? []) env[e.name] = e.value ?? '';
    const ports = (slot.spec.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' }));
    try {
      const w = await startWorkload(slot.spec.image ?? '', {
        pod: this.pod.metadata.name ?? '',
        namespace: this.pod.metadata.namespace ?? '',
        node: this.opts.node,
        podIP: this.opts.podIP,
        ports,
        env,
        ...(this.opts.nodeEntry === undefined ? {} : { nodeEntry: this.opts.nodeEntry }),
      });
      if (this.stopped) {
        await w.stop();
        return;
      }
      slot.workload = w;
      slot.state = { running: { startedAt: this.now() } };
      w.onExit((code, reason) => {
        void this.restart(slot, { exitCode: code, reason });
      });
      this.startProbes(slot);
    } catch (err) {
      if (isImagePullError(err)) {
        slot.state = { waiting: { reason: 'ErrImagePull', message: err.message } };
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.opts.logger.warn('container failed to start', { pod: this.pod.metadata.name, container: slot.spec.name, err: message });
      slot.state = { terminated: { exitCode: 128, reason: 'StartError', message, finishedAt: this.now() } };
      this.scheduleRestart(slot);
    }
  }

  private startProbes(slot: ContainerSlot): void {
    const rp = slot.spec.readinessProbe;
    if (rp) {
      slot.readiness = new ProbeWorker({
        kind: 'readiness',
        probe: rp,
        check: () => runProbe(rp, slot.spec, this.opts.podIP),
        onChange: (ok) => {
          slot.ready = ok && slot.state.running !== undefined;
          this.changed();
        },
      });
      slot.readiness.start();
    } else {
      slot.ready = true;
    }
    const lp = slot.spec.livenessProbe;
    if (lp) {
      slot.liveness = new ProbeWorker({
        kind: 'liveness',
        probe: lp,
        check: () => runProbe(lp, slot.spec, this.opts.podIP),
        onChange: (ok) => {
          if (!ok) void this.restart(slot, { exitCode: 137, reason: 'Error', message: 'Liveness probe failed' });
        },
      });
      slot.liveness.start();
    }
  }

  private async stopContainer(slot: ContainerSlot): Promise<void> {
    slot.readiness?.stop();
    slot.liveness?.stop();
    slot.readiness = undefined;
    slot.liveness = undefined;
    const w = slot.workload;
    slot.workload = undefined;
    slot.ready = false;
    await w?.stop();
  }

  private async restart(slot: ContainerSlot, why: { exitCode: number; reason: string; message?: string }): Promise<void> {
    if (this.stopped) return;
    this.opts.logger.info('restarting container', { pod: this.pod.metadata.name, container: slot.spec.name, reason: why.reason });
    await this.stopContainer(slot);
    slot.lastState = {
      terminated: {
        exitCode: why.exitCode,
        reason: why.reason,
        ...(why.message === undefined ? {} : { message: why.message }),
        startedAt: slot.state.running?.startedAt ?? this.startTime,
        finishedAt: this.now(),
      },
    };
    slot.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${slot.spec.name}` } };
    this.changed();
    this.scheduleRestart(slot);
  }

  private scheduleRestart(slot: ContainerSlot): void {
    const base = this.opts.restartBackoffMs ?? 10_000;
    const delay = Math.min(maxBackoffMs, base * 2 ** Math.min(slot.restartCount, 16));
    slot.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      slot.restartCount++;
      void this.startContainer(slot).then(() => { this.changed(); });
    }, delay);
  }

  /** Stops every container (end of the grace period, or the pod left this node). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.slots) if (s.restartTimer) clearTimeout(s.restartTimer);
    await Promise.all(this.slots.map((s) => this.stopContainer(s)));
  }
}
