// Informer wiring the workload controllers share: an owner kind's events queue its own key; a
// dependent kind's events queue the key of its controlling owner.
import type { KubeObject } from '@svclab/api';
import { metaNamespaceKey } from '@svclab/apimachinery';
import type { RateLimitingQueue, SharedIndexInformer } from '@svclab/client';
import { finalState, ownerKey } from '../util/owner.js';

/** Queues the key of every added, updated or deleted `T`; `onDeleted` sees deletions first. */
export function queueOwnEvents<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  queue: RateLimitingQueue<string>,
  onDeleted?: (key: string) => void,
): void {
  const enqueue = (obj: T): void => {
    queue.add(metaNamespaceKey(obj));
  };
  informer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, cur) => {
      enqueue(cur);
    },
    onDelete: (obj) => {
      const last = finalState(obj);
      if (last === undefined) return;
      onDeleted?.(metaNamespaceKey(last));
      enqueue(last);
    },
  });
}

/** Queues the key of the `ownerKind` object controlling each added, updated or deleted `T`. */
export function queueOwnerOfEvents<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  queue: RateLimitingQueue<string>,
  ownerKind: string,
): void {
  const enqueue = (obj: T | undefined): void => {
    const k = obj === undefined ? undefined : ownerKey(obj, ownerKind);
    if (k !== undefined) queue.add(k);
  };
  informer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, cur) => {
      enqueue(cur);
    },
    onDelete: (obj) => {
      enqueue(finalState(obj));
    },
  });
}
