export type { LogFields, Logger, LoggerOptions, LogLevel } from './logger.js';
export { createLogger, memoryLogger, nopLogger, parseLogLevel } from './logger.js';
export type { TelemetryHandle } from './tracing.js';
export { contextFromTraceparent, initTelemetry, traceparentOf, withSpan } from './tracing.js';
