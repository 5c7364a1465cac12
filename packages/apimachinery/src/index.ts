export type { BadValue, FieldError } from './field-path.js';
export {
  errorBody,
  FieldErrorType,
  fieldErrors,
  fieldErrorString,
  FieldPath,
  fieldPath,
  goQuote,
} from './field-path.js';
export type { GroupKind, GroupResource } from './status-error.js';
export {
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isInternalError,
  isInvalid,
  isNotFound,
  isResourceExpired,
  isServiceUnavailable,
  isStatusError,
  isTooManyRequests,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newForbidden,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotAcceptable,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  newUnauthorized,
  newUnsupportedMediaType,
  OptimisticLockErrorMsg,
  StatusError,
  statusOf,
  toStatusError,
} from './status-error.js';
export type { Operator, Requirement, Selector } from './labels.js';
export {
  everything,
  isLabelSelectorParseError,
  LabelSelectorParseError,
  nothing,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
} from './labels.js';
export type { FieldRequirement, FieldSelector } from './field-selector.js';
export { parseFieldSelector } from './field-selector.js';
export {
  compareResourceVersion,
  metaNamespaceKey,
  namespacedKey,
  parseResourceVersion,
  splitMetaNamespaceKey,
} from './keys.js';
export type { Clock, Timer } from './clock.js';
export { FakeClock, RealClock, realClock } from './clock.js';
export type { BackoffOptions } from './backoff.js';
export { Backoff, jitter } from './backoff.js';
export type { BoundedFrequencyRunnerOptions } from './bounded-frequency-runner.js';
export { BoundedFrequencyRunner, TokenBucket } from './bounded-frequency-runner.js';
export { semanticEqual } from './semantic-equal.js';
export { parseDuration } from './duration.js';
