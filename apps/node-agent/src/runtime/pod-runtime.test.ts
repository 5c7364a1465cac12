import type { Pod } from '@svclab/api';
import { freePort } from '@svclab/testkit';
import { nopLogger } from '@svclab/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodRuntimeState } from './pod-status.js';
import { PodRuntime, type ContainerEvent } from './pod-runtime.js';

const podIP = '127.244.98.2';
let runtimes: PodRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
  runtimes = [];
});

function pod(
  port: number,
  extra: Partial<NonNullable<Pod['spec']>['containers'][number]> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u' },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'svclab/echo',
          ports: [{ containerPort: port, name: 'http' }],
          ...extra,
        },
      ],
    },
  };
}

async function until(
  states: PodRuntimeState[],
  pred: (s: PodRuntimeState) => boolean,
  ms = 15_000,
): Promise<PodRuntimeState> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = states.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline)
      throw new Error(`condition not reached; last state ${JSON.stringify(states.at(-1))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const events: ContainerEvent[] = [];
afterEach(() => {
  events.length = 0;
});

function start(p: Pod, restartBackoffMs = 50): { states: PodRuntimeState[]; rt: PodRuntime } {
  const states: PodRuntimeState[] = [];
  const rt = new PodRuntime(p, {
    node: 'node-1',
    hostIP: '127.0.1.1',
    podIP,
    logger: nopLogger,
    onChange: (s) => states.push(s),
    onEvent: (e) => events.push(e),
    restartBackoffMs,
  });
  runtimes.push(rt);
  void rt.start();
  return { states, rt };
}

function run(p: Pod, restartBackoffMs = 50): PodRuntimeState[] {
  return start(p, restartBackoffMs).states;
}

async function eventually(pred: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached; events ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const said = (reason: string): string[] =>
  events.filter((e) => e.reason === reason).map((e) => `${e.type} ${e.container}: ${e.message}`);

describe('PodRuntime', () => {
  it('a container without a readiness probe is ready once running', async () => {
    const states = run(pod(await freePort(podIP)));
    const s = await until(states, (x) => x.containers[0]?.ready === true);
    expect(s.containers[0]?.state.running).toBeDefined();
    expect(events.map((e) => `${e.type} ${e.reason} ${e.container}: ${e.message}`)).toEqual([
      'Normal Pulled web: Container image "svclab/echo" already present on machine',
      'Normal Created web: Created container: web',
      'Normal Started web: Started container web',
    ]);
  });

  it('a readiness probe gates readiness and follows the workload', async () => {
    const port = await freePort(podIP);
    const states = run(
      pod(port, {
        readinessProbe: {
          httpGet: { path: '/ready', port: 'http' },
          periodSeconds: 1,
          failureThreshold: 1,
        },
        env: [{ name: 'UNREADY_AFTER_SECONDS', value: '2' }],
      }),
    );
    await until(states, (x) => x.containers[0]?.ready === true);
    const after = states.length;
    await until(states, (x) => states.indexOf(x) >= after && x.containers[0]?.ready === false);
    expect(said('Unhealthy')[0]).toBe(
      'Warning web: Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
  });

  it('a probe on a port nothing listens on says what the dial said', async () => {
    const port = await freePort(podIP);
    run(pod(port, { readinessProbe: { tcpSocket: { port: port + 1 }, periodSeconds: 1 } }));
    await eventually(() => said('Unhealthy').length > 0);
    expect(said('Unhealthy')[0]).toBe(
      `Warning web: Readiness probe failed: dial tcp ${podIP}:${String(port + 1)}: connect: connection refused`,
    );
  });

  it('a probe on an unknown named port errors', async () => {
    run(
      pod(await freePort(podIP), {
        livenessProbe: {
          httpGet: { path: '/', port: 'nope' },
          periodSeconds: 1,
          failureThreshold: 1,
        },
      }),
    );
    await eventually(() => said('Killing').length > 0);
    expect(said('Unhealthy')[0]).toBe(
      "Warning web: Liveness probe errored: couldn't find port: nope in container web",
    );
    expect(said('Killing')[0]).toBe(
      'Normal web: Container web failed liveness probe, will be restarted',
    );
  });

  it('deletion records Killing once per running container', async () => {
    const { states, rt } = start(pod(await freePort(podIP)));
    await until(states, (x) => x.containers[0]?.ready === true);
    rt.terminating();
    rt.terminating();
    expect(said('Killing')).toEqual(['Normal web: Stopping container web']);
  });

  it('a crashing container is restarted and counted', async () => {
    const states = run(
      pod(await freePort(podIP), { env: [{ name: 'CRASH_AFTER_SECONDS', value: '0.2' }] }),
    );
    const s = await until(
      states,
      (x) =>
        (x.containers[0]?.restartCount ?? 0) >= 1 && x.containers[0]?.state.running !== undefined,
    );
    expect(s.containers[0]?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(said('BackOff')[0]).toBe(
      'Warning web: Back-off restarting failed container web in pod web-1_default(u)',
    );
    expect(said('Started').length).toBeGreaterThanOrEqual(2);
  });

  it('an unknown image stays waiting with ErrImagePull', async () => {
    const states = run({ ...pod(1), spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const s = await until(states, (x) => x.containers[0]?.state.waiting?.reason === 'ErrImagePull');
    expect(s.containers[0]?.ready).toBe(false);
    expect(events.map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual([
      'Normal Pulling: Pulling image "nginx"',
      'Warning Failed: Failed to pull image "nginx": svclab runs only its built-in images (svclab/echo, svclab/tcp-echo, svclab/udp-echo, svclab/client)',
      'Warning Failed: Error: ErrImagePull',
    ]);
  });
});
