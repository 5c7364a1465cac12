// Integration: informers in other processes catch up over NATS request/reply (real servers).
import type { KubeObject } from '@svclab/api';
import {
  decodeJSON,
  encodeJSON,
  replaySubject,
  type ReplayReply,
  type ReplayRequest,
} from '@svclab/bus';
import { nopLogger } from '@svclab/telemetry';
import { startNats, startRedis, type NatsServer, type RedisServer } from '@svclab/testkit';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStorage, type RedisStorageHandle } from '../storage/create-redis-storage.js';
import { startReplayResponder, type ReplayResponder } from './replay-responder.js';

let redis: RedisServer;
let nats: NatsServer;
let nc: NatsConnection;
let client: NatsConnection;
let storage: RedisStorageHandle;
let responders: ReplayResponder[];

const svc = (name: string, pad = ''): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'ns', annotations: { pad } },
});

beforeAll(async () => {
  [redis, nats] = await Promise.all([startRedis(), startNats()]);
  nc = await connect({ servers: nats.url });
  client = await connect({ servers: nats.url });
  storage = await createRedisStorage({
    redisUrl: redis.url,
    natsConnection: nc,
    maxEventsPerResource: 50,
  });
  // Two replicas in the queue group: each request is answered exactly once.
  responders = [0, 1].map(() => startReplayResponder({ nc, storage, logger: nopLogger }));
  await Promise.all(responders.map((r) => r.ready));
  for (let i = 0; i < 10; i++)
    await storage.create({ resource: 'services', namespace: 'ns', name: `s${i}` }, svc(`s${i}`));
});

afterAll(async () => {
  for (const r of responders) r.stop();
  await storage.close();
  await Promise.all([nc.close(), client.close()]);
  await Promise.all([redis.stop(), nats.stop()]);
});

async function ask(resource: string, body: unknown): Promise<ReplayReply> {
  const m = await client.request(replaySubject(resource), encodeJSON(body), { timeout: 10_000 });
  return decodeJSON(m.data) as ReplayReply;
}

describe('replay responder', () => {
  it.each([
    {
      name: 'everything after 0',
      req: { fromRev: 0 },
      revs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      more: false,
    },
    { name: 'after 7', req: { fromRev: 7 }, revs: [8, 9, 10], more: false },
    { name: 'a page of 3', req: { fromRev: 2, limit: 3 }, revs: [3, 4, 5], more: true },
    { name: 'nothing after the head', req: { fromRev: 10 }, revs: [], more: false },
  ])(
    'answers $name',
    async ({ req, revs, more }: { req: ReplayRequest; revs: number[]; more: boolean }) => {
      const reply = await ask('services', req);
      if ('error' in reply) throw new Error(reply.error.message);
      expect(reply.events.map((e) => e.rev)).toEqual(revs);
      expect(reply.more).toBe(more);
      expect(reply.currentRev).toBeGreaterThanOrEqual(10);
      for (const e of reply.events) expect(e.prev).toBe(e.rev - 1);
    },
  );

  it('answers an empty stream for a resource never written', async () => {
    const reply = await ask('endpointslices', { fromRev: 0 });
    expect(reply).toMatchObject({ events: [], more: false });
  });

  it('answers 410 Expired once fromRev was compacted', async () => {
    for (let i = 0; i < 60; i++)
      await storage.create({ resource: 'pods', namespace: 'ns', name: `p${i}` }, svc(`p${i}`));
    const reply = await ask('pods', { fromRev: 3 });
    if (!('error' in reply)) throw new Error('expected an error');
    expect(reply.error).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(reply.error.message).toMatch(/^too old resource version: 3 \(\d+\)$/);
  });

  it('answers 400 for a malformed request', async () => {
    const reply = await ask('services', { fromRev: 'x' });
    expect(reply).toMatchObject({ error: { reason: 'BadRequest', code: 400 } });
  });

  it('cuts a reply to the NATS payload limit and says more', async () => {
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 8; i++)
      await storage.create(
        { resource: 'events', namespace: 'ns', name: `e${i}` },
        svc(`e${i}`, big),
      );
    const reply = await ask('events', { fromRev: 0 });
    if ('error' in reply) throw new Error(reply.error.message);
    expect(reply.more).toBe(true);
    expect(reply.events.length).toBeGreaterThan(0);
    expect(reply.events.length).toBeLessThan(8);
    const rest = await ask('events', { fromRev: reply.events.at(-1)?.rev ?? 0 });
    if ('error' in rest) throw new Error(rest.error.message);
    expect(rest.events[0]?.prev).toBe(reply.events.at(-1)?.rev);
  });
});
