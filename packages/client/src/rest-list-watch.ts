// A ListerWatcher over plain REST: list, then `?watch=true` (cache.NewListWatchFromClient).
import type { KubeObject } from '@svclab/api';
import type {
  ListerWatcher,
  ListOptions,
  ListResult,
  WatchEvent,
  WatchOptions,
} from './list-watch.js';
import type { TypedClient } from './rest-client.js';

export interface ListWatchSelectors {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export function newListWatchFromClient<T extends KubeObject>(
  client: TypedClient<T>,
  selectors: ListWatchSelectors = {},
): ListerWatcher<T> {
  return {
    async list(opts?: ListOptions): Promise<ListResult<T>> {
      const l = await client.list({
        ...selectors,
        ...(opts?.signal === undefined ? {} : { signal: opts.signal }),
      });
      return { items: l.items, resourceVersion: l.metadata.resourceVersion ?? '' };
    },
    watch(opts: WatchOptions): AsyncIterable<WatchEvent<T>> {
      return client.watch({
        ...selectors,
        resourceVersion: opts.resourceVersion,
        signal: opts.signal,
      });
    },
  };
}
