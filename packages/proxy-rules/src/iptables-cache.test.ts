import type { EndpointSlice, Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import type { IptablesOptions, IptablesResult } from './iptables-render.js';
import { IptablesCache, renderIptables } from './iptables-render.js';
import { makeEndpointSlice, makeService, testNodeName } from './testing.js';

const node = { name: testNodeName, ip: '192.168.0.2' };

/** A seeded linear congruential generator: the same sequence on every run. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((s / 0x80000000) * n);
  };
}

const ip = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

function service(i: number, pick: (n: number) => number): Service {
  const nodePort = pick(3) === 0;
  return makeService(`ns${i % 3}`, `svc${i}`, {
    spec: {
      type: nodePort ? 'NodePort' : 'ClusterIP',
      clusterIP: ip(0x600000 + i),
      ...(pick(4) === 0 ? { sessionAffinity: 'ClientIP' } : {}),
      ...(nodePort && pick(2) === 0 ? { externalTrafficPolicy: 'Local' } : {}),
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', ...(nodePort ? { nodePort: 30000 + i } : {}) },
      ],
    },
  });
}

function slice(i: number, n: number, pick: (n: number) => number): EndpointSlice {
  return makeEndpointSlice(`ns${i % 3}`, `svc${i}`, {
    n,
    endpoints: Array.from({ length: pick(4) }, () => ({
      addresses: [ip(0xb40000 + pick(3000))],
      nodeName: pick(2) === 0 ? testNodeName : 'other-node',
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}

const serviceOf = (s: EndpointSlice): number =>
  Number(/svc(\d+)/.exec(s.metadata.labels?.['kubernetes.io/service-name'] ?? '')?.[1]);

/**
 * Random changes as the proxier sees them: slices replaced in place (mostly), moved, added,
 * removed; a Service replaced.
 */
function changer(
  n: number,
  pick: (n: number) => number,
): (
  services: Service[],
  slices: EndpointSlice[],
) => { services: Service[]; slices: EndpointSlice[] } {
  let gen = 2;
  return (services, slices) => {
    const op = pick(8);
    slices = [...slices];
    if (op < 4) {
      // One or a few slices replaced in place: the incremental path.
      for (let k = 0, m = 1 + pick(op === 0 ? 5 : 1); k < m; k++) {
        const j = pick(slices.length);
        slices[j] = slice(serviceOf(slices[j] as EndpointSlice), gen++, pick);
      }
    } else if (op === 4) {
      const j = pick(slices.length);
      slices[j] = slice(pick(n + 5), gen++, pick); // moves to another (or no) Service
    } else if (op === 5) {
      slices.push(slice(pick(n), gen++, pick));
    } else if (op === 6 && slices.length > 1) {
      slices.splice(pick(slices.length), 1);
    } else {
      services = [...services];
      const j = pick(n);
      services[j] = service(j, pick);
    }
    return { services, slices };
  };
}

function same(a: IptablesResult, b: IptablesResult): void {
  expect(a.fullSync).toBe(b.fullSync);
  expect(a.stats).toEqual(b.stats);
  expect(a.restoreText).toBe(b.restoreText);
  expect(a.text).toBe(b.text);
  expect(a.ruleSet).toEqual(b.ruleSet);
}

describe('IptablesCache incremental path', () => {
  it('writes what a walk over every Service writes, over a sequence of changes', () => {
    const pick = rng(7);
    const n = 300; // more than two text blocks
    let services = Array.from({ length: n }, (_, i) => service(i, pick));
    let slices = services.map((_, i) => slice(i, 1, pick));
    // Endpoints hover around the threshold so large-cluster mode flips during the run.
    const opts: IptablesOptions = { clusterCIDR: '10.0.0.0/8', largeClusterThreshold: 450 };
    const incremental = new IptablesCache();
    const walked = new IptablesCache();
    const change = changer(n, pick);
    for (let step = 0; step < 120; step++) {
      ({ services, slices } = change(services, slices));
      const a = renderIptables({ services, endpointSlices: slices }, node, {
        ...opts,
        cache: incremental,
      });
      // A skipped Service object that is new every time forces the walk over every Service.
      const external = makeService('ns0', 'external', { spec: { type: 'ExternalName' } });
      const b = renderIptables(
        { services: [...services, external], endpointSlices: slices },
        node,
        {
          ...opts,
          cache: walked,
        },
      );

      same(a, b);
    }
  });

  it('updates the RuleSet per changed port to what a from-scratch render builds', () => {
    const pick = rng(11);
    const n = 300;
    let services = Array.from({ length: n }, (_, i) => service(i, pick));
    let slices = services.map((_, i) => slice(i, 1, pick));
    const opts: IptablesOptions = { clusterCIDR: '10.0.0.0/8', largeClusterThreshold: 450 };
    const cache = new IptablesCache();
    const change = changer(n, pick);
    let reused = 0;
    let previous = renderIptables({ services, endpointSlices: slices }, node, { ...opts, cache });
    for (let step = 0; step < 150; step++) {
      ({ services, slices } = change(services, slices));
      const state = { services, endpointSlices: slices };
      const r = renderIptables(state, node, { ...opts, cache });
      const before = previous.ruleSet.nat;
      expect(r.ruleSet).toEqual(renderIptables(state, node, opts).ruleSet);
      if (r.ruleSet.nat === before) reused++;
      previous = r;
    }
    expect(reused).toBeGreaterThan(50); // most steps took the per-port path
  });

  it('builds the RuleSet of an older render after a newer one from the same records', () => {
    const pick = rng(5);
    const services = Array.from({ length: 50 }, (_, i) => service(i, pick));
    const slices = services.map((_, i) => slice(i, 1, pick));
    const cache = new IptablesCache();
    const opts = { clusterCIDR: '10.0.0.0/8' };
    const first = renderIptables({ services, endpointSlices: slices }, node, { ...opts, cache });
    const next = [...slices];
    next[7] = slice(7, 2, pick);
    const second = renderIptables({ services, endpointSlices: next }, node, { ...opts, cache });
    expect(second.ruleSet.filter).toBeDefined(); // builds the records for `second`
    expect(first.ruleSet).toEqual(
      renderIptables({ services, endpointSlices: slices }, node, opts).ruleSet,
    );
  });

  it('renders only the Service whose slice changed', () => {
    const pick = rng(3);
    const services = Array.from({ length: 200 }, (_, i) => service(i, pick));
    const slices = services.map((_, i) => slice(i, 1, pick));
    const cache = new IptablesCache();
    const opts = { clusterCIDR: '10.0.0.0/8', cache };
    renderIptables({ services, endpointSlices: slices }, node, opts);
    const next = [...slices];
    next[150] = makeEndpointSlice('ns0', 'svc150', {
      n: 2,
      endpoints: [{ addresses: ['10.180.9.9'], nodeName: 'other-node' }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const r = renderIptables({ services, endpointSlices: next }, node, opts);
    expect(r.fullSync).toBe(false);
    expect(r.stats.renderedServicePorts).toBe(1);
    expect(r.restoreText).toContain('--to-destination 10.180.9.9:8080');
    // Every Service's KUBE-SERVICES rule (nat, or filter's REJECT when it has no endpoints).
    expect(
      r.restoreText.match(
        /^-A KUBE-SERVICES .*"ns\d\/svc\d+:http (cluster IP|has no endpoints)"/gm,
      ),
    ).toHaveLength(200);
  });
});
