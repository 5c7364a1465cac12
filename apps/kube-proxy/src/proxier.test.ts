// Component test: Proxier + UserspaceDataplane in one process, real sockets on loopback.
import { createSocket } from 'node:dgram';
import type { Endpoint, EndpointSlice, Service } from '@svclab/api';
import { nopLogger } from '@svclab/telemetry';
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { freePort } from '@svclab/testkit';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserspaceDataplane } from './dataplane/userspace.js';
import { createHttpServer, listen } from './http-server.js';
import { KubeProxyMetrics } from './metrics.js';
import { ProxierHealth } from './proxier-health.js';
import { Proxier, type ProxyMode } from './proxier.js';
import { ServiceHealthServer } from './service-health-server.js';
import { readAll, socksConnect, socksRequest, socksUdpRequest, startEchoPod, tcpRequest, udpRequest, type EchoPod } from './testing.js';

const nodeName = 'node-91';
const nodeIP = '127.0.1.91';
const podIPs = ['127.244.91.10', '127.244.91.11', '127.244.92.10'];

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ep(ip: string, node: string, ready = true): Endpoint {
  return { addresses: [ip], nodeName: node, conditions: { ready, serving: ready, terminating: false } };
}

interface Harness {
  proxier: Proxier;
  dataplane: UserspaceDataplane;
  entry: { host: string; port: number };
  http: { host: string; port: number };
  metrics: KubeProxyMetrics;
  stop(): Promise<void>;
}

async function startHarness(mode: ProxyMode, dnsPort: number | undefined): Promise<Harness> {
  const metrics = new KubeProxyMetrics();
  const health = new ProxierHealth(60_000);
  const dataplane = new UserspaceDataplane({
    nodeName,
    nodeIP,
    entryPort: 0,
    ...(dnsPort === undefined ? {} : { clusterDNS: `127.0.0.1:${String(dnsPort)}` }),
    clusterCIDR: '127.244.0.0/16',
    conntrackMax: 1000,
    metrics,
    logger: nopLogger,
  });
  const e = await dataplane.start();
  const serviceHealth = new ServiceHealthServer(nodeIP, nopLogger);
  const proxier = new Proxier({
    mode,
    nodeName,
    nodeIP,
    clusterCIDR: '127.244.0.0/16',
    minSyncPeriodMs: 0,
    syncPeriodMs: 30_000,
    dataplane,
    metrics,
    health,
    serviceHealth,
    connections: (ip, port) => dataplane.conntrack.connectionsTo(ip, port),
    logger: nopLogger,
  });
  const ac = new AbortController();
  const looping = proxier.loop(ac.signal);
  const server = createHttpServer({ health, metrics, registry: metrics.registry, rules: (f) => proxier.rules(f), ready: () => proxier.syncCount() > 0 });
  const http = await listen(server, nodeIP, 0);
  return {
    proxier,
    dataplane,
    entry: { host: e.ip, port: e.port },
    http,
    metrics,
    stop: async () => {
      ac.abort();
      await looping;
      server.close();
      await serviceHealth.close();
      await dataplane.close();
    },
  };
}

/** Applies changes and waits for the sync that carries them. */
async function sync(h: Harness, fn: () => void): Promise<void> {
  const n = h.proxier.syncCount();
  fn();
  await until(() => h.proxier.syncCount() > n, 'a sync');
}

describe.each<ProxyMode>(['iptables', 'ipvs'])('proxier + userspace data plane (%s)', (mode) => {
  let pods: EchoPod[] = [];
  let h: Harness;
  let nodePort = 0;
  let udpNodePort = 0;
  let localNodePort = 0;
  let hcPort = 0;
  let extPort = 0;
  let dns: ReturnType<typeof createSocket>;
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];

  beforeAll(async () => {
    const first = await startEchoPod('pod-a', podIPs[0] ?? '', 0);
    pods = [first, await startEchoPod('pod-b', podIPs[1] ?? '', first.port), await startEchoPod('pod-c', podIPs[2] ?? '', first.port)];
    const port = first.port;
    [nodePort, udpNodePort, localNodePort, hcPort, extPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    dns = createSocket('udp4');
    dns.on('message', (m, r) => {
      const q = dnsPacket.decode(m);
      const name = q.questions?.[0]?.name ?? '';
      const ok = name === 'web.default.svc.cluster.local' || name === 'web.other.svc.cluster.local';
      const ans = dnsPacket.encode({
        type: 'response',
        id: q.id ?? 0,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (ok ? 0 : 3),
        questions: q.questions ?? [],
        answers: ok ? [{ type: 'A', name, ttl: 5, data: name.includes('.other.') ? '127.96.91.4' : '127.96.91.1' }] : [],
      });
      dns.send(ans, r.port, r.address);
    });
    await new Promise<void>((r) => { dns.bind(0, '127.0.0.1', () => { r(); }); });
    const dnsAddr = dns.address();
    h = await startHarness(mode, dnsAddr.port);
    const httpPort = { name: 'http', port: 80, targetPort: port, protocol: 'TCP' as const };
    const tcpPort = [httpPort];
    services.push(
      makeService('default', 'web', { spec: { clusterIP: '127.96.91.1', ports: [{ ...httpPort, nodePort }], type: 'NodePort' } }),
      makeService('default', 'empty', { spec: { clusterIP: '127.96.91.2', ports: tcpPort } }),
      makeService('default', 'sticky', { spec: { clusterIP: '127.96.91.3', ports: tcpPort, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } }),
      makeService('other', 'web', { spec: { clusterIP: '127.96.91.4', ports: tcpPort } }),
      makeService('default', 'dns', { spec: { clusterIP: '127.96.91.5', type: 'NodePort', ports: [{ name: 'dns', port: 53, targetPort: port, protocol: 'UDP', nodePort: udpNodePort }] } }),
      makeService('default', 'local', {
        spec: { clusterIP: '127.96.91.6', type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hcPort, ports: [{ ...httpPort, nodePort: localNodePort }] },
      }),
      makeService('default', 'term', { spec: { clusterIP: '127.96.91.8', ports: tcpPort } }),
      makeService('default', 'ext', { spec: { clusterIP: '127.96.91.7', externalIPs: ['127.201.91.1'], ports: [{ ...httpPort, port: extPort }] } }),
    );
    const slicePorts = [{ name: 'http', port, protocol: 'TCP' as const }];
    slices.push(
      makeEndpointSlice('default', 'web', { endpoints: [ep(podIPs[0] ?? '', nodeName), ep(podIPs[1] ?? '', nodeName), ep(podIPs[2] ?? '', 'node-92')], ports: slicePorts }),
      makeEndpointSlice('default', 'sticky', { endpoints: [ep(podIPs[0] ?? '', nodeName), ep(podIPs[1] ?? '', nodeName), ep(podIPs[2] ?? '', 'node-92')], ports: slicePorts }),
      makeEndpointSlice('other', 'web', { endpoints: [ep(podIPs[2] ?? '', 'node-92')], ports: slicePorts }),
      makeEndpointSlice('default', 'dns', { endpoints: [ep(podIPs[0] ?? '', nodeName)], ports: [{ name: 'dns', port, protocol: 'UDP' }] }),
      makeEndpointSlice('default', 'local', { endpoints: [ep(podIPs[2] ?? '', 'node-92')], ports: slicePorts }),
      makeEndpointSlice('default', 'term', {
        endpoints: [
          { addresses: [podIPs[0] ?? ''], nodeName, conditions: { ready: false, serving: true, terminating: true } },
          { addresses: [podIPs[1] ?? ''], nodeName, conditions: { ready: false, serving: false, terminating: true } },
        ],
        ports: slicePorts,
      }),
      makeEndpointSlice('default', 'ext', { endpoints: [ep(podIPs[2] ?? '', 'node-92')], ports: slicePorts }),
    );
    await sync(h, () => {
      for (const s of services) h.proxier.onServiceUpdate(undefined, s);
      for (const s of slices) h.proxier.onEndpointSliceUpdate(undefined, s);
      h.proxier.onServicesSynced();
      h.proxier.onEndpointSlicesSynced();
    });
  });

  afterAll(async () => {
    await h.stop();
    dns.close();
    await Promise.all(pods.map((p) => p.close()));
  });

  it('programs nothing before both informers synced', () => {
    const p = new Proxier({
      mode, nodeName, nodeIP, minSyncPeriodMs: 0, syncPeriodMs: 30_000,
      dataplane: { apply: () => Promise.reject(new Error('must not apply')), close: () => Promise.resolve() },
      metrics: new KubeProxyMetrics(), health: new ProxierHealth(1000), logger: nopLogger,
    });
    p.onServiceUpdate(undefined, services[0]);
    p.onServicesSynced();
    return p.syncProxyRules().then(() => { expect(p.syncCount()).toBe(0); });
  });

  it('spreads ClusterIP connections over every endpoint; the pod sees the node IP (Cluster policy, masquerade)', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const r = await socksRequest(h.entry, { host: '127.96.91.1', port: 80 });
      expect(r.reply).toBe(0);
      const [pod, src] = r.data.trim().split(' ');
      expect(src).toBe(nodeIP);
      seen.set(pod ?? '', (seen.get(pod ?? '') ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['pod-a', 'pod-b', 'pod-c']);
  });

  it.each([
    { name: 'a name in the default namespace', target: { host: 'web', port: 80 }, want: /^pod-[abc] / },
    { name: 'a name with ns= in the SOCKS username', target: { host: 'web', port: 80, username: 'ns=other' }, want: /^pod-c / },
    { name: 'an unknown name', target: { host: 'nope', port: 80 }, reply: 4 },
    { name: 'a Service without endpoints (REJECT)', target: { host: '127.96.91.2', port: 80 }, reply: 5 },
    { name: 'a pod IP directly', target: { host: podIPs[1] ?? '', port: pods[0]?.port ?? 0 }, want: /^pod-b / },
  ])('node entry: $name', async ({ target, want, reply }) => {
    const t = target.port === 0 ? { ...target, port: pods[0]?.port ?? 0 } : target;
    const r = await socksRequest(h.entry, t);
    expect(r.reply).toBe(reply ?? 0);
    if (want !== undefined) expect(r.data).toMatch(want);
  });

  it('serving terminating endpoints are used when no endpoint is ready (as upstream)', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await socksRequest(h.entry, { host: '127.96.91.8', port: 80 });
      expect(r.reply).toBe(0);
      expect(r.data).toMatch(/^pod-a /);
    }
  });

  it('ClientIP affinity pins a client to one endpoint', async () => {
    const got = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const r = await socksRequest(h.entry, { host: '127.96.91.3', port: 80, localAddress: '127.0.0.7' });
      got.add(r.data.split(' ')[0] ?? '');
    }
    expect(got.size).toBe(1);
  });

  it('NodePort (Cluster policy) answers on the node IP, SNATed to the node IP', async () => {
    const r = await tcpRequest(nodeIP, nodePort, { localAddress: '127.5.0.9' });
    expect(r.error).toBeUndefined();
    expect(r.data).toMatch(new RegExp(`^pod-[abc] ${nodeIP.replaceAll('.', '\\.')}\\n$`));
  });

  it('externalIPs are served on the externalIP:port', async () => {
    const r = await tcpRequest('127.201.91.1', extPort, { localAddress: '127.5.0.9' });
    expect(r.data).toBe(`pod-c ${nodeIP}\n`);
  });

  it('SOCKS UDP ASSOCIATE carries datagrams to a UDP ClusterIP; replies carry the ClusterIP as source', async () => {
    const byIP = await socksUdpRequest(h.entry, { host: '127.96.91.5', port: 53 });
    expect(byIP).toEqual({ from: '127.96.91.5:53', data: `pod-a ${nodeIP}\n` });
  });

  it('UDP NodePort forwards datagrams and replies', async () => {
    const r = await udpRequest(nodeIP, udpNodePort);
    expect(r).toBe(`pod-a ${nodeIP}\n`);
  });

  it('externalTrafficPolicy Local: dropped on a node without a local endpoint; health check port says 503', async () => {
    const r = await tcpRequest(nodeIP, localNodePort, { localAddress: '127.5.0.9' });
    expect(r.data).toBe('');
    const hc = await fetch(`http://${nodeIP}:${String(hcPort)}/`);
    expect(hc.status).toBe(503);
    expect(await hc.json()).toEqual({ service: { namespace: 'default', name: 'local' }, localEndpoints: 0, serviceProxyHealthy: true });
  });

  it('externalTrafficPolicy Local: a local endpoint sees the client address; health check 200', async () => {
    const slice = slices[4];
    if (slice === undefined) throw new Error('fixture');
    const next = { ...slice, endpoints: [ep(podIPs[1] ?? '', nodeName)] };
    await sync(h, () => { h.proxier.onEndpointSliceUpdate(slice, next); });
    const r = await tcpRequest(nodeIP, localNodePort, { localAddress: '127.5.0.9' });
    expect(r.data).toBe('pod-b 127.5.0.9\n');
    const hc = await fetch(`http://${nodeIP}:${String(hcPort)}/`);
    expect(hc.status).toBe(200);
    expect(await hc.json()).toEqual({ service: { namespace: 'default', name: 'local' }, localEndpoints: 1, serviceProxyHealthy: true });
  });

  it('an endpoint that turns not ready leaves rotation after one sync', async () => {
    const slice = slices[0];
    if (slice === undefined) throw new Error('fixture');
    const next = { ...slice, endpoints: [ep(podIPs[0] ?? '', nodeName), ep(podIPs[1] ?? '', nodeName, false), ep(podIPs[2] ?? '', 'node-92')] };
    await sync(h, () => { h.proxier.onEndpointSliceUpdate(slice, next); });
    for (let i = 0; i < 30; i++) {
      const r = await socksRequest(h.entry, { host: '127.96.91.1', port: 80 });
      expect(r.data).not.toMatch(/^pod-b /);
    }
    await sync(h, () => { h.proxier.onEndpointSliceUpdate(next, slice); });
  });

  it('a full conntrack table drops new connections and counts them', async () => {
    const small = new UserspaceDataplane({ nodeName, nodeIP, entryPort: 0, conntrackMax: 2, metrics: h.metrics, logger: nopLogger });
    const e = await small.start();
    try {
      const held = await Promise.all([0, 1].map(() => socksConnect({ host: e.ip, port: e.port }, { host: podIPs[0] ?? '', port: pods[0]?.port ?? 0 })));
      expect(held.map((x) => x.reply)).toEqual([0, 0]);
      expect(small.conntrack.size).toBe(2);
      const before = (await h.metrics.conntrackDropped.get()).values[0]?.value ?? 0;
      const third = await socksRequest({ host: e.ip, port: e.port }, { host: podIPs[0] ?? '', port: pods[0]?.port ?? 0 });
      expect(third.reply).toBe(4);
      expect((await h.metrics.conntrackDropped.get()).values[0]?.value).toBe(before + 1);
      // The held connections finish (the pod answers and closes): their entries go.
      const answers = await Promise.all(held.map((x) => { x.socket.end('bye\n'); return readAll(x.socket); }));
      expect(answers.every((a) => a.startsWith('pod-a '))).toBe(true);
      await until(() => small.conntrack.size === 0, 'conntrack entries to go');
      expect((await socksRequest({ host: e.ip, port: e.port }, { host: podIPs[0] ?? '', port: pods[0]?.port ?? 0 })).reply).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('serves /healthz with upstream body, /rules and /metrics', async () => {
    const hz = await fetch(`http://${h.http.host}:${String(h.http.port)}/healthz`);
    expect(hz.status).toBe(200);
    const body = (await hz.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['lastUpdated', 'currentTime', 'nodeEligible']);
    expect(String(body['lastUpdated'])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    const rules = await fetch(`http://${h.http.host}:${String(h.http.port)}/rules?format=${mode === 'ipvs' ? 'ipvsadm' : 'iptables-save'}`);
    expect(rules.status).toBe(200);
    expect(await rules.text()).toContain(mode === 'ipvs' ? 'TCP  127.96.91.1:80 rr' : '-A KUBE-SERVICES');
    const json = await fetch(`http://${h.http.host}:${String(h.http.port)}/rules?format=json`);
    expect(json.status).toBe(200);
    const m = await (await fetch(`http://${h.http.host}:${String(h.http.port)}/metrics`)).text();
    for (const name of ['kubeproxy_sync_proxy_rules_duration_seconds_bucket', 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'kubeproxy_sync_proxy_rules_endpoint_changes_total', 'kubeproxy_sync_proxy_rules_service_changes_total', 'svclab_kube_proxy_dataplane_connections_total']) {
      expect(m).toContain(name);
    }
  });
});
