// Leader election on coordination/v1 Leases (client-go tools/leaderelection): at most one
// candidate leads at a time, as long as clocks run at the same rate (not in sync).
import type { Lease } from '@svclab/api';
import { isNotFound, jitter, realClock, type Clock } from '@svclab/apimachinery';
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { ClientSet, TypedClient } from './rest-client.js';

/** client-go defaults, ms. leaseDuration > renewDeadline > retryPeriod·JitterFactor. */
export const DefaultLeaseDuration = 15_000;
export const DefaultRenewDeadline = 10_000;
export const DefaultRetryPeriod = 2_000;
/** Retries wait retryPeriod plus up to 1.2·retryPeriod at random (wait.JitterUntil). */
export const JitterFactor = 1.2;

export interface LeaderCallbacks {
  /** Called once leadership is acquired; `signal` aborts when leadership is lost or run stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when `run` ends, whether or not this candidate ever led (as upstream). */
  onStoppedLeading(): void;
  /** Called when the observed leader changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  readonly client: ClientSet;
  /** Where the Lease lives, e.g. {namespace: 'kube-system', name: 'svclab-controller-manager'}. */
  readonly lock: { readonly namespace: string; readonly name: string; readonly identity: string };
  /** How long non-leaders wait after the last observed change before taking over, ms. */
  readonly leaseDuration?: number;
  /** How long the leader keeps retrying to renew before giving up, ms. */
  readonly renewDeadline?: number;
  /** Wait between attempts, ms. */
  readonly retryPeriod?: number;
  readonly callbacks: LeaderCallbacks;
  /** Clear the holder on graceful stop so another candidate takes over at once. */
  readonly releaseOnCancel?: boolean;
  readonly clock?: Clock;
  /** Randomness for jitter; injected for tests. */
  readonly random?: () => number;
  readonly logger?: Logger;
}

/** The election state stored in a Lease (upstream LeaderElectionRecord). */
export interface LeaderElectionRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime strings. */
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaderTransitions: number;
}

/** metav1.MicroTime wire format: `2006-01-02T15:04:05.000000Z` (UTC, microseconds). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function recordOf(l: Lease): LeaderElectionRecord {
  const s = l.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime ?? '',
    renewTime: s.renewTime ?? '',
    leaderTransitions: s.leaseTransitions ?? 0,
  };
}

function specOf(r: LeaderElectionRecord): NonNullable<Lease['spec']> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime,
    renewTime: r.renewTime,
    leaseTransitions: r.leaderTransitions,
  };
}

export class LeaderElector {
  private readonly leases: TypedClient<Lease>;
  private readonly clock: Clock;
  private readonly leaseDuration: number;
  private readonly renewDeadline: number;
  private readonly retryPeriod: number;
  private readonly log: Logger;
  private observed: LeaderElectionRecord | undefined;
  private observedRaw = '';
  private observedTime = 0;
  private reportedLeader = '';
  /** The Lease as last read or written; updates carry its resourceVersion (conflict-safe). */
  private lease: Lease | undefined;

  constructor(private readonly config: LeaderElectionConfig) {
    this.leaseDuration = config.leaseDuration ?? DefaultLeaseDuration;
    this.renewDeadline = config.renewDeadline ?? DefaultRenewDeadline;
    this.retryPeriod = config.retryPeriod ?? DefaultRetryPeriod;
    if (this.leaseDuration <= this.renewDeadline)
      throw new RangeError('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadline <= JitterFactor * this.retryPeriod)
      throw new RangeError('renewDeadline must be greater than retryPeriod*JitterFactor');
    if (config.lock.identity === '') throw new RangeError('lock identity is empty');
    this.leases = config.client.resource('leases').namespace(config.lock.namespace);
    this.clock = config.clock ?? realClock;
    this.log = (config.logger ?? nopLogger).child({
      lease: `${config.lock.namespace}/${config.lock.name}`,
      identity: config.lock.identity,
    });
  }

  /** Whether the last observed record names us. */
  isLeader(): boolean {
    return this.observed?.holderIdentity === this.config.lock.identity;
  }

  /** The last observed leader ('' if none). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /**
   * Campaigns until leading, leads until the lease cannot be renewed within renewDeadline or
   * `signal` aborts, then returns (releasing the lease if `releaseOnCancel`). Never rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    try {
      if (!(await this.acquire(signal))) return;
      const leading = new AbortController();
      const onAbort = (): void => {
        leading.abort();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        Promise.resolve(this.config.callbacks.onStartedLeading(leading.signal)).catch(
          (err: unknown) => {
            this.log.error('onStartedLeading failed', { err });
          },
        );
      } catch (err) {
        this.log.error('onStartedLeading failed', { err });
      }
      await this.renew(leading);
      signal.removeEventListener('abort', onAbort);
    } finally {
      try {
        this.config.callbacks.onStoppedLeading();
      } catch (err) {
        this.log.error('onStoppedLeading failed', { err });
      }
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew();
      this.maybeReportTransition();
      if (ok) {
        this.log.info('successfully acquired lease');
        return true;
      }
      await this.clock.sleep(jitter(this.retryPeriod, JitterFactor, this.config.random), signal);
    }
    return false;
  }

  private async renew(leading: AbortController): Promise<void> {
    const aborted = (): boolean => leading.signal.aborted;
    while (!aborted()) {
      const deadline = this.clock.now() + this.renewDeadline;
      let renewed = false;
      for (;;) {
        if (await this.tryAcquireOrRenew()) {
          renewed = true;
          break;
        }
        if (aborted() || this.clock.now() + this.retryPeriod > deadline) break;
        await this.clock.sleep(this.retryPeriod, leading.signal);
      }
      this.maybeReportTransition();
      if (!renewed) {
        if (!aborted()) this.log.warn('failed to renew lease, stopping leading');
        leading.abort();
        break;
      }
      await this.clock.sleep(this.retryPeriod, leading.signal);
    }
    if (this.config.releaseOnCancel === true) await this.release();
  }

  /** Gives up the lease if we hold it: holder '' and a 1 s duration, so others take over at once. */
  private async release(): Promise<boolean> {
    if (!this.isLeader() || this.lease === undefined) return true;
    const now = formatMicroTime(this.clock.now());
    const rec: LeaderElectionRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: this.observed?.leaderTransitions ?? 0,
    };
    try {
      this.lease = await this.leases.update({ ...this.lease, spec: specOf(rec) });
      this.setObserved(rec);
      this.log.info('released lease');
      return true;
    } catch (err) {
      this.log.warn('failed to release lease', { err });
      return false;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const nowMs = this.clock.now();
    const now = formatMicroTime(nowMs);
    let rec: LeaderElectionRecord = {
      holderIdentity: this.config.lock.identity,
      leaseDurationSeconds: Math.floor(this.leaseDuration / 1000),
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 0,
    };
    let current: Lease;
    try {
      current = await this.leases.get(this.config.lock.name);
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn('error retrieving lease', { err });
        return false;
      }
      try {
        this.lease = await this.leases.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.config.lock.name, namespace: this.config.lock.namespace },
          spec: specOf(rec),
        });
      } catch (e) {
        this.log.warn('error initially creating lease', { err: e });
        return false;
      }
      this.setObserved(rec);
      return true;
    }
    this.lease = current;
    const old = recordOf(current);
    const raw = JSON.stringify(old);
    if (raw !== this.observedRaw) {
      this.setObserved(old);
      this.observedRaw = raw;
    }
    if (old.holderIdentity !== '' && this.isLeaseValid(nowMs) && !this.isLeader()) return false;
    rec = this.isLeader()
      ? { ...rec, acquireTime: old.acquireTime, leaderTransitions: old.leaderTransitions }
      : { ...rec, leaderTransitions: old.leaderTransitions + 1 };
    try {
      this.lease = await this.leases.update({ ...current, spec: specOf(rec) });
    } catch (err) {
      this.log.debug('failed to update lease', { err });
      return false;
    }
    this.setObserved(rec);
    return true;
  }

  private isLeaseValid(nowMs: number): boolean {
    return this.observedTime + (this.observed?.leaseDurationSeconds ?? 0) * 1000 > nowMs;
  }

  private setObserved(r: LeaderElectionRecord): void {
    this.observed = r;
    this.observedTime = this.clock.now();
  }

  private maybeReportTransition(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    try {
      this.config.callbacks.onNewLeader?.(holder);
    } catch (err) {
      this.log.error('onNewLeader failed', { err });
    }
  }
}

/** Convenience: `new LeaderElector(config).run(signal)` (leaderelection.RunOrDie). */
export function runLeaderElection(
  config: LeaderElectionConfig,
  signal: AbortSignal,
): Promise<void> {
  return new LeaderElector(config).run(signal);
}
