import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type HealthServer, startHealthServer } from './http-server.js';
import { EndpointSliceMetrics } from './metrics.js';

let srv: HealthServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('health server', () => {
  it.each([
    { name: 'healthz', path: '/healthz', ready: false, code: 200 },
    { name: 'readyz before sync', path: '/readyz', ready: false, code: 503 },
    { name: 'readyz after sync', path: '/readyz', ready: true, code: 200 },
    { name: 'unknown path', path: '/nope', ready: true, code: 404 },
  ])('$name → $code', async ({ path, ready, code }) => {
    srv = await startHealthServer('127.0.0.1:0', { registry: new Registry(), ready: () => ready });
    const res = await fetch(`http://${srv.address}${path}`);
    expect(res.status).toBe(code);
  });

  it('/metrics serves the controller metrics with upstream names', async () => {
    const m = new EndpointSliceMetrics({ maxEndpointsPerSlice: 100 });
    m.onSliceChange('create');
    m.syncResult('success', 0.01);
    m.observeSync('default/a', {
      added: 1,
      removed: 0,
      changed: 1,
      efficiency: [],
      trafficDistribution: 'PreferClose',
    });
    m.observeSync('default/b', {
      added: 1,
      removed: 0,
      changed: 1,
      efficiency: [],
      trafficDistribution: 'PreferClose',
    });
    srv = await startHealthServer('127.0.0.1:0', { registry: m.registry, ready: () => true });
    const body = await (await fetch(`http://${srv.address}/metrics`)).text();
    for (const name of [
      'endpoint_slice_controller_endpoints_added_per_sync',
      'endpoint_slice_controller_endpoints_removed_per_sync',
      'endpoint_slice_controller_endpoints_desired',
      'endpoint_slice_controller_num_endpoint_slices',
      'endpoint_slice_controller_desired_endpoint_slices',
      'endpoint_slice_controller_endpointslices_changed_per_sync',
      'endpoint_slice_controller_services_count_by_traffic_distribution',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
    expect(body).toContain('endpoint_slice_controller_changes{operation="create"} 1');
    expect(body).toContain('endpoint_slice_controller_syncs{result="success"} 1');
    expect(body).toContain(
      'endpoint_slice_controller_services_count_by_traffic_distribution{traffic_distribution="PreferClose"} 2',
    );
  });
});
