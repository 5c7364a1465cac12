// E2E: the EndpointSlice controller as a process against the real apiserver (real nats-server and
// redis-server). The test writes Nodes, Services and Pods — pod status through `pods/status`, as
// no node agent runs — and asserts the slices and legacy Endpoints the controller writes: labels,
// ownerReference, ports, conditions, packing (250 → 100/100/50), the 1000-address Endpoints cap,
// mirroring of selector-less Services, namespace isolation, kubectl's columns, leader failover on
// SIGKILL mid-scale-up, a NATS restart mid-churn, and a restart that writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints, Lease } from '@svclab/api';
import { createClient, PatchType, type ClientSet } from '@svclab/client';
import type { ManagedProcess } from '@svclab/testkit';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';
import {
  controllerName,
  createPods,
  endpointsAddresses,
  endpointsOf,
  makeNode,
  makeService,
  managedByLabel,
  mirroringControllerName,
  podIP,
  sameFingerprint,
  serviceNameLabel,
  setPodStatus,
  sliceAddresses,
  sliceProblems,
  slicesHold,
  slicesOf,
  startController,
  until,
  writeFingerprint,
  type ControllerProcess,
  type PodSpec,
} from './support/endpointslice.js';

const ns = 'default';
const otherNs = 'esc-other';
const leaseDurationMs = 15_000;
const retryPeriodMs = 2_000;

let ipCounter = 0;
const nextIP = (): string => podIP(ipCounter++);

function podSpecs(prefix: string, n: number, labels: Record<string, string>, ready = true): PodSpec[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i)}`, labels, ip: nextIP(), ready }));
}

const sizes = (slices: readonly EndpointSlice[]): number[] => slices.map((s) => (s.endpoints ?? []).length).sort((a, b) => b - a);

describe('endpointslice-controller against the apiserver', () => {
  let api: ApiserverHandle;
  let client: ClientSet;
  const controllers: ControllerProcess[] = [];
  const procs = (): ManagedProcess[] => controllers.map((c) => c.process);
  const start = async (identity: string): Promise<ControllerProcess> => {
    const c = await startController({ apiserverURL: api.url, natsURL: api.nats.url, identity });
    controllers.push(c);
    return c;
  };
  const holder = async (): Promise<string> => {
    const l: Lease = await client.resource('leases').namespace('kube-system').get('endpointslice-controller');
    return l.spec?.holderIdentity ?? '';
  };
  const waitSlices = (svc: string, ips: readonly string[], ready?: (ip: string) => boolean, namespace = ns, timeoutMs = 60_000): Promise<EndpointSlice[]> =>
    until(
      `slices of ${namespace}/${svc} to hold ${String(ips.length)} addresses`,
      async () => {
        const s = await slicesOf(client, namespace, svc);
        return slicesHold(s, ips, ready) ? s : undefined;
      },
      timeoutMs,
      procs(),
    );

  beforeAll(async () => {
    api = await startApiserver();
    client = createClient({ server: api.url, userAgent: 'endpointslice-e2e' });
    await client.resource('nodes').create(makeNode());
    await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: otherNs } });
    const first = await start('esc-a');
    await until('controller esc-a ready and leading', async () => (await first.ready()) && (await holder()) === 'esc-a', 60_000, procs());
  });

  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.process.stop(10_000)));
    await api?.stop();
  });

  it('Service + Pods → EndpointSlices (labels, ownerReference, ports, conditions, addressType, generateName) and Endpoints', async () => {
    const pods = podSpecs('my-app', 3, { app: 'my-app' });
    const svc = await client.resource('services').namespace(ns).create(makeService(ns, 'my-app', { app: 'my-app' }, 80, 'http'));
    await createPods(client, ns, pods);
    const slices = await waitSlices('my-app', pods.map((p) => p.ip));
    expect(slices).toHaveLength(1);
    const s = slices[0] as EndpointSlice;
    expect(s.addressType).toBe('IPv4');
    expect(s.metadata.generateName).toBe('my-app-');
    expect(s.metadata.name?.startsWith('my-app-')).toBe(true);
    expect(s.metadata.labels).toMatchObject({ [serviceNameLabel]: 'my-app', [managedByLabel]: controllerName });
    expect(s.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'my-app', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    for (const e of s.endpoints ?? []) {
      expect(e.conditions).toEqual({ ready: true, serving: true, terminating: false });
      expect(e.nodeName).toBe('esc-node-1');
      expect(e.zone).toBe('zone-a');
      expect(e.targetRef).toMatchObject({ kind: 'Pod', namespace: ns });
    }
    const ep = await until('Endpoints my-app with 3 addresses', async () => {
      const e = await endpointsOf(client, ns, 'my-app');
      return endpointsAddresses(e).ready.length === 3 ? e : undefined;
    });
    expect(endpointsAddresses(ep).ready).toEqual(pods.map((p) => p.ip).sort());
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('a label change moves a pod out of and back into the Service', async () => {
    const all = (await client.resource('pods').namespace(ns).list({ labelSelector: 'app=my-app' })).items;
    const moved = all[0];
    if (moved === undefined) throw new Error('no my-app pod');
    const ip = moved.status?.podIP ?? '';
    const others = all.slice(1).map((p) => p.status?.podIP ?? '');
    const relabel = (app: string) =>
      client.resource('pods').namespace(ns).patch(moved.metadata.name ?? '', { type: PatchType.MergePatch, data: { metadata: { labels: { app } } } });
    await relabel('elsewhere');
    await waitSlices('my-app', others);
    await until('Endpoints without the relabelled pod', async () => !endpointsAddresses(await endpointsOf(client, ns, 'my-app')).ready.includes(ip));
    await relabel('my-app');
    await waitSlices('my-app', [...others, ip]);
    await until('Endpoints with the pod back', async () => endpointsAddresses(await endpointsOf(client, ns, 'my-app')).ready.includes(ip));
  });

  it('readiness false → ready: false in the slice and notReadyAddresses in Endpoints', async () => {
    const all = (await client.resource('pods').namespace(ns).list({ labelSelector: 'app=my-app' })).items;
    const p = all[0];
    if (p === undefined) throw new Error('no my-app pod');
    const ip = p.status?.podIP ?? '';
    await setPodStatus(client, ns, p.metadata.name ?? '', ip, false);
    const slices = await waitSlices('my-app', all.map((x) => x.status?.podIP ?? ''), (a) => a !== ip);
    const e = (slices[0]?.endpoints ?? []).find((x) => x.addresses[0] === ip);
    expect(e?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    const ep = await until('Endpoints with a notReadyAddress', async () => {
      const x = await endpointsOf(client, ns, 'my-app');
      return endpointsAddresses(x).notReady.includes(ip) ? x : undefined;
    });
    expect(endpointsAddresses(ep).notReady).toEqual([ip]);
    expect(endpointsAddresses(ep).ready).not.toContain(ip);
    await setPodStatus(client, ns, p.metadata.name ?? '', ip, true);
    await waitSlices('my-app', all.map((x) => x.status?.podIP ?? ''));
  });

  it('kubectl get endpointslices / endpoints print upstream columns', async () => {
    const sl = await api.kubectl(['get', 'endpointslices', '-l', `${serviceNameLabel}=my-app`]);
    expect(sl.stderr).toBe('');
    const slLines = sl.stdout.trim().split('\n');
    expect(slLines[0]?.split(/\s+/)).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(slLines).toHaveLength(2);
    expect(slLines[1]).toMatch(/^my-app-\S+\s+IPv4\s+8080\s+127\.244\.\d+\.\d+,127\.244\.\d+\.\d+,127\.244\.\d+\.\d+\s+\d+[smh]/);
    const ep = await api.kubectl(['get', 'endpoints', 'my-app']);
    const epLines = ep.stdout.trim().split('\n');
    expect(epLines[0]?.split(/\s+/)).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    expect(epLines[1]).toMatch(/^my-app\s+127\.244\.\d+\.\d+:8080,127\.244\.\d+\.\d+:8080,127\.244\.\d+\.\d+:8080\s+\d+[smh]/);
  });

  it('250 pods → 3 slices of 100/100/50', async () => {
    // Pods first, then the Service: one sync sees all 250 and packs them (pods trickling in are
    // packed churn-first, as upstream: a batch goes to the fullest slice with room for all of it).
    const pods = podSpecs('big', 250, { app: 'big' });
    await createPods(client, ns, pods);
    await client.resource('services').namespace(ns).create(makeService(ns, 'big', { app: 'big' }));
    const slices = await waitSlices('big', pods.map((p) => p.ip), undefined, ns, 90_000);
    expect(sizes(slices)).toEqual([100, 100, 50]);
  });

  it('1,001 ready pods → Endpoints truncated at 1,000 with over-capacity: truncated', async () => {
    const pods = podSpecs('huge', 1001, { app: 'huge' });
    await createPods(client, ns, pods, 24);
    await client.resource('services').namespace(ns).create(makeService(ns, 'huge', { app: 'huge' }));
    const slices = await waitSlices('huge', pods.map((p) => p.ip), undefined, ns, 120_000);
    expect(sizes(slices)).toEqual([...Array<number>(10).fill(100), 1]);
    const ep = await until(
      'Endpoints huge truncated',
      async () => {
        const e = await endpointsOf(client, ns, 'huge');
        return e?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'] === 'truncated' ? e : undefined;
      },
      90_000,
      procs(),
    );
    const a = endpointsAddresses(ep);
    expect(a.ready.length + a.notReady.length).toBe(1000);
    expect(new Set(a.ready).size).toBe(a.ready.length);
  });

  it('a selector-less Service + a manual Endpoints → a mirrored slice', async () => {
    await client.resource('services').namespace(ns).create(makeService(ns, 'external', undefined, 5432, 5432));
    const ips = ['127.250.0.10', '127.250.0.11'];
    const manual: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external', namespace: ns, labels: { team: 'db' } },
      subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'http', port: 5432, protocol: 'TCP' }] }],
    };
    await client.resource('endpoints').namespace(ns).create(manual);
    const slices = await waitSlices('external', ips);
    expect(slices).toHaveLength(1);
    const s = slices[0] as EndpointSlice;
    expect(s.metadata.labels).toMatchObject({ [serviceNameLabel]: 'external', [managedByLabel]: mirroringControllerName, team: 'db' });
    expect(s.ports).toEqual([{ name: 'http', port: 5432, protocol: 'TCP' }]);
    expect(s.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Endpoints', name: 'external' });
    // The user's Endpoints stays as written (the Endpoints controller does not manage it).
    const ep = await client.resource('endpoints').namespace(ns).get('external');
    expect(endpointsAddresses(ep).ready).toEqual(ips);
  });

  it('pods in another namespace never match', async () => {
    await client.resource('services').namespace(otherNs).create(makeService(otherNs, 'my-app', { app: 'my-app' }));
    const theirs = podSpecs('theirs', 2, { app: 'my-app' });
    await createPods(client, otherNs, theirs);
    await waitSlices('my-app', theirs.map((p) => p.ip), undefined, otherNs);
    const ours = await slicesOf(client, ns, 'my-app');
    for (const p of theirs) expect(sliceAddresses(ours)).not.toContain(p.ip);
    expect(sliceAddresses(ours)).toHaveLength(3);
    const ep = await endpointsOf(client, ns, 'my-app');
    expect(endpointsAddresses(ep).ready).toHaveLength(3);
  });

  it('two replicas: SIGKILL of the leader mid-scale-up → the other takes over and converges, no duplicate or lost slice', async () => {
    const a = controllers[0];
    if (a === undefined) throw new Error('no controller');
    const b = await start('esc-b');
    await until('esc-b informers synced', () => b.ready(), 60_000, procs());
    expect(await holder()).toBe('esc-a');
    const svc = await client.resource('services').namespace(ns).create(makeService(ns, 'scale', { app: 'scale' }));
    const pods = podSpecs('scale', 300, { app: 'scale' });
    const first = pods.slice(0, 120);
    const rest = pods.slice(120);
    await createPods(client, ns, first);
    // Mid scale-up: the leader has started writing slices for the Service.
    await until('first scale slices', async () => (await slicesOf(client, ns, 'scale')).length > 0, 60_000, procs());
    const creating = createPods(client, ns, rest);
    const leaseBefore: Lease = await client.resource('leases').namespace('kube-system').get('endpointslice-controller');
    await a.process.kill();
    await creating;
    // Takeover: the lease expires leaseDuration after esc-a's last renew; esc-b retries every
    // retryPeriod. The poll allows generous slack on top for a loaded machine.
    await until('esc-b to hold the lease', async () => (await holder()) === 'esc-b', leaseDurationMs + retryPeriodMs + 20_000, procs());
    const lease: Lease = await client.resource('leases').namespace('kube-system').get('endpointslice-controller');
    // Safety: esc-b did not take a lease esc-a still held (acquired ≥ leaseDuration after a renew
    // esc-a made no later than the kill), and the takeover counts as a transition.
    const renewedAt = Date.parse(leaseBefore.spec?.renewTime ?? '');
    const acquiredAt = Date.parse(lease.spec?.acquireTime ?? '');
    expect(acquiredAt - renewedAt).toBeGreaterThanOrEqual(leaseDurationMs - 1000);
    expect(lease.spec?.leaseTransitions).toBe((leaseBefore.spec?.leaseTransitions ?? 0) + 1);
    const slices = await waitSlices('scale', pods.map((p) => p.ip), undefined, ns, 90_000);
    expect(sliceProblems(slices, svc.metadata.uid ?? '')).toEqual([]);
    expect(new Set(sliceAddresses(slices)).size).toBe(300);
    await until('Endpoints scale with 300 addresses', async () => endpointsAddresses(await endpointsOf(client, ns, 'scale')).ready.length === 300, 60_000, procs());
  });

  it('a NATS restart mid-churn → converges', async () => {
    const svc = await client.resource('services').namespace(ns).create(makeService(ns, 'churn', { app: 'churn' }));
    const pods = podSpecs('churn', 150, { app: 'churn' });
    const churning = createPods(client, ns, pods, 8);
    await until('some churn slices', async () => (await slicesOf(client, ns, 'churn')).length > 0, 60_000, procs());
    await api.nats.restart();
    await churning;
    // Flip readiness of a few pods after the restart too.
    const flipped = new Set(pods.slice(0, 10).map((p) => p.ip));
    await Promise.all(pods.slice(0, 10).map((p) => setPodStatus(client, ns, p.name, p.ip, false)));
    const slices = await waitSlices('churn', pods.map((p) => p.ip), (ip) => !flipped.has(ip), ns, 90_000);
    expect(sliceProblems(slices, svc.metadata.uid ?? '')).toEqual([]);
    await until(
      'Endpoints churn converged',
      async () => {
        const a = endpointsAddresses(await endpointsOf(client, ns, 'churn'));
        return a.ready.length === 140 && a.notReady.length === 10;
      },
      60_000,
      procs(),
    );
  });

  it('a restart from nothing writes nothing when the slices are already right', async () => {
    for (const c of controllers) await c.process.stop(10_000);
    const before = await writeFingerprint(client);
    const c = await start('esc-c');
    await until('esc-c leading and ready', async () => (await c.ready()) && (await holder()) === 'esc-c', 60_000, procs());
    const services = (await client.resource('services').list()).items.length;
    // Every Service synced at least once by the new process (successful syncs counted on /metrics).
    await until('esc-c synced every Service', async () => (await c.metric('endpoint_slice_controller_syncs', { result: 'success' })) >= services, 60_000, procs());
    const after = await writeFingerprint(client);
    expect(sameFingerprint(before, after)).toEqual([]);
    expect(await c.metric('endpoint_slice_controller_changes')).toBe(0);
  });
});
