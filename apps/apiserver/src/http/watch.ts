// HTTP watch (`?watch=true`), served from the store's change stream: an optional initial list as
// ADDED events, then `storage.replay` from the start revision, then live `storage.subscribe`
// events, with gap detection on `prev` (a missed event triggers a replay). A start revision that
// was compacted ends the stream with an ERROR event carrying a 410 Expired Status.
import type { Request, Response } from 'express';
import type { KubeObject, ResourceInfo, Status } from '@svclab/api';
import { groupVersion } from '@svclab/api';
import { isStatusError, toStatusError } from '@svclab/apimachinery';
import type { ChangeEvent } from '@svclab/bus';
import type { Logger } from '@svclab/telemetry';
import { rawObjectJSON } from '../events/raw-event.js';
import type { Store } from '../registry/generic/store.js';
import type { Selection } from '../registry/generic/selection.js';
import type { Storage } from '../storage/interface.js';

export interface WatchParams {
  readonly storage: Storage;
  readonly store: Store;
  readonly info: ResourceInfo;
  /** Only objects of this namespace; undefined: all. */
  readonly namespace?: string;
  readonly selection: Selection;
  /** Start after this revision; undefined or 0 starts with the current state as ADDED events. */
  readonly fromRev?: number;
  readonly timeoutSeconds: number;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  readonly bookmarkIntervalMs: number;
  /** Encodes an object for the wire (a one-row Table when the client asked for Tables). */
  readonly encode: (obj: KubeObject) => unknown;
  /**
   * `encode` is the identity (plain JSON, no Table): events decoded with their object's text
   * (decodeChangeEvent) are written from that text instead of re-encoding the object.
   */
  readonly plainJSON?: boolean;
  readonly logger: Logger;
}

/** RedisStorage's variant of subscribe: tells watchers when their missed events were compacted. */
export interface ExpiringStorage {
  subscribeWithExpiry(onEvent: (e: ChangeEvent) => void, onExpired: (resource: string, err: unknown) => void): () => void;
}

/** Events fetched per replay call. */
const replayBatch = 1000;

export async function serveWatch(req: Request, res: Response, p: WatchParams): Promise<void> {
  const queue: ChangeEvent[] = [];
  let wake: (() => void) | undefined;
  const state = { closed: false };
  let expired: unknown;
  const onEvent = (e: ChangeEvent): void => {
    if (e.resource !== p.info.resource) return;
    queue.push(e);
    wake?.();
  };
  const withExpiry = (p.storage as Partial<ExpiringStorage>).subscribeWithExpiry;
  const unsubscribe =
    withExpiry === undefined
      ? p.storage.subscribe(onEvent)
      : withExpiry.call(p.storage, onEvent, (resource, err) => {
          if (resource !== p.info.resource) return;
          expired = err;
          wake?.();
        });
  const close = (): void => {
    if (state.closed) return;
    state.closed = true;
    unsubscribe();
    clearTimeout(timeout);
    clearInterval(bookmarks);
    wake?.();
    if (!res.writableEnded) res.end();
  };
  const timeout = setTimeout(close, p.timeoutSeconds * 1000);
  req.on('close', close);
  res.on('close', close);

  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();

  const write = (type: string, object: unknown): void => {
    if (!state.closed && !res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const apiVersion = groupVersion(p.info);
  const typed = (o: KubeObject): KubeObject => ({ ...o, apiVersion, kind: p.info.kind });
  /** What a stored object of this resource's apiVersion and kind starts with (serialise). */
  const typedPrefix = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(p.info.kind)}`;
  const everything = p.selection.empty();
  /**
   * The object text of `e` when writing it yields the same bytes as `write(e.type, typed(e.object))`:
   * the object already carries this apiVersion and kind (so `typed` changes nothing) and is encoded as is.
   */
  const rawOf = (e: ChangeEvent): string | undefined => {
    if (p.plainJSON !== true) return undefined;
    const raw = rawObjectJSON(e);
    // Stored text (serialise) starts with apiVersion and kind when the object has them: checked on
    // the text, so that the object need not be decoded.
    if (raw === undefined || !raw.startsWith(typedPrefix)) return undefined;
    const next = raw.charCodeAt(typedPrefix.length);
    return next === 44 /* , */ || next === 125 /* } */ ? raw : undefined;
  };
  let lastRev = 0;
  const bookmark = (annotations?: Record<string, string>): void => {
    write('BOOKMARK', {
      apiVersion,
      kind: p.info.kind,
      metadata: { resourceVersion: String(lastRev), ...(annotations ? { annotations } : {}) },
    });
  };
  // Bookmarks only once the start revision is known (never a BOOKMARK at "0").
  const started = { value: false };
  const bookmarks = setInterval(() => {
    if (p.allowBookmarks && started.value) bookmark();
  }, p.bookmarkIntervalMs);

  const emit = (e: ChangeEvent): void => {
    if (e.rev <= lastRev) return;
    lastRev = e.rev;
    if (p.namespace !== undefined && e.namespace !== p.namespace) return;
    if (!everything && !p.selection.matches(e.object)) return;
    const raw = rawOf(e);
    if (raw === undefined) write(e.type, p.encode(typed(e.object)));
    else if (!state.closed && !res.writableEnded) res.write(`{"type":${JSON.stringify(e.type)},"object":${raw}}\n`);
  };
  const catchUp = async (): Promise<void> => {
    for (;;) {
      const r = await p.storage.replay(p.info.resource, lastRev, replayBatch);
      for (const e of r.events) emit(e);
      if (!r.more || state.closed) return;
    }
  };

  try {
    if (p.fromRev === undefined || p.fromRev === 0 || p.sendInitialEvents) {
      const page = await p.store.list({
        ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
        selection: p.selection,
      });
      for (const o of page.items) write('ADDED', p.encode(o));
      lastRev = Number(page.resourceVersion);
      if (p.sendInitialEvents && p.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      lastRev = p.fromRev;
    }
    await catchUp();
    started.value = true;
    while (!state.closed) {
      if (expired !== undefined) throw toStatusError(expired);
      const e = queue.shift();
      if (e === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (e.rev <= lastRev) continue;
      // `prev` newer than what we have: events were missed (or are still in flight) — replay.
      if (e.prev > lastRev) await catchUp();
      emit(e);
    }
  } catch (err) {
    const status: Status = toStatusError(err).status;
    if (!isStatusError(err)) p.logger.error('watch failed', { resource: p.info.resource, err });
    write('ERROR', status);
    close();
  }
}
