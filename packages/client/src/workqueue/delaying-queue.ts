// DelayingQueue: `addAfter(item, ms)` adds the item once the delay passed (client-go delaying_queue.go).
import { realClock, type Clock, type Timer } from '@svclab/apimachinery';
import { FIFOQueue, type Queue } from './queue.js';

export interface DelayingQueue<T> extends Queue<T> {
  /** Adds `item` after `ms`; an earlier pending add of the same item wins (later ones are merged). */
  addAfter(item: T, ms: number): void;
}

export class DelayingFIFOQueue<T> extends FIFOQueue<T> implements DelayingQueue<T> {
  private readonly waiting = new Map<T, { due: number; timer: Timer }>();

  constructor(protected readonly clock: Clock = realClock) {
    super();
  }

  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing !== undefined) {
      if (existing.due <= due) return;
      existing.timer.stop();
    }
    const timer = this.clock.afterFunc(ms, () => {
      this.waiting.delete(item);
      this.add(item);
    });
    this.waiting.set(item, { due, timer });
  }

  override shutDown(): void {
    for (const w of this.waiting.values()) w.timer.stop();
    this.waiting.clear();
    super.shutDown();
  }
}
