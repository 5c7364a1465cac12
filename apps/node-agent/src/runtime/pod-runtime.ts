// Runs one Pod on this node: a workload per container, readiness and liveness probes, restarts
// after a crash or a liveness failure (restartCount, CrashLoopBackOff-style backoff), and reports
// every change of its runtime state through `onChange` and what the kubelet would record as
// Events (Pulled, Created, Started, Failed, Unhealthy, Killing, BackOff) through `onEvent`.
import type { Container, ContainerState, Pod, Probe } from '@svclab/api';
import type { Logger } from '@svclab/telemetry';
import { runProbe, type ProbeOutcome } from '../probes/probe-check.js';
import { ProbeWorker } from '../probes/prober.js';
import { isImagePullError, startWorkload, type Workload } from '../workloads/index.js';
import { ContainerLog } from './container-log.js';
import type { ContainerRuntimeState, PodRuntimeState } from './pod-status.js';

/** A kubelet Event about one container, with the kubelet's reason and wording. */
export interface ContainerEvent {
  readonly container: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface PodRuntimeOptions {
  readonly node: string;
  readonly hostIP: string;
  readonly podIP: string;
  readonly nodeEntry?: string;
  readonly logger: Logger;
  readonly onChange: (state: PodRuntimeState) => void;
  readonly onEvent?: (event: ContainerEvent) => void;
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
  /** The running (or last) instance's stdout, and the one before a restart (`--previous`). */
  log?: ContainerLog;
  previousLog?: ContainerLog;
  readiness?: ProbeWorker;
  liveness?: ProbeWorker;
  restartTimer?: NodeJS.Timeout;
}

const maxBackoffMs = 300_000;

export class PodRuntime {
  private readonly slots: ContainerSlot[];
  private readonly startTime: string;
  private stopped = false;
  private terminatingSeen = false;

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
      containers: this.slots.map((s): ContainerRuntimeState => ({
        name: s.spec.name,
        image: s.spec.image ?? '',
        state: s.state,
        ...(s.lastState ? { lastState: s.lastState } : {}),
        ready: s.ready,
        restartCount: s.restartCount,
      })),
    };
  }

  private event(slot: ContainerSlot, e: Omit<ContainerEvent, 'container'>): void {
    if (!this.stopped) this.opts.onEvent?.({ container: slot.spec.name, ...e });
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
    const ports = (slot.spec.ports ?? []).map((p) => ({
      port: p.containerPort,
      protocol: p.protocol ?? 'TCP',
    }));
    if (slot.log !== undefined) {
      slot.log.close();
      slot.previousLog = slot.log;
    }
    const log = new ContainerLog();
    slot.log = log;
    try {
      const w = await startWorkload(slot.spec.image ?? '', {
        pod: this.pod.metadata.name ?? '',
        namespace: this.pod.metadata.namespace ?? '',
        node: this.opts.node,
        podIP: this.opts.podIP,
        ports,
        env,
        ...(this.opts.nodeEntry === undefined ? {} : { nodeEntry: this.opts.nodeEntry }),
        log: (line) => {
          log.write(line);
        },
      });
      if (this.stopped) {
        await w.stop();
        return;
      }
      slot.workload = w;
      slot.state = { running: { startedAt: this.now() } };
      this.event(slot, {
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${slot.spec.image ?? ''}" already present on machine`,
      });
      this.event(slot, {
        type: 'Normal',
        reason: 'Created',
        message: `Created container: ${slot.spec.name}`,
      });
      this.event(slot, {
        type: 'Normal',
        reason: 'Started',
        message: `Started container ${slot.spec.name}`,
      });
      w.onExit((code, reason) => {
        void this.restart(slot, { exitCode: code, reason });
      });
      this.startProbes(slot);
    } catch (err) {
      if (isImagePullError(err)) {
        slot.state = { waiting: { reason: 'ErrImagePull', message: err.message } };
        this.event(slot, {
          type: 'Normal',
          reason: 'Pulling',
          message: `Pulling image "${slot.spec.image ?? ''}"`,
        });
        this.event(slot, { type: 'Warning', reason: 'Failed', message: err.message });
        this.event(slot, { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.event(slot, { type: 'Warning', reason: 'Failed', message: `Error: ${message}` });
      this.opts.logger.warn('container failed to start', {
        pod: this.pod.metadata.name,
        container: slot.spec.name,
        err: message,
      });
      slot.state = {
        terminated: { exitCode: 128, reason: 'StartError', message, finishedAt: this.now() },
      };
      this.scheduleRestart(slot);
    }
  }

  private startProbes(slot: ContainerSlot): void {
    const rp = slot.spec.readinessProbe;
    if (rp) {
      slot.readiness = new ProbeWorker({
        kind: 'readiness',
        probe: rp,
        check: () => this.probe(slot, 'Readiness', rp),
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
        check: () => this.probe(slot, 'Liveness', lp),
        onChange: (ok) => {
          if (ok) return;
          this.event(slot, {
            type: 'Normal',
            reason: 'Killing',
            message: `Container ${slot.spec.name} failed liveness probe, will be restarted`,
          });
          void this.restart(slot, {
            exitCode: 137,
            reason: 'Error',
            message: 'Liveness probe failed',
          });
        },
      });
      slot.liveness.start();
    }
  }

  /** One probe attempt; a failed one is an Unhealthy event, as the kubelet records each. */
  private async probe(
    slot: ContainerSlot,
    kind: 'Readiness' | 'Liveness',
    probe: Probe,
  ): Promise<ProbeOutcome['result']> {
    const o = await runProbe(probe, slot.spec, this.opts.podIP);
    if (o.result === 'failure' && slot.workload !== undefined) {
      this.event(slot, {
        type: 'Warning',
        reason: 'Unhealthy',
        message: `${kind} probe ${o.errored === true ? 'errored' : 'failed'}: ${o.output}`,
      });
    }
    return o.result;
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

  private async restart(
    slot: ContainerSlot,
    why: { exitCode: number; reason: string; message?: string },
  ): Promise<void> {
    if (this.stopped) return;
    this.opts.logger.info('restarting container', {
      pod: this.pod.metadata.name,
      container: slot.spec.name,
      reason: why.reason,
    });
    await this.stopContainer(slot);
    slot.log?.close();
    slot.lastState = {
      terminated: {
        exitCode: why.exitCode,
        reason: why.reason,
        ...(why.message === undefined ? {} : { message: why.message }),
        startedAt: slot.state.running?.startedAt ?? this.startTime,
        finishedAt: this.now(),
      },
    };
    slot.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off restarting failed container ${slot.spec.name}`,
      },
    };
    this.changed();
    this.scheduleRestart(slot);
  }

  private scheduleRestart(slot: ContainerSlot): void {
    const base = this.opts.restartBackoffMs ?? 10_000;
    const delay = Math.min(maxBackoffMs, base * 2 ** Math.min(slot.restartCount, 16));
    const m = this.pod.metadata;
    this.event(slot, {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${slot.spec.name} in pod ${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`,
    });
    slot.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      slot.restartCount++;
      void this.startContainer(slot).then(() => {
        this.changed();
      });
    }, delay);
  }

  /**
   * The log `kubectl logs` reads for `container` (with `previous`, the instance before the last
   * restart), or the kubelet's reason why there is none.
   */
  containerLog(container: string, previous = false): { log: ContainerLog } | { error: string } {
    const pod = this.pod.metadata.name ?? '';
    const slot = this.slots.find((s) => s.spec.name === container);
    if (slot === undefined) return { error: `container ${container} is not valid for pod ${pod}` };
    if (previous) {
      return slot.previousLog === undefined
        ? { error: `previous terminated container "${container}" in pod "${pod}" not found` }
        : { log: slot.previousLog };
    }
    const waiting = slot.state.waiting;
    if (slot.log === undefined || waiting?.reason === 'ErrImagePull') {
      const why =
        waiting?.reason === 'ErrImagePull'
          ? 'trying and failing to pull image'
          : (waiting?.reason ?? 'ContainerCreating');
      return { error: `container "${container}" in pod "${pod}" is waiting to start: ${why}` };
    }
    return { log: slot.log };
  }

  /**
   * The pod's deletion began: a Killing event per running container, once, as the kubelet records
   * it when it sends the stop signal. The containers keep serving until `stop`.
   */
  terminating(): void {
    if (this.terminatingSeen) return;
    this.terminatingSeen = true;
    for (const s of this.slots)
      if (s.workload !== undefined)
        this.event(s, {
          type: 'Normal',
          reason: 'Killing',
          message: `Stopping container ${s.spec.name}`,
        });
  }

  /** Stops every container (end of the grace period, or the pod left this node). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.slots) {
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.log?.close();
    }
    await Promise.all(this.slots.map((s) => this.stopContainer(s)));
  }
}
