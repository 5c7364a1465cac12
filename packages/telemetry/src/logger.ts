// Structured JSON-lines logger. Every component logs through an injected Logger, never console.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly component: string;
  readonly level?: LogLevel;
  /** Where lines go; default process.stdout. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

function serialise(v: unknown): unknown {
  if (v instanceof Error) {
    const cause = (v as { cause?: unknown }).cause;
    return {
      name: v.name,
      message: v.message,
      ...(cause === undefined ? {} : { cause: serialise(cause) }),
    };
  }
  return v;
}

function make(opts: LoggerOptions, base: LogFields): Logger {
  const min = order[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const now = opts.now ?? (() => new Date());
  const log =
    (level: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (order[level] < min) return;
      const rec: Record<string, unknown> = {
        time: now().toISOString(),
        level,
        component: opts.component,
        msg,
      };
      for (const [k, v] of Object.entries({ ...base, ...fields })) rec[k] = serialise(v);
      write(`${JSON.stringify(rec)}\n`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => make(opts, { ...base, ...fields }),
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  return make(opts, {});
}

export function parseLogLevel(s: string | undefined): LogLevel {
  return s === 'debug' || s === 'warn' || s === 'error' ? s : 'info';
}

/** A logger that keeps lines in memory; for tests. */
export function memoryLogger(component = 'test'): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const l = createLogger({
    component,
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return Object.assign(l, { lines });
}

export const nopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nopLogger,
};
