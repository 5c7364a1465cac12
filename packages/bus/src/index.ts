export type { ChangeEvent, ChangeType, ReplayReply, ReplayRequest } from './event.js';
export { decodeJSON, encodeJSON } from './event.js';
export {
  ClusterScopeToken,
  eventSubject,
  replaySubject,
  ReplayQueueGroup,
  resourceEventsWildcard,
  TraceparentHeader,
  TracestateHeader,
} from './subjects.js';
