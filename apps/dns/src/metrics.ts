// Prometheus metrics under CoreDNS's names and labels (plugin/metrics/vars, plugin/cache/metrics.go,
// plugin/forward/metrics.go, plugin/pkg/proxy/metrics.go). One registry per server instance.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BatchedHistogram, type HistogramSeries } from './batched-histogram.js';

/** plugin.TimeBuckets: ExponentialBuckets(0.00025, 2, 16), seconds. */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** The labels of one answered query (coredns_dns_requests/responses_total, request_duration). */
export interface QueryLabels {
  readonly server: string;
  readonly proto: string;
  readonly family: string;
  readonly type: string;
  readonly rcode: string;
  readonly plugin: string;
}

/** The server metrics of one QueryLabels, resolved (DnsMetrics.querySlot). */
export interface QuerySlot {
  observe(seconds: number): void;
}

export class DnsMetrics {
  readonly registry = new Registry();
  /** Handles from batchedCounter(). */
  private readonly batched: { readonly child: { inc(n: number): void }; n: number }[] = [];
  /** Duration series by key, resolved once. */
  private readonly durations = new Map<string, HistogramSeries>();
  /**
   * Per-query counter increments, added up here and handed to prom-client when it collects (a scrape,
   * or `get()`): an `inc()` per query hashes the labels every time, which cost more than the lookup.
   */
  private readonly pending = new Map<
    string,
    { readonly child: { inc(n: number): void }; n: number }
  >();
  readonly requests = new Counter({
    name: 'coredns_dns_requests_total',
    help: 'Counter of DNS requests made per zone, protocol and family.',
    labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushCounts();
    },
  });
  readonly responses = new Counter({
    name: 'coredns_dns_responses_total',
    help: 'Counter of response status codes.',
    labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushCounts();
    },
  });
  readonly duration = new BatchedHistogram({
    name: 'coredns_dns_request_duration_seconds',
    help: 'Histogram of the time (in seconds) each request took per zone.',
    labelNames: ['server', 'zone', 'view', 'type'] as const,
    buckets: TIME_BUCKETS,
    registry: this.registry,
  });
  readonly cacheEntries = new Gauge({
    name: 'coredns_cache_entries',
    help: 'The number of elements in the cache.',
    labelNames: ['server', 'type', 'zones', 'view'] as const,
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 'coredns_cache_requests_total',
    help: 'The count of cache requests.',
    labelNames: ['server', 'zones', 'view'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushCounts();
    },
  });
  readonly cacheHits = new Counter({
    name: 'coredns_cache_hits_total',
    help: 'The count of cache hits.',
    labelNames: ['server', 'type', 'zones', 'view'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushCounts();
    },
  });
  readonly cacheMisses = new Counter({
    name: 'coredns_cache_misses_total',
    help: 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.',
    labelNames: ['server', 'zones', 'view'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushCounts();
    },
  });
  readonly forwardRequests = new Counter({
    name: 'coredns_forward_requests_total',
    help: 'Counter of requests made per upstream.',
    labelNames: ['to'] as const,
    registers: [this.registry],
  });
  readonly forwardResponses = new Counter({
    name: 'coredns_forward_responses_total',
    help: 'Counter of responses received per upstream.',
    labelNames: ['to', 'rcode'] as const,
    registers: [this.registry],
  });
  readonly forwardDuration = new Histogram({
    name: 'coredns_forward_request_duration_seconds',
    help: 'Histogram of the time each request took.',
    labelNames: ['to', 'rcode'] as const,
    buckets: TIME_BUCKETS,
    registers: [this.registry],
  });
  readonly proxyDuration = new Histogram({
    name: 'coredns_proxy_request_duration_seconds',
    help: 'Histogram of the time each request took.',
    labelNames: ['proxy_name', 'to', 'rcode'] as const,
    buckets: TIME_BUCKETS,
    registers: [this.registry],
  });
  readonly healthcheckBroken = new Counter({
    name: 'coredns_forward_healthcheck_broken_total',
    help: 'Counter of the number of complete failures of the healthchecks.',
    registers: [this.registry],
  });
  readonly autopathSuccess = new Counter({
    name: 'coredns_autopath_success_total',
    help: 'Counter of requests that did autopath.',
    labelNames: ['server'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'coredns_forward_refused_total',
    help: 'Counter of recursive queries refused because the client is not in an allowed range (svclab).',
    registers: [this.registry],
  });

  /** One query answered: the three server metrics, through cached label children. */
  observeQuery(q: QueryLabels, seconds: number): void {
    this.pendingRequests(q).n++;
    this.observeResponse(q);
    this.durationSeries(q).observe(seconds);
  }

  /**
   * The three server metrics of one label set, resolved once: `observe` is then two counter
   * increments and a bucket increment (cached replies keep the slot with the entry).
   */
  querySlot(q: QueryLabels): QuerySlot {
    const req = this.pendingRequests(q);
    const resp = this.pendingResponses(q);
    const dur = this.durationSeries(q);
    return {
      observe: (seconds: number): void => {
        req.n++;
        resp.n++;
        dur.observe(seconds);
      },
    };
  }

  private pendingRequests(q: QueryLabels): { n: number } {
    const key = `r\u0000${q.server}\u0000${q.proto}\u0000${q.family}\u0000${q.type}`;
    let p = this.pending.get(key);
    if (!p) {
      const child = this.requests.labels({
        server: q.server,
        zone: '.',
        view: '',
        proto: q.proto,
        family: q.family,
        type: q.type,
      });
      p = { child, n: 0 };
      this.pending.set(key, p);
    }
    return p;
  }

  private pendingResponses(q: { server: string; rcode: string; plugin: string }): { n: number } {
    const key = `s\u0000${q.server}\u0000${q.rcode}\u0000${q.plugin}`;
    let p = this.pending.get(key);
    if (!p) {
      const child = this.responses.labels({
        server: q.server,
        zone: '.',
        view: '',
        rcode: q.rcode,
        plugin: q.plugin,
      });
      p = { child, n: 0 };
      this.pending.set(key, p);
    }
    return p;
  }

  private durationSeries(q: { server: string; type: string }): HistogramSeries {
    const key = `d\u0000${q.server}\u0000${q.type}`;
    let dur = this.durations.get(key);
    if (!dur) {
      dur = this.duration.labels({ server: q.server, zone: '.', view: '', type: q.type });
      this.durations.set(key, dur);
    }
    return dur;
  }

  /** coredns_dns_responses_total for one reply. */
  observeResponse(q: { server: string; rcode: string; plugin: string }): void {
    this.pendingResponses(q).n++;
  }

  /**
   * An increment-only handle on `counter` with `labels` whose increments are added up here and handed
   * to prom-client on collect (the counter must flush on collect, as the cache counters do).
   */
  batchedCounter<L extends string>(
    counter: Counter<L>,
    labels: Partial<Record<L, string>>,
  ): { inc(): void } {
    const p = { child: counter.labels(labels), n: 0 };
    this.batched.push(p);
    return {
      inc: (): void => {
        p.n++;
      },
    };
  }

  /** Hands the added-up counts to prom-client; runs on every collect. */
  flushCounts(): void {
    for (const p of this.batched) {
      if (p.n === 0) continue;
      p.child.inc(p.n);
      p.n = 0;
    }
    for (const p of this.pending.values()) {
      if (p.n === 0) continue;
      p.child.inc(p.n);
      p.n = 0;
    }
  }
}
