export type { LogFields, Logger, LoggerOptions, LogLevel } from './logger.js';
export { createLogger, memoryLogger, nopLogger, parseLogLevel } from './logger.js';
export type { TelemetryHandle } from './tracing.js';
export { contextFromTraceparent, initTelemetry, traceparentOf, withSpan } from './tracing.js';
export type { HealthServer } from './health-server.js';
export { startHealthServer } from './health-server.js';
