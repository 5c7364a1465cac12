// A histogram that prom-client reads but does not update: an observation is an array increment on a
// series resolved once, where prom-client's Histogram validates and hashes the labels on every
// observe (a measurable share of a cached DNS reply). The exposition is the same as prom-client's.
import type { Metric, Registry } from 'prom-client';

interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

/** The shape prom-client's registry (and AggregatorRegistry) reads from a metric's get(). */
export interface HistogramObject {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly values: readonly Sample[];
  readonly aggregator: 'sum';
}

/** One label set: bucket counts (not cumulative; the last is +Inf), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > (b[i] ?? Infinity)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += seconds;
    this.count++;
  }
}

export class BatchedHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly L[];
  private readonly bounds: readonly number[];

  /** Registers itself in `registry` under `name`. `buckets` ascending, seconds. */
  constructor(opts: {
    readonly name: string;
    readonly help: string;
    readonly labelNames: readonly L[];
    readonly buckets: readonly number[];
    readonly registry: Registry;
  }) {
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames;
    this.bounds = opts.buckets;
    opts.registry.registerMetric(this as unknown as Metric);
  }

  /** The series for `labels`, created on first use; callers keep it and observe on it. */
  labels(labels: Readonly<Record<L, string>>): HistogramSeries {
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = new HistogramSeries({ ...labels }, this.bounds);
      this.series.set(key, s);
    }
    return s;
  }

  /** What prom-client's Histogram.get() returns, for the registry and AggregatorRegistry. */
  get(): Promise<HistogramObject> {
    const values: Sample[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i] ?? 0;
        values.push({ labels: { le, ...s.labels }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` },
        { labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` },
        { labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  reset(): void {
    this.series.clear();
  }
}
