// Answers `k8s.replay.<resource>` requests (queue group `apiserver`, so one replica answers each)
// out of the Redis change stream: how informers in other processes catch up after a gap.
import { newBadRequest, toStatusError } from '@svclab/apimachinery';
import {
  decodeJSON,
  encodeJSON,
  ReplayQueueGroup,
  replaySubject,
  type ReplayReply,
  type ReplayRequest,
} from '@svclab/bus';
import type { Logger } from '@svclab/telemetry';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Storage } from '../storage/interface.js';

/** Events per reply when the request names no limit. */
export const DefaultReplayLimit = 1000;
/** Upper bound on a requested limit. */
export const MaxReplayLimit = 10_000;
/** Share of the server's max_payload a reply may use (room for headers and framing). */
const PayloadBudget = 0.9;

export interface ReplayResponderOptions {
  readonly nc: NatsConnection;
  readonly storage: Pick<Storage, 'replay'>;
  readonly logger: Logger;
}

export interface ReplayResponder {
  /** Resolves once the NATS server has registered the subscription. */
  readonly ready: Promise<void>;
  stop(): void;
}

/**
 * Starts answering replay requests. A request body is a `ReplayRequest` (`{fromRev, limit?}`); the
 * reply is `{events, more, currentRev}`, cut short (with `more: true`) to fit the NATS payload
 * limit, or `{error: Status}` — 410 Expired when `fromRev` was compacted, 400 for a bad request.
 */
export function startReplayResponder(opts: ReplayResponderOptions): ReplayResponder {
  const logger = opts.logger.child({ component: 'replay-responder' });
  const prefix = replaySubject('');
  const sub: Subscription = opts.nc.subscribe(replaySubject('*'), {
    queue: ReplayQueueGroup,
    callback: (err, msg) => {
      if (err !== null) {
        logger.warn('replay subscription error', { err });
        return;
      }
      void answer(msg, msg.subject.slice(prefix.length));
    },
  });

  async function answer(msg: Msg, resource: string): Promise<void> {
    let reply: ReplayReply;
    try {
      const req = decodeJSON(msg.data) as ReplayRequest;
      if (typeof req.fromRev !== 'number' || !Number.isFinite(req.fromRev) || req.fromRev < 0) {
        throw new TypeError('fromRev must be a non-negative number');
      }
      const limit = Math.min(
        Math.max(1, Math.floor(req.limit ?? DefaultReplayLimit)),
        MaxReplayLimit,
      );
      const r = await opts.storage.replay(resource, req.fromRev, limit);
      reply = { events: r.events, more: r.more, currentRev: r.currentRev };
    } catch (e) {
      const status =
        e instanceof TypeError || e instanceof SyntaxError
          ? newBadRequest(e.message).status
          : toStatusError(e).status;
      if (status.code !== 410 && status.code !== 400)
        logger.error('replay failed', { resource, err: e });
      reply = { error: status };
    }
    try {
      msg.respond(
        fit(reply, Math.floor((opts.nc.info?.max_payload ?? 1024 * 1024) * PayloadBudget)),
      );
    } catch (e) {
      logger.warn('replay reply failed', { resource, err: e });
    }
  }

  return {
    ready: opts.nc.flush(),
    stop: () => {
      if (!opts.nc.isClosed()) sub.unsubscribe();
    },
  };
}

/** Encodes `reply`, dropping trailing events (and setting `more`) until it fits `budget` bytes. */
function fit(reply: ReplayReply, budget: number): Uint8Array {
  let data = encodeJSON(reply);
  if (data.length <= budget || !('events' in reply)) return data;
  let events = reply.events;
  while (data.length > budget && events.length > 1) {
    events = events.slice(0, Math.max(1, Math.floor((events.length * budget) / data.length)));
    data = encodeJSON({ events, more: true, currentRev: reply.currentRev } satisfies ReplayReply);
  }
  return data;
}
