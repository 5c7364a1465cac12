import type { Pod } from '@svclab/api';
import { freePort } from '@svclab/testkit';
import { nopLogger } from '@svclab/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodRuntimeState } from './pod-status.js';
import { PodRuntime } from './pod-runtime.js';

const podIP = '127.244.98.2';
let runtimes: PodRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
  runtimes = [];
});

function pod(port: number, extra: Partial<NonNullable<Pod['spec']>['containers'][number]> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u' },
    spec: { containers: [{ name: 'web', image: 'svclab/echo', ports: [{ containerPort: port, name: 'http' }], ...extra }] },
  };
}

async function until(states: PodRuntimeState[], pred: (s: PodRuntimeState) => boolean, ms = 15_000): Promise<PodRuntimeState> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = states.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`condition not reached; last state ${JSON.stringify(states.at(-1))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function run(p: Pod, restartBackoffMs = 50): PodRuntimeState[] {
  const states: PodRuntimeState[] = [];
  const rt = new PodRuntime(p, { node: 'node-1', hostIP: '127.0.1.1', podIP, logger: nopLogger, onChange: (s) => states.push(s), restartBackoffMs });
  runtimes.push(rt);
  void rt.start();
  return states;
}

describe('PodRuntime', () => {
  it('a container without a readiness probe is ready once running', async () => {
    const states = run(pod(await freePort(podIP)));
    const s = await until(states, (x) => x.containers[0]?.ready === true);
    expect(s.containers[0]?.state.running).toBeDefined();
  });

  it('a readiness probe gates readiness and follows the workload', async () => {
    const port = await freePort(podIP);
    const states = run(pod(port, { readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 1 }, env: [{ name: 'UNREADY_AFTER_SECONDS', value: '2' }] }));
    await until(states, (x) => x.containers[0]?.ready === true);
    const after = states.length;
    await until(states, (x) => states.indexOf(x) >= after && x.containers[0]?.ready === false);
  });

  it('a crashing container is restarted and counted', async () => {
    const states = run(pod(await freePort(podIP), { env: [{ name: 'CRASH_AFTER_SECONDS', value: '0.2' }] }));
    const s = await until(states, (x) => (x.containers[0]?.restartCount ?? 0) >= 1 && x.containers[0]?.state.running !== undefined);
    expect(s.containers[0]?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('an unknown image stays waiting with ErrImagePull', async () => {
    const states = run({ ...pod(1), spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const s = await until(states, (x) => x.containers[0]?.state.waiting?.reason === 'ErrImagePull');
    expect(s.containers[0]?.ready).toBe(false);
  });
});
