export { FakeListerWatcher } from './fake-lister-watcher.js';
