import type { Event } from '@svclab/api';
import { newNotFound, StatusError } from '@svclab/apimachinery';
import type { Logger } from '@svclab/telemetry';
import { describe, expect, it } from 'vitest';
import { FakeClientSet } from '../testing/index.js';
import { newEventRecorder } from './event-recorder.js';

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  namespace: 'web',
  name: 'echo-1',
  uid: 'u1',
  fieldPath: 'spec.containers{echo}',
};

/** Lets the recorder's queued writes run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

async function events(cs: FakeClientSet): Promise<Event[]> {
  return (await cs.resource('events').namespace('web').list()).items;
}

describe('newEventRecorder', () => {
  it('creates an Event with the source, the involved object and count 1', async () => {
    const cs = new FakeClientSet();
    const at = new Date('2026-11-26T10:00:00.123Z');
    const rec = newEventRecorder(cs, { component: 'kubelet', host: 'node-1' }, { now: () => at });
    rec.event(pod, { type: 'Normal', reason: 'Started', message: 'Started container echo' });
    await settle();
    const [ev, ...rest] = await events(cs);
    expect(rest).toEqual([]);
    expect(ev).toMatchObject({
      involvedObject: pod,
      type: 'Normal',
      reason: 'Started',
      message: 'Started container echo',
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      count: 1,
      firstTimestamp: '2026-11-26T10:00:00Z',
      lastTimestamp: '2026-11-26T10:00:00Z',
    });
    expect(ev?.metadata.name).toMatch(/^echo-1\.[0-9a-f]+$/);
  });

  it('a repeat bumps count and lastTimestamp of the same Event with a merge patch', async () => {
    const cs = new FakeClientSet();
    let t = Date.parse('2026-11-26T10:00:00Z');
    const rec = newEventRecorder(
      cs,
      { component: 'kubelet', host: 'node-1' },
      { now: () => new Date(t) },
    );
    const unhealthy = {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    } as const;
    rec.event(pod, unhealthy);
    t += 10_000;
    rec.event(pod, unhealthy);
    t += 10_000;
    rec.event(pod, unhealthy);
    await settle();
    const list = await events(cs);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      count: 3,
      firstTimestamp: '2026-11-26T10:00:00Z',
      lastTimestamp: '2026-11-26T10:00:20Z',
    });
    expect(cs.actions().map((a) => a.verb)).toEqual(['create', 'patch', 'patch', 'list']);
    expect(cs.actions()[1]).toMatchObject({
      patchType: 'application/merge-patch+json',
      object: { count: 2 },
    });
  });

  it('a different message, reason, object or container is a new Event', async () => {
    const cs = new FakeClientSet();
    const rec = newEventRecorder(cs, { component: 'kubelet' });
    rec.event(pod, { type: 'Normal', reason: 'Started', message: 'Started container echo' });
    rec.event(pod, { type: 'Normal', reason: 'Created', message: 'Created container: echo' });
    rec.event(
      { ...pod, fieldPath: 'spec.containers{side}' },
      { type: 'Normal', reason: 'Started', message: 'Started container echo' },
    );
    rec.event(
      { ...pod, name: 'echo-2' },
      { type: 'Normal', reason: 'Started', message: 'Started container echo' },
    );
    await settle();
    expect((await events(cs)).map((e) => e.count)).toEqual([1, 1, 1, 1]);
  });

  it('starts a new Event when the one it would patch is gone', async () => {
    const cs = new FakeClientSet();
    const rec = newEventRecorder(cs, { component: 'kubelet' });
    const e = {
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container echo',
    } as const;
    rec.event(pod, e);
    await settle();
    const [first] = await events(cs);
    await cs
      .resource('events')
      .namespace('web')
      .delete(first?.metadata.name ?? '');
    rec.event(pod, e);
    await settle();
    const list = await events(cs);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ reason: 'BackOff', count: 2 });
  });

  it('a failed create is logged, not thrown, and the next repeat creates again', async () => {
    const cs = new FakeClientSet();
    let fail = true;
    cs.prependReactor('create', 'events', () =>
      fail
        ? {
            error: new StatusError(
              newNotFound({ group: '', resource: 'namespaces' }, 'web').status,
            ),
          }
        : undefined,
    );
    const warnings: string[] = [];
    const logger = { warn: (msg: string) => warnings.push(msg) } as unknown as Logger;
    const rec = newEventRecorder(cs, { component: 'kubelet' }, { logger });
    const e = {
      type: 'Normal',
      reason: 'Pulled',
      message: 'Container image "svclab/echo" already present on machine',
    } as const;
    rec.event(pod, e);
    await settle();
    expect(warnings).toEqual(['could not record event']);
    fail = false;
    rec.event(pod, e);
    await settle();
    expect(await events(cs)).toHaveLength(1);
    expect(cs.actions().map((a) => a.verb)).toEqual(['create', 'create', 'list']);
  });

  it('names Events in the order they were recorded, within one millisecond too', async () => {
    const cs = new FakeClientSet();
    const at = new Date('2026-11-26T10:00:00Z');
    const rec = newEventRecorder(cs, { component: 'kubelet' }, { now: () => at });
    for (const reason of ['Pulled', 'Created', 'Started'])
      rec.event(pod, { type: 'Normal', reason, message: reason });
    await settle();
    const list = await events(cs);
    const byName = [...list].sort((a, b) =>
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
    );
    expect(byName.map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
  });

  it('forgets the least recently used event past cacheSize', async () => {
    const cs = new FakeClientSet();
    const rec = newEventRecorder(cs, { component: 'kubelet' }, { cacheSize: 1 });
    const a = { type: 'Normal', reason: 'A', message: 'a' } as const;
    const b = { type: 'Normal', reason: 'B', message: 'b' } as const;
    rec.event(pod, a);
    rec.event(pod, b);
    rec.event(pod, a);
    await settle();
    expect(cs.actions().map((x) => x.verb)).toEqual(['create', 'create', 'create']);
  });
});
