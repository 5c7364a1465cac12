import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BatchedHistogram } from './batched-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1];
const opts = { name: 'h_seconds', help: 'help', labelNames: ['type'] as const };

/** Lines sorted, so only the samples (not their order) are compared. */
const lines = (text: string): string[] => text.split('\n').filter(Boolean).sort();

describe('BatchedHistogram', () => {
  it.each([
    { name: 'no observations', obs: [] },
    {
      name: 'one per bucket and +Inf',
      obs: [
        ['A', 0.0005],
        ['A', 0.005],
        ['A', 0.05],
        ['A', 5],
      ],
    },
    {
      name: 'on the bounds (le is inclusive)',
      obs: [
        ['A', 0.001],
        ['A', 0.01],
        ['A', 0.1],
      ],
    },
    {
      name: 'two label sets',
      obs: [
        ['A', 0.002],
        ['SRV', 0.2],
        ['A', 0.0001],
      ],
    },
  ] as { name: string; obs: [string, number][] }[])(
    'exposes what prom-client Histogram does: $name',
    async ({ obs }) => {
      const ours = new Registry();
      const theirs = new Registry();
      const h = new BatchedHistogram({ ...opts, buckets: BUCKETS, registry: ours });
      const p = new Histogram({ ...opts, buckets: BUCKETS, registers: [theirs] });
      for (const [type, v] of obs) {
        h.labels({ type }).observe(v);
        p.labels({ type }).observe(v);
      }
      expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
    },
  );

  it('sums across registries as AggregatorRegistry does for workers', async () => {
    const regs = [new Registry(), new Registry()];
    regs.forEach((registry, i) => {
      new BatchedHistogram({ ...opts, buckets: BUCKETS, registry })
        .labels({ type: 'A' })
        .observe(0.005 * (i + 1));
    });
    const merged = AggregatorRegistry.aggregate(
      await Promise.all(regs.map((r) => r.getMetricsAsJSON())),
    );
    const text = await merged.metrics();
    expect(text).toContain('h_seconds_count{type="A"} 2');
    expect(text).toContain('h_seconds_bucket{le="0.01",type="A"} 2');
    expect(text).toContain('h_seconds_bucket{le="0.001",type="A"} 0');
  });
});
