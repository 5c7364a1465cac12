import type { Lease } from '@svclab/api';
import { FakeClock, newAlreadyExists, newConflict, newNotFound } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { formatMicroTime, type LeaseClient, LeaderElector } from './leader-election.js';

const gr = { group: 'coordination.k8s.io', resource: 'leases' };

/** One Lease in memory with resourceVersion checks, like the apiserver. */
class FakeLeases implements LeaseClient {
  lease: Lease | undefined;
  #rv = 0;
  get(name: string): Promise<Lease> {
    return this.lease === undefined
      ? Promise.reject(newNotFound(gr, name))
      : Promise.resolve(structuredClone(this.lease));
  }
  create(l: Lease): Promise<Lease> {
    if (this.lease !== undefined)
      return Promise.reject(newAlreadyExists(gr, l.metadata.name ?? ''));
    this.lease = {
      ...structuredClone(l),
      metadata: { ...l.metadata, resourceVersion: String(++this.#rv) },
    };
    return Promise.resolve(structuredClone(this.lease));
  }
  update(l: Lease): Promise<Lease> {
    if (l.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) {
      return Promise.reject(newConflict(gr, l.metadata.name ?? '', 'the object has been modified'));
    }
    this.lease = {
      ...structuredClone(l),
      metadata: { ...l.metadata, resourceVersion: String(++this.#rv) },
    };
    return Promise.resolve(structuredClone(this.lease));
  }
}

function elector(client: LeaseClient, identity: string, clock: FakeClock) {
  return new LeaderElector({
    client,
    namespace: 'kube-system',
    name: 'endpointslice-controller',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
  });
}

describe('LeaderElector', () => {
  it('first comes first; the other waits until the lease expires, then takes over', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(leases, 'a', clock);
    const b = elector(leases, 'b', clock);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(leases.lease?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(b.getLeader()).toBe('a');
    clock.step(10_000);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.step(6_000);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(leases.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a renewing leader keeps the lease', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(leases, 'a', clock);
    const b = elector(leases, 'b', clock);
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    for (let i = 0; i < 10; i++) {
      clock.step(5_000);
      expect(await a.tryAcquireOrRenew()).toBe(true);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    expect(leases.lease?.spec?.renewTime).toBe(formatMicroTime(clock.now()));
  });

  it('release lets another replica take over at once', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(leases, 'a', clock);
    const b = elector(leases, 'b', clock);
    await a.tryAcquireOrRenew();
    await a.release();
    expect(a.isLeader()).toBe(false);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it.each([
    { name: 'lease <= renew deadline', lease: 10_000, renew: 10_000, retry: 2_000 },
    { name: 'renew deadline <= retry', lease: 15_000, renew: 2_000, retry: 2_000 },
  ])('rejects bad timing: $name', ({ lease, renew, retry }) => {
    expect(
      () =>
        new LeaderElector({
          client: new FakeLeases(),
          namespace: 'n',
          name: 'x',
          identity: 'a',
          leaseDurationMs: lease,
          renewDeadlineMs: renew,
          retryPeriodMs: retry,
        }),
    ).toThrow();
  });

  it('formatMicroTime has 6 fractional digits', () => {
    expect(formatMicroTime(Date.UTC(2024, 0, 1, 0, 0, 0, 123))).toBe('2024-01-01T00:00:00.123000Z');
  });
});
