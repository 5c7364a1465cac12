export { FakeListerWatcher } from './fake-lister-watcher.js';
export type { Action, Reactor, Verb } from './fake-client.js';
export { FakeClientSet, newFakeClientSet } from './fake-client.js';
export { mergePatch, ObjectTracker } from './object-tracker.js';
