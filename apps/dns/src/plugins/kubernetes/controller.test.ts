import { describe, expect, it } from 'vitest';
import { namespace, pod, service, slice } from '../../testing/fixtures.js';
import { DnsController } from './controller.js';

describe('DnsController', () => {
  it('indexes services by name and cluster IP, and forgets them on delete', () => {
    const c = new DnsController({ now: () => 100 });
    const svc = service('ns', 'Web', { clusterIP: '10.0.0.1', ports: [{ port: 80 }] });
    c.onAdd(svc);
    expect(c.serviceByName('NS', 'web')?.clusterIPs).toEqual(['10.0.0.1']);
    expect(c.servicesByClusterIP('10.0.0.1').map((s) => s.name)).toEqual(['Web']);
    c.onUpdate(svc, service('ns', 'Web', { clusterIP: '10.0.0.2', ports: [{ port: 80 }] }));
    expect(c.servicesByClusterIP('10.0.0.1')).toEqual([]);
    expect(c.servicesByClusterIP('10.0.0.2')).toHaveLength(1);
    c.onDelete(svc);
    expect(c.serviceByName('ns', 'web')).toBeUndefined();
    expect(c.servicesByClusterIP('10.0.0.2')).toEqual([]);
  });

  it('keeps only ready endpoints, indexed by service and IP', () => {
    const c = new DnsController();
    const s = slice({ ns: 'ns', name: 'web-1', svc: 'web' }, [
      { ip: '10.1.0.1' },
      { ip: '10.1.0.2', ready: false },
    ]);
    c.onAdd(s);
    expect(c.endpointsByService('ns', 'web')[0]?.addresses.map((a) => a.ip)).toEqual(['10.1.0.1']);
    expect(c.endpointsByIP('10.1.0.1')).toHaveLength(1);
    expect(c.endpointsByIP('10.1.0.2')).toHaveLength(0);
    c.onDelete(s);
    expect(c.endpointsByService('ns', 'web')).toEqual([]);
    expect(c.endpointsByIP('10.1.0.1')).toEqual([]);
  });

  it('stores frozen slim projections, never the API object', () => {
    const c = new DnsController();
    c.onAdd(
      service('ns', 'web', {
        clusterIP: '10.0.0.1',
        ports: [{ port: 80 }],
        selector: { app: 'x' },
      }),
    );
    const s = c.serviceByName('ns', 'web');
    expect(Object.isFrozen(s)).toBe(true);
    expect(s).not.toHaveProperty('spec');
    expect(s?.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  it.each([
    {
      name: 'service add bumps the serial',
      steps: (c: DnsController) => {
        c.onAdd(service('ns', 'a', { clusterIP: '1.1.1.1' }));
      },
      bumped: true,
    },
    {
      name: 'service update without DNS change does not',
      steps: (c: DnsController) => {
        c.onUpdate(
          undefined,
          service('ns', 'base', {
            clusterIP: '10.9.9.9',
            ports: [{ port: 80 }],
            selector: { x: 'y' },
          }),
        );
      },
      bumped: false,
    },
    {
      name: 'service port change does',
      steps: (c: DnsController) => {
        c.onUpdate(
          undefined,
          service('ns', 'base', { clusterIP: '10.9.9.9', ports: [{ port: 81 }] }),
        );
      },
      bumped: true,
    },
    {
      name: 'namespace events do not',
      steps: (c: DnsController) => {
        c.onAdd(namespace('other'));
      },
      bumped: false,
    },
    {
      name: 'pod IP change does',
      steps: (c: DnsController) => {
        c.onAdd(pod('ns', 'p', '10.244.0.9'));
      },
      bumped: true,
    },
  ])('$name', ({ steps, bumped }) => {
    let now = 1000;
    const c = new DnsController({ now: () => now });
    c.onAdd(service('ns', 'base', { clusterIP: '10.9.9.9', ports: [{ port: 80 }] }));
    expect(c.serial()).toBe(1000);
    now = 2000;
    steps(c);
    expect(c.serial()).toBe(bumped ? 2000 : 1000);
  });

  it('skips terminating pods and keeps the cached one until delete', () => {
    const c = new DnsController();
    const p = pod('ns', 'p', '10.244.0.9');
    c.onAdd(p);
    c.onUpdate(p, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(c.podsByIP('10.244.0.9')).toHaveLength(1);
    c.onDelete(p);
    expect(c.podsByIP('10.244.0.9')).toHaveLength(0);
  });

  it('is not synced until told', () => {
    const c = new DnsController();
    expect(c.synced()).toBe(false);
    c.markSynced();
    expect(c.synced()).toBe(true);
    expect(new DnsController({ hasSynced: () => false }).synced()).toBe(false);
  });
});
