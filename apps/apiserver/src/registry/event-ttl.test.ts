import type { Event, KubeObject } from '@svclab/api';
import { nopLogger } from '@svclab/telemetry';
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '@svclab/bus';
import { MemoryStorage } from '../storage/memory.js';
import type { ObjectKey, UpdateOptions } from '../storage/interface.js';
import { lastWrite, sweepExpiredEvents } from './event-ttl.js';

const hour = 3_600_000;
const now = Date.parse('2026-11-26T12:00:00Z');

function event(
  name: string,
  times: Partial<Pick<Event, 'lastTimestamp' | 'eventTime'>> & { created?: string },
): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name,
      namespace: 'default',
      ...(times.created === undefined ? {} : { creationTimestamp: times.created }),
    },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' },
    reason: 'Started',
    message: 'Started container web',
    ...(times.lastTimestamp === undefined ? {} : { lastTimestamp: times.lastTimestamp }),
    ...(times.eventTime === undefined ? {} : { eventTime: times.eventTime }),
  };
}

async function seed(storage: MemoryStorage, events: Event[]): Promise<void> {
  for (const e of events) {
    await storage.create(
      { resource: 'events', namespace: 'default', name: e.metadata.name ?? '' },
      e,
    );
  }
}

const names = async (storage: MemoryStorage): Promise<string[]> =>
  (await storage.list('events')).items.map((i) => i.metadata.name ?? '').sort();

describe('event TTL', () => {
  it('lastWrite is the latest of lastTimestamp, eventTime and creationTimestamp', () => {
    expect(
      lastWrite(
        event('a', { created: '2026-11-26T10:00:00Z', lastTimestamp: '2026-11-26T11:30:00Z' }),
      ),
    ).toBe(Date.parse('2026-11-26T11:30:00Z'));
    expect(
      lastWrite(
        event('b', { created: '2026-11-26T10:00:00Z', eventTime: '2026-11-26T10:15:00.123456Z' }),
      ),
    ).toBe(Date.parse('2026-11-26T10:15:00.123Z'));
    expect(lastWrite(event('c', {}))).toBeNaN();
  });

  it('deletes the Events last written more than the TTL ago, and only those', async () => {
    const storage = new MemoryStorage();
    await seed(storage, [
      event('old', { created: '2026-11-26T10:00:00Z', lastTimestamp: '2026-11-26T10:30:00Z' }),
      event('repeated', { created: '2026-11-26T10:00:00Z', lastTimestamp: '2026-11-26T11:30:00Z' }),
      event('fresh', { created: '2026-11-26T11:59:00Z', lastTimestamp: '2026-11-26T11:59:00Z' }),
      event('undated', {}),
    ]);
    const seen: ChangeEvent[] = [];
    const unsubscribe = storage.subscribe((e) => seen.push(e));
    expect(
      await sweepExpiredEvents({ storage, ttlMs: hour, logger: nopLogger, now: () => now }),
    ).toBe(1);
    unsubscribe();
    expect(await names(storage)).toEqual(['fresh', 'repeated', 'undated']);
    expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(['DELETED old']);
    expect(
      await sweepExpiredEvents({ storage, ttlMs: hour, logger: nopLogger, now: () => now + hour }),
    ).toBe(2);
    expect(await names(storage)).toEqual(['undated']);
  });

  it('keeps an Event written again between the list and the delete', async () => {
    const storage = new MemoryStorage();
    await seed(storage, [event('old', { lastTimestamp: '2026-11-26T09:00:00Z' })]);
    const key = { resource: 'events', namespace: 'default', name: 'old' };
    // The repeat lands just before the sweep's delete: its precondition no longer holds.
    const racing = Object.create(storage) as MemoryStorage;
    racing.delete = async (k: ObjectKey, opts?: UpdateOptions): Promise<KubeObject> => {
      const cur = (await storage.get(key)) as unknown as Event;
      await storage.update(key, {
        ...cur,
        count: 2,
        lastTimestamp: '2026-11-26T11:59:30Z',
      } as unknown as KubeObject);
      return storage.delete(k, opts);
    };
    expect(
      await sweepExpiredEvents({ storage: racing, ttlMs: hour, logger: nopLogger, now: () => now }),
    ).toBe(0);
    expect(await names(storage)).toEqual(['old']);
  });
});
