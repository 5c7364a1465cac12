// Prometheus metrics under CoreDNS's names and labels (plugin/metrics/vars, plugin/cache/metrics.go,
// plugin/forward/metrics.go, plugin/pkg/proxy/metrics.go). One registry per server instance.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** plugin.TimeBuckets: ExponentialBuckets(0.00025, 2, 16), seconds. */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export class DnsMetrics {
  readonly registry = new Registry();
  /** Label children by key: prom-client validates label objects on every call, children skip that. */
  private readonly children = new Map<string, { inc(): void } | { observe(v: number): void }>();
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
  readonly duration = new Histogram({
    name: 'coredns_dns_request_duration_seconds',
    help: 'Histogram of the time (in seconds) each request took per zone.',
    labelNames: ['server', 'zone', 'view', 'type'] as const,
    buckets: TIME_BUCKETS,
    registers: [this.registry],
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
  });
  readonly cacheHits = new Counter({
    name: 'coredns_cache_hits_total',
    help: 'The count of cache hits.',
    labelNames: ['server', 'type', 'zones', 'view'] as const,
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: 'coredns_cache_misses_total',
    help: 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.',
    labelNames: ['server', 'zones', 'view'] as const,
    registers: [this.registry],
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
  observeQuery(
    q: {
      server: string;
      proto: string;
      family: string;
      type: string;
      rcode: string;
      plugin: string;
    },
    seconds: number,
  ): void {
    const reqKey = `r\u0000${q.server}\u0000${q.proto}\u0000${q.family}\u0000${q.type}`;
    const req = this.pending.get(reqKey);
    if (req) req.n++;
    else {
      const child = this.requests.labels({
        server: q.server,
        zone: '.',
        view: '',
        proto: q.proto,
        family: q.family,
        type: q.type,
      });
      this.pending.set(reqKey, { child, n: 1 });
    }
    this.observeResponse(q);
    const durKey = `d\u0000${q.server}\u0000${q.type}`;
    let dur = this.children.get(durKey) as { observe(v: number): void } | undefined;
    if (!dur) {
      dur = this.duration.labels({ server: q.server, zone: '.', view: '', type: q.type });
      this.children.set(durKey, dur);
    }
    dur.observe(seconds);
  }

  /** coredns_dns_responses_total for one reply. */
  observeResponse(q: { server: string; rcode: string; plugin: string }): void {
    const key = `s\u0000${q.server}\u0000${q.rcode}\u0000${q.plugin}`;
    const c = this.pending.get(key);
    if (c) c.n++;
    else {
      const child = this.responses.labels({
        server: q.server,
        zone: '.',
        view: '',
        rcode: q.rcode,
        plugin: q.plugin,
      });
      this.pending.set(key, { child, n: 1 });
    }
  }

  /** Hands the added-up request/response counts to prom-client; runs on every collect. */
  flushCounts(): void {
    for (const p of this.pending.values()) {
      if (p.n === 0) continue;
      p.child.inc(p.n);
      p.n = 0;
    }
  }
}
