// E2E: the built apiserver (Redis + NATS) deletes Events `--event-ttl` after their last write, and a
// watch on events sees the DELETED; an Event repeated within the TTL outlives the first write's TTL.
import type { Event } from '@svclab/api';
import { createClient, newEventRecorder, type ClientSet } from '@svclab/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';
import { until } from './support/endpointslice.js';

const ttlMs = 3000;

describe('apiserver --event-ttl', () => {
  let api: ApiserverHandle;
  let client: ClientSet;
  beforeAll(async () => {
    api = await startApiserver({ flags: [`--event-ttl=${String(ttlMs / 1000)}s`] });
    client = createClient({ server: api.url, userAgent: 'event-ttl-e2e' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('deletes an Event once the TTL has passed since its last write; watchers see DELETED', async () => {
    const events = client.resource('events').namespace('default');
    const seen: string[] = [];
    const ac = new AbortController();
    const watching = (async () => {
      for await (const e of events.watch({ signal: ac.signal }))
        seen.push(`${e.type} ${e.object.metadata.name ?? ''}`);
    })().catch(() => undefined);
    const rec = newEventRecorder(client, { component: 'e2e' });
    const pod = { kind: 'Pod', apiVersion: 'v1', namespace: 'default', name: 'web-1', uid: 'u1' };
    rec.event(pod, { type: 'Normal', reason: 'Once', message: 'written once' });
    rec.event(pod, { type: 'Normal', reason: 'Again', message: 'written again' });
    const created = Date.now();
    const [once, again] = await until(
      'both Events stored',
      async () => {
        const items = (await events.list()).items as Event[];
        const o = items.find((e) => e.reason === 'Once');
        const a = items.find((e) => e.reason === 'Again');
        return o !== undefined && a !== undefined ? [o, a] : undefined;
      },
      10_000,
    );
    // A repeat after 2 s moves the second Event's last write forward (second resolution).
    await new Promise((r) => setTimeout(r, 2000));
    rec.event(pod, { type: 'Normal', reason: 'Again', message: 'written again' });
    await until(
      'the first Event gone',
      async () =>
        (await events.list()).items.some((e) => e.metadata.name === once.metadata.name)
          ? undefined
          : true,
      ttlMs + 5000,
    );
    expect(Date.now() - created).toBeGreaterThanOrEqual(ttlMs - 1000);
    const kept = (await events.list()).items as Event[];
    expect(kept.find((e) => e.metadata.name === again.metadata.name)?.count).toBe(2);
    await until(
      'the repeated Event gone too',
      async () => ((await events.list()).items.length === 0 ? true : undefined),
      ttlMs + 5000,
    );
    await until(
      'the DELETED watch events',
      async () => (seen.filter((s) => s.startsWith('DELETED')).length === 2 ? true : undefined),
      5000,
    );
    expect(seen).toContain(`DELETED ${once.metadata.name ?? ''}`);
    expect(seen).toContain(`DELETED ${again.metadata.name ?? ''}`);
    ac.abort();
    await watching;
  });
});
