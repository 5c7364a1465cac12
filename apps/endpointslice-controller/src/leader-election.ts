// Lease-based leader election as client-go tools/leaderelection (LeaseLock): acquire, renew every
// retryPeriod, give up after renewDeadline without a successful renew, release on shutdown.
import type { Lease } from '@svclab/api';
import type { Clock } from '@svclab/apimachinery';
import { isAlreadyExists, isConflict, isNotFound, realClock } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { nopLogger } from '@svclab/telemetry';

/** The slice of a typed Lease client this needs (namespace-bound). */
export interface LeaseClient {
  get(name: string): Promise<Lease>;
  create(lease: Lease): Promise<Lease>;
  update(lease: Lease): Promise<Lease>;
}

export interface LeaderElectionConfig {
  readonly client: LeaseClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** ms; non-leaders wait this long after the last observed change before taking over. */
  readonly leaseDurationMs: number;
  /** ms; the leader gives up when it could not renew for this long. */
  readonly renewDeadlineMs: number;
  /** ms between attempts. */
  readonly retryPeriodMs: number;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
}

/** metav1.MicroTime: RFC 3339 with exactly 6 fractional digits. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #c: LeaderElectionConfig;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #observed: Lease | undefined;
  #observedAt = 0;
  #leader = false;

  constructor(config: LeaderElectionConfig) {
    if (config.leaseDurationMs <= config.renewDeadlineMs)
      throw new Error('leaseDuration must be greater than renewDeadline');
    if (config.renewDeadlineMs <= config.retryPeriodMs)
      throw new Error('renewDeadline must be greater than retryPeriod');
    this.#c = config;
    this.#clock = config.clock ?? realClock;
    this.#logger = config.logger ?? nopLogger;
  }

  isLeader(): boolean {
    return this.#leader;
  }

  /** Current holder as last observed (may be stale). */
  getLeader(): string {
    return this.#observed?.spec?.holderIdentity ?? '';
  }

  /**
   * One attempt: true when we hold the lease afterwards. Never throws for API errors (they are
   * logged and count as "not acquired").
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const c = this.#c;
    const now = this.#clock.now();
    const desired = (prev: Lease | undefined): Lease => {
      const mine = prev?.spec?.holderIdentity === c.identity;
      return {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata:
          prev === undefined ? { name: c.name, namespace: c.namespace } : { ...prev.metadata },
        spec: {
          holderIdentity: c.identity,
          leaseDurationSeconds: Math.ceil(c.leaseDurationMs / 1000),
          acquireTime: mine
            ? (prev.spec?.acquireTime ?? formatMicroTime(now))
            : formatMicroTime(now),
          renewTime: formatMicroTime(now),
          leaseTransitions: mine
            ? (prev.spec?.leaseTransitions ?? 0)
            : (prev?.spec?.leaseTransitions ?? -1) + 1,
        },
      };
    };
    let current: Lease;
    try {
      current = await c.client.get(c.name);
    } catch (err) {
      if (!isNotFound(err)) {
        this.#logger.warn('error retrieving resource lock', {
          lease: `${c.namespace}/${c.name}`,
          err,
        });
        return this.#setLeader(false);
      }
      try {
        this.#record(await c.client.create(desired(undefined)), now);
        return this.#setLeader(true);
      } catch (createErr) {
        if (!isAlreadyExists(createErr))
          this.#logger.warn('error initially creating leader election record', { err: createErr });
        return this.#setLeader(false);
      }
    }
    if (JSON.stringify(current.spec) !== JSON.stringify(this.#observed?.spec))
      this.#record(current, now);
    const holder = current.spec?.holderIdentity ?? '';
    const durationMs = (current.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== c.identity && this.#observedAt + durationMs > now) {
      return this.#setLeader(false); // someone else holds a valid lease
    }
    try {
      this.#record(await c.client.update(desired(current)), now);
      return this.#setLeader(true);
    } catch (err) {
      if (!isConflict(err)) this.#logger.warn('failed to update lock', { err });
      return this.#setLeader(false);
    }
  }

  /**
   * Blocks until leadership is acquired (or `signal` aborts → false), then renews in the
   * background; `onStoppedLeading` runs once if a renew deadline passes. Call `release` on exit.
   */
  async acquire(signal: AbortSignal, onStoppedLeading: () => void): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      await this.#clock.sleep(this.#jittered(), signal);
    }
    if (signal.aborted) return false;
    this.#logger.info('successfully acquired lease', {
      lease: `${this.#c.namespace}/${this.#c.name}`,
      identity: this.#c.identity,
    });
    void this.#renewLoop(signal, onStoppedLeading);
    return true;
  }

  async #renewLoop(signal: AbortSignal, onStoppedLeading: () => void): Promise<void> {
    let lastRenew = this.#clock.now();
    const aborted = (): boolean => signal.aborted; // re-read after each await
    while (!aborted()) {
      await this.#clock.sleep(this.#c.retryPeriodMs, signal);
      if (aborted()) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = this.#clock.now();
        continue;
      }
      if (this.#clock.since(lastRenew) >= this.#c.renewDeadlineMs) {
        this.#leader = false;
        this.#logger.error('failed to renew lease, leaderelection lost', {
          lease: `${this.#c.namespace}/${this.#c.name}`,
        });
        onStoppedLeading();
        return;
      }
    }
  }

  /** ReleaseOnCancel: clear the holder so another replica can take over at once. */
  async release(): Promise<void> {
    if (!this.#leader || this.#observed === undefined) return;
    const l = this.#observed;
    const released: Lease = {
      ...l,
      spec: {
        ...l.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: formatMicroTime(this.#clock.now()),
      },
    };
    try {
      await this.#c.client.update(released);
    } catch (err) {
      this.#logger.warn('failed to release lock', { err });
    }
    this.#leader = false;
  }

  #record(l: Lease, now: number): void {
    this.#observed = l;
    this.#observedAt = now;
  }

  #setLeader(v: boolean): boolean {
    this.#leader = v;
    return v;
  }

  #jittered(): number {
    return this.#c.retryPeriodMs * (1 + Math.random() * 1.2);
  }
}
