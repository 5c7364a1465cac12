// Unit test: what the proxier hands its data plane over partial syncs is what a render from
// scratch of the same objects gives (the RuleSet is updated per changed port between syncs).
import type { EndpointSlice, Service } from '@svclab/api';
import { renderIptables } from '@svclab/proxy-rules';
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { nopLogger } from '@svclab/telemetry';
import { describe, expect, it } from 'vitest';
import type { Dataplane, DataplaneSnapshot } from './dataplane/dataplane.js';
import { KubeProxyMetrics } from './metrics.js';
import { ProxierHealth } from './proxier-health.js';
import { Proxier } from './proxier.js';

const nodeName = 'node-1';
const nodeIP = '192.168.0.2';
const clusterCIDR = '10.0.0.0/8';

class Captured implements Dataplane {
  last: DataplaneSnapshot | undefined;
  apply(snapshot: DataplaneSnapshot): Promise<void> {
    this.last = snapshot;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((s / 0x80000000) * n);
  };
}

function service(i: number, pick: (n: number) => number): Service {
  const nodePort = pick(3) === 0;
  return makeService(`ns${String(i % 3)}`, `svc${String(i)}`, {
    spec: {
      type: nodePort ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.96.0.${String(i + 1)}`,
      ...(nodePort && pick(2) === 0 ? { externalTrafficPolicy: 'Local' } : {}),
      ports: [{ name: 'http', port: 80, protocol: 'TCP', ...(nodePort ? { nodePort: 30000 + i } : {}) }],
    },
  });
}

function slice(i: number, gen: number, pick: (n: number) => number): EndpointSlice {
  return makeEndpointSlice(`ns${String(i % 3)}`, `svc${String(i)}`, {
    endpoints: Array.from({ length: pick(4) }, () => ({
      addresses: [`10.180.${String(pick(8))}.${String(pick(250) + 1)}`],
      nodeName: pick(2) === 0 ? nodeName : 'other-node',
      conditions: { ready: pick(5) !== 0 },
    })),
    ports: [{ name: 'http', port: 8080 + (gen % 2), protocol: 'TCP' }],
  });
}

describe('Proxier partial syncs', () => {
  it('hand the data plane the RuleSet and restore text a from-scratch render gives', async () => {
    const pick = rng(17);
    const n = 60;
    const dp = new Captured();
    const p = new Proxier({ mode: 'iptables', nodeName, nodeIP, clusterCIDR, minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, dataplane: dp, metrics: new KubeProxyMetrics(), health: new ProxierHealth(60_000), logger: nopLogger });
    // The proxier's maps keep insertion order; these mirror them.
    const services = new Map<number, Service>();
    const slices = new Map<number, EndpointSlice>();
    for (let i = 0; i < n; i++) {
      services.set(i, service(i, pick));
      slices.set(i, slice(i, 1, pick));
      p.onServiceUpdate(undefined, services.get(i));
      p.onEndpointSliceUpdate(undefined, slices.get(i));
    }
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    await p.syncProxyRules();
    for (let step = 0; step < 60; step++) {
      const i = pick(n);
      if (pick(5) === 0) {
        const next = service(i, pick);
        p.onServiceUpdate(services.get(i), next);
        services.set(i, next);
      } else {
        const next = slice(i, step + 2, pick);
        p.onEndpointSliceUpdate(slices.get(i), next);
        slices.set(i, next);
      }
      await p.syncProxyRules();
      const state = { services: [...services.values()], endpointSlices: [...slices.values()] };
      const scratch = renderIptables(state, { name: nodeName, ip: nodeIP }, { clusterCIDR, nfacct: true });
      expect(dp.last?.ruleSet).toEqual(scratch.ruleSet);
      // A partial sync's text differs from a full one; its KUBE-SERVICES lines are all there.
      const top = (t: string): string[] => t.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES'));
      expect(top(dp.last?.restoreText ?? '')).toEqual(top(scratch.text));
      // The whole text too, but for the chains this sync deleted (`:CHAIN` + `-X CHAIN`, as upstream).
      const text = p.rules('iptables-save') ?? '';
      const deleted = new Set(text.split('\n').filter((l) => l.startsWith('-X ')).map((l) => l.slice(3)));
      const kept = text.split('\n').filter((l) => !deleted.has(l.slice(3)) && !deleted.has(l.slice(1, -8))).join('\n');
      expect(kept).toBe(scratch.text);
    }
  });
});
