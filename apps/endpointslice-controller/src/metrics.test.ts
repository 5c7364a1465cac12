import { describe, expect, it } from 'vitest';
import { EndpointSliceMetrics } from './metrics.js';
import type { PortMapEfficiency } from './reconciler.js';

const eff = (endpoints: number, slices: number): PortMapEfficiency[] => [
  { addressType: 'IPv4', portMapKey: '[]', endpoints, slices },
];

async function gauges(m: EndpointSliceMetrics): Promise<Record<string, string[]>> {
  const text = await m.registry.metrics();
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const name = line.replace(/[{ ].*/, '');
    if (
      !/_desired$|_num_endpoint_slices$|_desired_endpoint_slices$|traffic_distribution$/.test(name)
    )
      continue;
    (out[name] ??= []).push(line);
  }
  return out;
}

describe('EndpointSliceMetrics efficiency cache (running totals)', () => {
  it('adds, replaces and removes a Service’s contribution; counts Services per trafficDistribution', async () => {
    const m = new EndpointSliceMetrics({ maxEndpointsPerSlice: 100 });
    const sync = (key: string, e: PortMapEfficiency[], td = ''): void => {
      m.observeSync(key, {
        added: 0,
        removed: 0,
        changed: 0,
        efficiency: e,
        trafficDistribution: td,
      });
    };
    sync('default/a', eff(150, 3), 'PreferClose');
    sync('default/b', eff(10, 1), 'PreferClose');
    sync('default/c', [...eff(0, 1), ...eff(5, 1)]);
    expect(await gauges(m)).toEqual({
      endpoint_slice_controller_endpoints_desired: [
        'endpoint_slice_controller_endpoints_desired 165',
      ],
      endpoint_slice_controller_num_endpoint_slices: [
        'endpoint_slice_controller_num_endpoint_slices 6',
      ],
      endpoint_slice_controller_desired_endpoint_slices: [
        'endpoint_slice_controller_desired_endpoint_slices 5',
      ],
      endpoint_slice_controller_services_count_by_traffic_distribution: [
        'endpoint_slice_controller_services_count_by_traffic_distribution{traffic_distribution="PreferClose"} 2',
      ],
    });
    sync('default/a', eff(50, 1));
    m.deleteService('default/b');
    m.deleteService('default/unknown');
    expect(await gauges(m)).toEqual({
      endpoint_slice_controller_endpoints_desired: [
        'endpoint_slice_controller_endpoints_desired 55',
      ],
      endpoint_slice_controller_num_endpoint_slices: [
        'endpoint_slice_controller_num_endpoint_slices 3',
      ],
      endpoint_slice_controller_desired_endpoint_slices: [
        'endpoint_slice_controller_desired_endpoint_slices 3',
      ],
    });
  });
});

describe('EndpointSliceMetrics process metrics', () => {
  it('serves Node process metrics (GC pauses, event-loop lag) only when asked', async () => {
    const withProcess = await new EndpointSliceMetrics({
      maxEndpointsPerSlice: 100,
      processMetrics: true,
    }).registry.metrics();
    expect(withProcess).toContain('nodejs_gc_duration_seconds');
    expect(withProcess).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(withProcess).toContain('process_cpu_user_seconds_total');
    const without = await new EndpointSliceMetrics({ maxEndpointsPerSlice: 100 }).registry.metrics();
    expect(without).not.toContain('nodejs_gc_duration_seconds');
  });
});
