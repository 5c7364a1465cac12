// Two apiserver replicas on one Redis and NATS create 1,000 Services concurrently: every ClusterIP
// and NodePort is handed out once (issue 2, allocation across replicas).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from './support/apiserver.js';

interface ServiceObj {
  metadata: { name: string };
  spec: { clusterIP: string; ports: { nodePort?: number }[] };
}

let api: ApiserverHandle;
let replicaURL: string;

beforeAll(async () => {
  api = await startApiserver();
  replicaURL = (await api.startReplica()).url;
  for (const url of [api.url, replicaURL]) {
    const r = await fetch(`${url}/api/v1/namespaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: url === api.url ? 'race-a' : 'race-b' },
      }),
    });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  await api.stop();
});

async function create(url: string, ns: string, i: number): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}` },
    spec: {
      type: i % 4 === 0 ? 'NodePort' : 'ClusterIP',
      selector: { app: `a${i}` },
      ports: [{ port: 80, targetPort: 8080 }],
    },
  };
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${url}/api/v1/namespaces/${ns}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status === 201) return;
    const text = await r.text();
    if (r.status >= 500 && attempt < 3) continue;
    throw new Error(`create ${ns}/svc-${i}: ${r.status} ${text}`);
  }
}

describe('two apiserver replicas', () => {
  it('create 1,000 Services concurrently with no duplicate ClusterIP or NodePort', async () => {
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < 500; i++) {
      jobs.push(() => create(api.url, 'race-a', i));
      jobs.push(() => create(replicaURL, 'race-b', i));
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let j = next++; j < jobs.length; j = next++) await (jobs[j] as () => Promise<void>)();
      }),
    );
    const list = (await (await fetch(`${api.url}/api/v1/services`)).json()) as {
      items: ServiceObj[];
    };
    const ours = list.items.filter((s) => s.metadata.name.startsWith('svc-'));
    expect(ours).toHaveLength(1000);
    const ips = ours.map((s) => s.spec.clusterIP);
    expect(new Set(ips).size).toBe(1000);
    const ports = ours
      .flatMap((s) => s.spec.ports.map((p) => p.nodePort))
      .filter((p): p is number => p !== undefined);
    expect(ports).toHaveLength(250);
    expect(new Set(ports).size).toBe(250);
    // The kubernetes Service keeps the first address, which no racing create took.
    const kubernetes = list.items.find((s) => s.metadata.name === 'kubernetes');
    expect(ips).not.toContain(kubernetes?.spec.clusterIP);
  });
});
