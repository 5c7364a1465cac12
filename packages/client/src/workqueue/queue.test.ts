import { describe, expect, it } from 'vitest';
import { FakeClock } from '@svclab/apimachinery';
import { newRateLimitingQueue } from './rate-limiting-queue.js';
import { FIFOQueue } from './queue.js';
import { DelayingFIFOQueue } from './delaying-queue.js';

type Op =
  { add: string } | { get: string } | { done: string } | { len: number } | { shutDown: true };

async function apply(q: FIFOQueue<string>, ops: Op[]): Promise<void> {
  for (const op of ops) {
    if ('add' in op) q.add(op.add);
    else if ('get' in op) expect((await q.get()).item).toBe(op.get);
    else if ('done' in op) q.done(op.done);
    else if ('len' in op) expect(q.len()).toBe(op.len);
    else q.shutDown();
  }
}

describe('FIFOQueue', () => {
  it.each<{ name: string; ops: Op[] }>([
    { name: 'FIFO order', ops: [{ add: 'a' }, { add: 'b' }, { get: 'a' }, { get: 'b' }] },
    {
      name: 'dedup while queued',
      ops: [
        { add: 'a' },
        { add: 'b' },
        { add: 'a' },
        { len: 2 },
        { get: 'a' },
        { get: 'b' },
        { len: 0 },
      ],
    },
    {
      name: 're-add while processing is held until done',
      ops: [
        { add: 'a' },
        { get: 'a' },
        { add: 'a' },
        { len: 0 },
        { add: 'a' },
        { len: 0 },
        { done: 'a' },
        { len: 1 },
        { get: 'a' },
      ],
    },
    {
      name: 'done without re-add does not requeue',
      ops: [{ add: 'a' }, { get: 'a' }, { done: 'a' }, { len: 0 }],
    },
    {
      name: 'items queued before shutdown still drain',
      ops: [{ add: 'a' }, { shutDown: true }, { add: 'b' }, { len: 1 }, { get: 'a' }],
    },
  ])('$name', async ({ ops }) => {
    await apply(new FIFOQueue<string>(), ops);
  });

  it('get waits for an add, and shutDown releases every waiter', async () => {
    const q = new FIFOQueue<string>();
    const first = q.get();
    const second = q.get();
    q.add('x');
    expect(await first).toEqual({ item: 'x', shutdown: false });
    q.shutDown();
    expect(await second).toEqual({ item: undefined, shutdown: true });
    expect(await q.get()).toEqual({ item: undefined, shutdown: true });
  });

  it('one item is never handed to two workers at once', async () => {
    const q = new FIFOQueue<string>();
    q.add('k');
    const a = await q.get();
    const pending = q.get();
    q.add('k');
    let got = false;
    void pending.then(() => (got = true));
    await Promise.resolve();
    expect(got).toBe(false);
    q.done(a.item ?? '');
    expect((await pending).item).toBe('k');
  });
});

describe('DelayingFIFOQueue', () => {
  it('adds after the delay; an earlier due time wins', () => {
    const clock = new FakeClock(0);
    const q = new DelayingFIFOQueue<string>(clock);
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    q.addAfter('b', 0);
    expect(q.len()).toBe(1);
    clock.step(49);
    expect(q.len()).toBe(1);
    clock.step(1);
    expect(q.len()).toBe(2);
    clock.step(1000);
    expect(q.len()).toBe(2);
  });
});

describe('RateLimitingQueue', () => {
  it('addRateLimited waits 5ms·2^n; forget resets; numRequeues counts', async () => {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<string>({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      let waited = 0;
      while (q.len() === 0 && waited < 1000) {
        clock.step(1);
        waited++;
      }
      delays.push(clock.now() - start);
      const r = await q.get();
      q.done(r.item ?? '');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
  });
});
