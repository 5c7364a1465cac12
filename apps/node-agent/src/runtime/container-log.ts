// One container's log, as the kubelet's CRI log file would hold it: timestamped lines, the last
// `maxLines` kept. Reads take the kubelet's options (tailLines, sinceSeconds, timestamps,
// limitBytes); `follow` streams the lines written after it.

export interface LogReadOptions {
  /** Only the last N lines (before limitBytes). */
  readonly tailLines?: number;
  /** Only lines written at most this many seconds ago. */
  readonly sinceSeconds?: number;
  /** Prefix each line with its RFC 3339 time with nanoseconds, as `kubectl logs --timestamps`. */
  readonly timestamps?: boolean;
  /** At most this many bytes (the output is cut, possibly mid-line, as upstream). */
  readonly limitBytes?: number;
}

interface Line {
  readonly at: number;
  readonly text: string;
}

const defaultMaxLines = 10_000;

/** `2026-11-26T15:04:05.123000000Z`: the CRI log's nanosecond time (ms precision here). */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class ContainerLog {
  private readonly lines: Line[] = [];
  private readonly followers = new Set<(line: string, at: number) => void>();
  private readonly enders = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxLines = defaultMaxLines,
  ) {}

  /** Appends one line (a trailing newline is implied). */
  write(text: string): void {
    const at = this.now();
    this.lines.push({ at, text });
    // Trimmed in batches, so a busy container's writes stay O(1) amortised; reads see maxLines.
    if (this.lines.length >= 2 * this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
    for (const f of this.followers) f(text, at);
  }

  /** The selected lines, each ending in a newline. */
  read(opts: LogReadOptions = {}): string {
    let lines = this.lines.length > this.maxLines ? this.lines.slice(-this.maxLines) : this.lines;
    if (opts.sinceSeconds !== undefined) {
      const from = this.now() - opts.sinceSeconds * 1000;
      lines = lines.filter((l) => l.at >= from);
    }
    if (opts.tailLines !== undefined)
      lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
    const out = lines.map((l) => this.format(l.text, l.at, opts.timestamps === true)).join('');
    return opts.limitBytes === undefined
      ? out
      : Buffer.from(out).subarray(0, opts.limitBytes).toString();
  }

  /**
   * Calls `onLine` with each line written from now on (formatted as `read` does) and `onEnd` once
   * the container instance is gone (`close`); returns a stop.
   */
  follow(
    onLine: (formatted: string) => void,
    opts: { timestamps?: boolean; onEnd?: () => void } = {},
  ): () => void {
    const f = (text: string, at: number): void => {
      onLine(this.format(text, at, opts.timestamps === true));
    };
    const end = opts.onEnd ?? ((): void => undefined);
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.followers.add(f);
    this.enders.add(end);
    return () => {
      this.followers.delete(f);
      this.enders.delete(end);
    };
  }

  /** The container instance stopped: followers end; the lines stay readable (`--previous`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.followers.clear();
    for (const e of this.enders) e();
    this.enders.clear();
  }

  private format(text: string, at: number, timestamps: boolean): string {
    return timestamps ? `${formatTime(at)} ${text}\n` : `${text}\n`;
  }
}
