// Change events on NATS: the publisher, the in-process sequencer behind Storage.subscribe, and the
// replay responder other processes catch up through.
export type { EventSequencerOptions, ExpiredHandler } from './event-sequencer.js';
export { EventSequencer } from './event-sequencer.js';
export { EventPublisher } from './publisher.js';
export type { ReplayResponder, ReplayResponderOptions } from './replay-responder.js';
export { DefaultReplayLimit, MaxReplayLimit, startReplayResponder } from './replay-responder.js';
