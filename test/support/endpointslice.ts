// E2E support for the EndpointSlice controller: run the BUILT controller as a child process against
// a test apiserver, write Services/Pods/Nodes (pod status through the `pods/status` subresource, as
// no node agent runs), poll for convergence, and read the controller's metrics.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '@svclab/api';
import { PatchType, type ClientSet } from '@svclab/client';
import { freePort, startProcess, type ManagedProcess } from '@svclab/testkit';
import { repoRoot } from './apiserver.js';

export const controllerMain = join(repoRoot, 'apps/endpointslice-controller/dist/main.js');
export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
/** The node every test pod runs on (the controller skips pods whose Node it does not know). */
export const testNodeName = 'esc-node-1';

/** Throws when the controller has not been built (`npx turbo run build --filter=@svclab/endpointslice-controller...`). */
export function ensureControllerBuilt(): void {
  if (!existsSync(controllerMain)) {
    throw new Error(`${controllerMain} missing: run npx turbo run build --filter=@svclab/endpointslice-controller... --filter=@svclab/apiserver...`);
  }
}

export interface ControllerProcess {
  readonly identity: string;
  readonly metricsURL: string;
  readonly process: ManagedProcess;
  /** Parsed `/metrics` sample value (sum over label sets matching `labels`), 0 when absent. */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number>;
  /** `/readyz` answers 200 (every informer synced). */
  ready(): Promise<boolean>;
}

export interface ControllerOptions {
  readonly apiserverURL: string;
  readonly natsURL: string;
  readonly identity: string;
  readonly args?: readonly string[];
}

/** Starts `node apps/endpointslice-controller/dist/main.js` with its own metrics port. */
export async function startController(o: ControllerOptions): Promise<ControllerProcess> {
  ensureControllerBuilt();
  const port = await freePort();
  const metricsURL = `http://127.0.0.1:${port}`;
  const proc = startProcess('env', [
    `APISERVER_URL=${o.apiserverURL}`,
    `NATS_URL=${o.natsURL}`,
    `POD_NAME=${o.identity}`,
    'LOG_LEVEL=warn',
    process.execPath,
    controllerMain,
    `--metrics-bind-address=127.0.0.1:${port}`,
    ...(o.args ?? []),
  ]);
  const metric = async (name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> => {
    const text = await (await fetch(`${metricsURL}/metrics`)).text();
    return sumMetric(text, name, labels);
  };
  const ready = async (): Promise<boolean> => {
    try {
      return (await fetch(`${metricsURL}/readyz`)).status === 200;
    } catch {
      return false;
    }
  };
  return { identity: o.identity, metricsURL, process: proc, metric, ready };
}

/** Sums the samples of `name` in a Prometheus text exposition whose labels include `labels`. */
export function sumMetric(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m?.[1] !== name) continue;
    const lbls = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lbls.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Polls `fn` until it returns something other than undefined/false; errors count as "not yet". */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, procs: readonly ManagedProcess[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const logs = procs.map((p) => p.output().slice(-3000)).join('\n----\n');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last: ${String(last)})`}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function makeNode(name = testNodeName, zone = 'zone-a'): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } },
    spec: {},
  } as Node;
}

export function makeService(ns: string, name: string, selector: Record<string, string> | undefined, port = 80, targetPort: number | string = 8080): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      ...(selector === undefined ? {} : { selector }),
      ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }],
    },
  } as Service;
}

/** Pod IP number `i` (unique per test run): 127.244.x.y, never a network address. */
export function podIP(i: number): string {
  return `127.244.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`;
}

export function makePod(ns: string, name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      nodeName: testNodeName,
      containers: [{ name: 'app', image: 'svclab/echo:1.0', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
    },
  } as Pod;
}

/** Writes pod status (Running, IP, Ready condition) through the `pods/status` subresource. */
export async function setPodStatus(client: ClientSet, ns: string, name: string, ip: string, ready: boolean): Promise<Pod> {
  const status = {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: '127.0.1.1',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }],
  };
  return client.resource('pods').namespace(ns).patch(name, { type: PatchType.MergePatch, data: { status } }, { subresource: 'status' });
}

export interface PodSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ip: string;
  readonly ready?: boolean;
}

/** Creates the pods and sets their status, `concurrency` at a time. */
export async function createPods(client: ClientSet, ns: string, pods: readonly PodSpec[], concurrency = 16): Promise<void> {
  await inParallel(pods, concurrency, async (p) => {
    await client.resource('pods').namespace(ns).create(makePod(ns, p.name, p.labels));
    await setPodStatus(client, ns, p.name, p.ip, p.ready ?? true);
  });
}

export async function slicesOf(client: ClientSet, ns: string, service: string): Promise<EndpointSlice[]> {
  return (await client.resource('endpointslices').namespace(ns).list({ labelSelector: `${serviceNameLabel}=${service}` })).items;
}

export async function endpointsOf(client: ClientSet, ns: string, service: string): Promise<Endpoints | undefined> {
  try {
    return await client.resource('endpoints').namespace(ns).get(service);
  } catch {
    return undefined;
  }
}

/** Every endpoint address across the slices, with duplicates kept (so a duplicate shows). */
export function sliceAddresses(slices: readonly EndpointSlice[]): string[] {
  return slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort();
}

/** The Service's slices hold exactly `ips` (each once), ready as `ready` says (default all ready). */
export function slicesHold(slices: readonly EndpointSlice[], ips: readonly string[], ready: (ip: string) => boolean = () => true): boolean {
  const got = sliceAddresses(slices);
  const want = [...ips].sort();
  if (got.length !== want.length || got.some((a, i) => a !== want[i])) return false;
  return slices.every((s) => (s.endpoints ?? []).every((e) => (e.conditions?.ready ?? false) === ready(e.addresses[0] ?? '')));
}

/** Total endpoint addresses (ready + not ready) in a legacy Endpoints object. */
export function endpointsAddresses(ep: Endpoints | undefined): { ready: string[]; notReady: string[] } {
  const subsets = ep?.subsets ?? [];
  return {
    ready: subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort(),
    notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort(),
  };
}

/** `name → resourceVersion` of every EndpointSlice and Endpoints object in the cluster. */
export async function writeFingerprint(client: ClientSet): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of (await client.resource('endpointslices').list()).items) {
    out.set(`slice/${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`, s.metadata.resourceVersion ?? '');
  }
  for (const e of (await client.resource('endpoints').list()).items) {
    out.set(`endpoints/${e.metadata.namespace ?? ''}/${e.metadata.name ?? ''}`, e.metadata.resourceVersion ?? '');
  }
  return out;
}

/** The keys whose resourceVersion differs (or that appear/disappear) between two fingerprints. */
export function sameFingerprint(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const diff: string[] = [];
  for (const [k, v] of before) if (after.get(k) !== v) diff.push(`${k}: ${v} → ${after.get(k) ?? '(gone)'}`);
  for (const [k, v] of after) if (!before.has(k)) diff.push(`${k}: (new) ${v}`);
  return diff;
}

/**
 * Structural problems of a Service's controller-managed slices: an empty slice (leaked
 * placeholder next to real ones), more than `max` endpoints, an address in two slices, a wrong
 * owner or managed-by label. `[]` means none.
 */
export function sliceProblems(slices: readonly EndpointSlice[], serviceUID: string, max = 100): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const s of slices) {
    const name = s.metadata.name ?? '';
    const n = (s.endpoints ?? []).length;
    if (n === 0 && slices.length > 1) problems.push(`${name}: empty`);
    if (n > max) problems.push(`${name}: ${String(n)} endpoints > ${String(max)}`);
    if (s.metadata.labels?.[managedByLabel] !== controllerName) problems.push(`${name}: managed-by ${String(s.metadata.labels?.[managedByLabel])}`);
    const owner = s.metadata.ownerReferences?.[0];
    if (owner?.uid !== serviceUID || owner.controller !== true) problems.push(`${name}: owner ${JSON.stringify(owner)}`);
    for (const a of (s.endpoints ?? []).flatMap((e) => e.addresses)) {
      const other = seen.get(a);
      if (other !== undefined) problems.push(`${a} in ${other} and ${name}`);
      seen.set(a, name);
    }
  }
  return problems;
}
