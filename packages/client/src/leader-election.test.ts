import { afterEach, describe, expect, it } from 'vitest';
import type { Lease } from '@svclab/api';
import { FakeClock, newServiceUnavailable } from '@svclab/apimachinery';
import { formatMicroTime, LeaderElector } from './leader-election.js';
import { newFakeClientSet, type FakeClientSet } from './testing/fake-client.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Moves the fake clock in small steps, letting the candidates' promises settle in between. */
async function advance(clock: FakeClock, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.step(Math.min(step, ms - t));
    await flush();
  }
}

interface Candidate {
  id: string;
  log: string[];
  ac: AbortController;
  done: Promise<void>;
  elector: LeaderElector;
}

const running: Candidate[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) c.ac.abort();
  await flush();
});

function candidate(
  cs: FakeClientSet,
  clock: FakeClock,
  id: string,
  releaseOnCancel = false,
): Candidate {
  const log: string[] = [];
  const elector = new LeaderElector({
    client: cs,
    clock,
    random: () => 0,
    releaseOnCancel,
    lock: { namespace: 'kube-system', name: 'svclab-controller', identity: id },
    callbacks: {
      onStartedLeading: (signal) => {
        log.push(`started@${clock.now()}`);
        signal.addEventListener('abort', () => log.push(`leading-signal-aborted@${clock.now()}`));
      },
      onStoppedLeading: () => log.push(`stopped@${clock.now()}`),
      onNewLeader: (who) => log.push(`leader=${who}`),
    },
  });
  const ac = new AbortController();
  const c = { id, log, ac, done: elector.run(ac.signal), elector };
  running.push(c);
  return c;
}

async function lease(cs: FakeClientSet): Promise<Lease> {
  return cs.resource('leases').namespace('kube-system').get('svclab-controller');
}

const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('LeaderElector', () => {
  it.each([
    {
      name: 'whole seconds',
      ms: Date.UTC(2026, 0, 2, 3, 4, 5),
      want: '2026-01-02T03:04:05.000000Z',
    },
    {
      name: 'milliseconds',
      ms: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      want: '2026-01-02T03:04:05.678000Z',
    },
  ])('formatMicroTime: $name', ({ ms, want }) => {
    expect(formatMicroTime(ms)).toBe(want);
  });

  it('rejects inconsistent timings', () => {
    const cs = newFakeClientSet();
    const lock = { namespace: 'ns', name: 'l', identity: 'a' };
    const callbacks = { onStartedLeading: () => undefined, onStoppedLeading: () => undefined };
    expect(
      () =>
        new LeaderElector({
          client: cs,
          lock,
          callbacks,
          leaseDuration: 10_000,
          renewDeadline: 10_000,
        }),
    ).toThrow(RangeError);
    expect(
      () =>
        new LeaderElector({
          client: cs,
          lock,
          callbacks,
          renewDeadline: 2_000,
          retryPeriod: 2_000,
        }),
    ).toThrow(RangeError);
  });

  it('two candidates: one leads; when it stops renewing the other takes over after the lease duration', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const cs = newFakeClientSet();
    const a = candidate(cs, clock, 'a');
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    const b = candidate(cs, clock, 'b');
    await advance(clock, 20_000);
    expect(a.log).toEqual(['leader=a', `started@${Date.UTC(2026, 0, 1)}`]);
    expect(b.log).toEqual(['leader=a']);
    expect(b.elector.isLeader()).toBe(false);

    const l = await lease(cs);
    expect(l.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(l.spec?.acquireTime).toMatch(microTime);
    expect(l.spec?.renewTime).toMatch(microTime);
    expect(l.spec?.renewTime).not.toBe(l.spec?.acquireTime);

    // a is cut off from the apiserver: its renewals fail from now on.
    cs.prependReactor('*', 'leases', (act) => {
      const holder = (act.object as Lease | undefined)?.spec?.holderIdentity;
      return act.verb === 'update' && holder === 'a'
        ? { error: newServiceUnavailable('partitioned') }
        : undefined;
    });
    const cut = clock.now();
    await advance(clock, 30_000);
    const stoppedA = a.log.find((s) => s.startsWith('stopped@'));
    const startedB = b.log.find((s) => s.startsWith('started@'));
    expect(stoppedA).toBeDefined();
    expect(startedB).toBeDefined();
    const tStopA = Number(stoppedA?.split('@')[1]);
    const tStartB = Number(startedB?.split('@')[1]);
    // a gives up within its renew deadline; b waits out the full lease duration.
    expect(tStopA - cut).toBeLessThanOrEqual(10_000 + 2_000);
    expect(tStartB - cut).toBeGreaterThanOrEqual(15_000 - 2_000);
    expect(tStopA).toBeLessThan(tStartB);
    expect(b.log).toContain('leader=b');
    const after = await lease(cs);
    expect(after.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a graceful stop releases the lease and the other candidate takes over at its next retry', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const cs = newFakeClientSet();
    const a = candidate(cs, clock, 'a', true);
    await flush();
    const b = candidate(cs, clock, 'b');
    await advance(clock, 5_000);
    expect(b.elector.isLeader()).toBe(false);
    a.ac.abort();
    await a.done;
    expect(a.log.at(-2)).toMatch(/^leading-signal-aborted@/);
    expect(a.log.at(-1)).toMatch(/^stopped@/);
    expect((await lease(cs)).spec?.holderIdentity).toBe('');
    const released = clock.now();
    await advance(clock, 5_000);
    const startedB = b.log.find((s) => s.startsWith('started@'));
    expect(Number(startedB?.split('@')[1]) - released).toBeLessThanOrEqual(2_000 + 250);
    expect((await lease(cs)).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('candidates racing for an expired lease: the resourceVersion lets exactly one win', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const old: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'svclab-controller', namespace: 'kube-system' },
      spec: {
        holderIdentity: 'gone',
        leaseDurationSeconds: 15,
        leaseTransitions: 4,
        acquireTime: formatMicroTime(0),
        renewTime: formatMicroTime(0),
      },
    };
    const cs = newFakeClientSet([{ resource: 'leases', object: old }]);
    const cands = ['a', 'b', 'c'].map((id) => candidate(cs, clock, id));
    await advance(clock, 10_000);
    expect(cands.filter((c) => c.elector.isLeader())).toHaveLength(0);
    await advance(clock, 10_000);
    expect(cands.filter((c) => c.elector.isLeader())).toHaveLength(1);
    expect((await lease(cs)).spec?.leaseTransitions).toBe(5);
  });

  it('updates carry the resourceVersion: a concurrent write makes the renewal conflict, not clobber', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const cs = newFakeClientSet();
    const a = candidate(cs, clock, 'a');
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    cs.clearActions();
    await advance(clock, 2_000);
    const updates = cs.actions().filter((x) => x.verb === 'update');
    expect(updates.length).toBeGreaterThan(0);
    for (const u of updates) expect((u.object as Lease).metadata.resourceVersion).toMatch(/^\d+$/);
  });
});
