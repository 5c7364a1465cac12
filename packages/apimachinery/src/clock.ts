// Clocks as k8s.io/utils/clock: code takes a Clock so tests can drive time with FakeClock.

/** A one-shot timer created by `Clock.afterFunc`. */
export interface Timer {
  /** Cancels the timer; returns false when it had already fired or been stopped. */
  stop(): boolean;
  /** Re-arms the timer to fire `ms` from now; returns whether it was active before. */
  reset(ms: number): boolean;
}

/**
 * The passing of time, injected. All durations are milliseconds; `now()` is epoch milliseconds.
 * NOTE: code under test must take every delay from its Clock (never global setTimeout), so that
 * `FakeClock.step` drives it deterministically.
 */
export interface Clock {
  now(): number;
  since(t: number): number;
  /** Calls `fn` once, `ms` from now, unless the returned timer is stopped first. */
  afterFunc(ms: number, fn: () => void): Timer;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      timer.stop();
      resolve();
    };
    const timer = clock.afterFunc(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wall-clock time and Node timers. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  since(t: number): number {
    return Date.now() - t;
  }

  afterFunc(ms: number, fn: () => void): Timer {
    let active = true;
    let handle = setTimeout(
      () => {
        active = false;
        fn();
      },
      Math.max(0, ms),
    );
    return {
      stop: () => {
        const was = active;
        active = false;
        clearTimeout(handle);
        return was;
      },
      reset: (next: number) => {
        const was = active;
        clearTimeout(handle);
        active = true;
        handle = setTimeout(
          () => {
            active = false;
            fn();
          },
          Math.max(0, next),
        );
        return was;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The shared real clock. */
export const realClock: Clock = new RealClock();

interface FakeWaiter {
  due: number;
  seq: number;
  fn: () => void;
  active: boolean;
}

/**
 * A clock that only moves when told to. `step(ms)` advances time and fires every timer that
 * comes due, in due order (timers armed by a firing callback fire too when they fall in the step).
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private waiters: FakeWaiter[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  since(t: number): number {
    return this.time - t;
  }

  afterFunc(ms: number, fn: () => void): Timer {
    const w: FakeWaiter = { due: this.time + Math.max(0, ms), seq: this.seq++, fn, active: true };
    this.waiters.push(w);
    return {
      stop: () => {
        const was = w.active;
        w.active = false;
        this.waiters = this.waiters.filter((x) => x !== w);
        return was;
      },
      reset: (next: number) => {
        const was = w.active;
        this.waiters = this.waiters.filter((x) => x !== w);
        w.active = true;
        w.due = this.time + Math.max(0, next);
        w.seq = this.seq++;
        this.waiters.push(w);
        return was;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Advances time by `ms`, firing due timers in order. */
  step(ms: number): void {
    this.setTime(this.time + ms);
  }

  /** Moves time to `t` (never backwards past fired timers), firing due timers in order. */
  setTime(t: number): void {
    for (;;) {
      const next = this.nextDue(t);
      if (next === undefined) break;
      this.waiters = this.waiters.filter((x) => x !== next);
      this.time = Math.max(this.time, next.due);
      next.active = false;
      next.fn();
    }
    this.time = t;
  }

  /** Whether any timer is armed. */
  hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** How many timers are armed. */
  waiterCount(): number {
    return this.waiters.length;
  }

  private nextDue(limit: number): FakeWaiter | undefined {
    let best: FakeWaiter | undefined;
    for (const w of this.waiters) {
      if (w.due > limit) continue;
      if (best === undefined || w.due < best.due || (w.due === best.due && w.seq < best.seq))
        best = w;
    }
    return best;
  }
}
