// E2E: pods that really serve. Real nats-server + redis-server, the built apiserver, the
// controller-manager and two node agents as processes (from source through tsx), and the real
// kubectl: Deployments become Ready pods answering HTTP on their pod IPs, readiness probes flip
// Ready, graceful deletion keeps serving through the grace period, kubectl scale / rollout status
// work, a rolling update never drops below maxUnavailable, StatefulSet pods get hostname and
// subdomain, and a stopped node agent makes its node Unknown and its pods not Ready.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '@svclab/api';
import { createClient, type ClientSet } from '@svclab/client';
import { startProcess, type ManagedProcess } from '@svclab/testkit';
import { repoRoot, startApiserver, type ApiserverHandle } from './support/apiserver.js';

const ns = 'default';
const nodes = [
  { name: 'wl-node-1', ip: '127.0.1.201' },
  { name: 'wl-node-2', ip: '127.0.1.202' },
];

function runSource(
  app: string,
  env: Record<string, string>,
  args: readonly string[],
): ManagedProcess {
  const main = join(repoRoot, 'apps', app, 'src/main.ts');
  return startProcess('env', [
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    '--conditions=@svclab/source',
    '--import',
    'tsx',
    main,
    ...args,
  ]);
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 90_000,
  procs: readonly ManagedProcess[] = [],
): Promise<T> {
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
      throw new Error(
        `timed out waiting for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}\n${logs}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const isReady = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const alive = (p: Pod): boolean => p.metadata.deletionTimestamp == null;

function echoDeployment(
  name: string,
  replicas: number,
  extra: { maxUnavailable?: number; maxSurge?: number } = {},
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: extra.maxUnavailable ?? 1, maxSurge: extra.maxSurge ?? 1 },
      },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'echo',
              image: 'svclab/echo:1.0',
              ports: [{ containerPort: 8080 }],
              readinessProbe: {
                httpGet: { path: '/ready', port: 8080 },
                periodSeconds: 1,
                failureThreshold: 1,
              },
            },
          ],
        },
      },
    },
  });
}

describe('workloads: node agents + controller-manager against the apiserver', () => {
  let api: ApiserverHandle;
  let client: ClientSet;
  let cm: ManagedProcess;
  const agents: ManagedProcess[] = [];
  const procs = (): ManagedProcess[] => [cm, ...agents];
  const pods = async (selector: string): Promise<Pod[]> =>
    (await client.resource('pods').namespace(ns).list({ labelSelector: selector })).items;
  const kubectl = async (
    args: readonly string[],
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> => {
    const r = await api.kubectl(args, stdin === undefined ? {} : { stdin });
    if (r.code !== 0)
      r.stdout += `\n[kubectl ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}]`;
    return r;
  };
  /** `kubectl get events --field-selector <selector> -o jsonpath=<path>`'s output. */
  /** Applies `pod` with kubectl and waits until it is Ready; returns it as then stored. */
  const applyReady = async (pod: { metadata: { name: string } }): Promise<Pod> => {
    const applied = await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    expect(applied.code, applied.stdout).toBe(0);
    const name = pod.metadata.name;
    return until(
      `${name} Ready`,
      async () => {
        const x = await client.resource('pods').namespace(ns).get(name);
        return isReady(x) ? x : undefined;
      },
      60_000,
      procs(),
    );
  };
  const eventsOutput = async (selector: string, jsonpath: string): Promise<string> =>
    (await kubectl(['get', 'events', '--field-selector', selector, '-o', `jsonpath=${jsonpath}`]))
      .stdout;
  /** Polls eventsOutput until it prints something: the Event has been recorded. */
  const untilEvents = (selector: string, jsonpath: string, timeoutMs: number): Promise<string> =>
    until(
      `Events ${selector}`,
      async () => {
        const out = await eventsOutput(selector, jsonpath);
        return out === '' ? undefined : out;
      },
      timeoutMs,
      procs(),
    );

  beforeAll(async () => {
    api = await startApiserver();
    client = createClient({ server: api.url, userAgent: 'workloads-e2e' });
    const common = { APISERVER_URL: api.url, NATS_URL: api.nats.url, LOG_LEVEL: 'warn' };
    cm = runSource('controller-manager', common, [
      '--node-monitor-grace-period',
      '5s',
      '--bind-address',
      '127.0.0.1:0',
    ]);
    for (const n of nodes) {
      agents.push(
        runSource('node-agent', { ...common, NODE_NAME: n.name, NODE_IP: n.ip }, [
          '--healthz-bind-address',
          '127.0.0.1:0',
          '--node-lease-duration-seconds',
          '4',
        ]),
      );
    }
    await until(
      'both nodes Ready',
      async () => {
        const list = (await client.resource('nodes').list()).items;
        const ready = (x: Node): boolean =>
          x.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        return nodes.every((n) => list.some((x) => x.metadata.name === n.name && ready(x)));
      },
      120_000,
      procs(),
    );
  });

  afterAll(async () => {
    await Promise.all([cm?.stop(10_000), ...agents.map((a) => a.stop(10_000))]);
    await api?.stop();
  });

  it('registers Nodes as kubectl shows them, with Leases in kube-node-lease', async () => {
    const r = await kubectl(['get', 'nodes', '-o', 'wide']);
    expect(r.stdout).toMatch(
      /^wl-node-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0-svclab\s+127\.0\.1\.201\s/m,
    );
    const n = await client.resource('nodes').get('wl-node-2');
    expect(n.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'wl-node-2',
      'kubernetes.io/os': 'linux',
      'topology.kubernetes.io/zone': 'zone-a',
    });
    expect(n.spec?.podCIDR).toBe('127.244.202.0/24');
    expect(n.status?.capacity?.['pods']).toBe('110');
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    });
    const lease = await client.resource('leases').namespace('kube-node-lease').get('wl-node-1');
    expect(lease.spec?.holderIdentity).toBe('wl-node-1');
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // The kubelet's and the node controller's Events, as `kubectl describe node` prints them.
    const described = await until(
      'the node Events',
      async () => {
        const d = await kubectl(['describe', 'node', 'wl-node-1']);
        return d.stdout.includes('RegisteredNode') && d.stdout.includes('NodeReady')
          ? d.stdout
          : undefined;
      },
      30_000,
      procs(),
    );
    const events = described.slice(described.indexOf('Events:'));
    for (const line of [
      /Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./,
      /Normal\s+NodeHasSufficientMemory\s+\S+\s+kubelet\s+Node wl-node-1 status is now: NodeHasSufficientMemory/,
      /Normal\s+NodeHasNoDiskPressure\s+\S+\s+kubelet\s+Node wl-node-1 status is now: NodeHasNoDiskPressure/,
      /Normal\s+NodeHasSufficientPID\s+\S+\s+kubelet\s+Node wl-node-1 status is now: NodeHasSufficientPID/,
      /Normal\s+NodeReady\s+\S+\s+kubelet\s+Node wl-node-1 status is now: NodeReady/,
      /Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node wl-node-1 event: Registered Node wl-node-1 in Controller/,
    ])
      expect(events).toMatch(line);
  });

  it('a Deployment of 3 echo pods becomes 3 Ready pods answering HTTP on their pod IPs; rollout status returns 0', async () => {
    const c = await kubectl(['apply', '-f', '-'], echoDeployment('echo', 3));
    expect(c.code, c.stdout).toBe(0);
    const rs = await kubectl(['rollout', 'status', 'deployment/echo', '--timeout=120s']);
    expect(rs.stdout).toContain('deployment "echo" successfully rolled out');
    expect(rs.code).toBe(0);
    const ready = await until(
      '3 ready echo pods',
      async () => {
        const l = (await pods('app=echo')).filter((p) => alive(p) && isReady(p));
        return l.length === 3 ? l : undefined;
      },
      90_000,
      procs(),
    );
    for (const p of ready) {
      expect(p.status?.podIP).toMatch(/^127\.244\.20[12]\.\d+$/);
      const res = await fetch(`http://${p.status?.podIP ?? ''}:8080/hello`);
      const body = (await res.json()) as { pod: string; podIP: string; node: string };
      expect(body.pod).toBe(p.metadata.name);
      expect(body.podIP).toBe(p.status?.podIP);
      expect(body.node).toBe(p.spec?.nodeName);
    }
    // The scheduler spreads them and says so in Events.
    expect(new Set(ready.map((p) => p.spec?.nodeName)).size).toBe(2);
    const ev = await kubectl([
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${ready[0]?.metadata.name ?? ''}`,
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    expect(ev.stdout).toContain(
      `Successfully assigned default/${ready[0]?.metadata.name ?? ''} to ${ready[0]?.spec?.nodeName ?? ''}`,
    );
  });

  it('kubectl scale 3 → 10 → 2', async () => {
    for (const n of [10, 2]) {
      const s = await kubectl(['scale', 'deployment/echo', `--replicas=${String(n)}`]);
      expect(s.stdout).toBe('deployment.apps/echo scaled\n');
      await until(
        `${String(n)} ready echo pods`,
        async () => {
          const l = await pods('app=echo');
          return (
            l.filter(alive).length === n && l.filter((p) => alive(p) && isReady(p)).length === n
          );
        },
        120_000,
        procs(),
      );
      const st = await kubectl(['rollout', 'status', 'deployment/echo', '--timeout=120s']);
      expect(st.code, st.stdout).toBe(0);
      const d = await client.resource('deployments').namespace(ns).get('echo');
      expect(d.status?.readyReplicas).toBe(n);
    }
  });

  it('a rolling update never drops below replicas − maxUnavailable ready pods', async () => {
    const created = await kubectl(
      ['apply', '-f', '-'],
      echoDeployment('roll', 4, { maxUnavailable: 1, maxSurge: 1 }),
    );
    expect(created.code, created.stdout).toBe(0);
    const applied = await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=120s']);
    expect(applied.code, applied.stdout).toBe(0);
    // Watch pods through the update: the ready, not terminating pods at every event.
    const list = await client.resource('pods').namespace(ns).list({ labelSelector: 'app=roll' });
    const state = new Map(list.items.map((p) => [p.metadata.name ?? '', p]));
    let min = Infinity;
    let events = 0;
    const ac = new AbortController();
    const watching = (async () => {
      try {
        for await (const ev of client
          .resource('pods')
          .namespace(ns)
          .watch({
            labelSelector: 'app=roll',
            resourceVersion: list.metadata.resourceVersion ?? '0',
            signal: ac.signal,
          })) {
          if (ev.type === 'DELETED') state.delete(ev.object.metadata.name ?? '');
          else state.set(ev.object.metadata.name ?? '', ev.object);
          events++;
          min = Math.min(min, [...state.values()].filter((p) => alive(p) && isReady(p)).length);
        }
      } catch {
        // aborted
      }
    })();
    const env = await kubectl(['set', 'env', 'deployment/roll', 'VERSION=2']);
    expect(env.code).toBe(0);
    const st = await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=150s']);
    expect(st.stdout).toContain('deployment "roll" successfully rolled out');
    ac.abort();
    await watching;
    expect(events).toBeGreaterThan(8); // 4 new pods created, made Ready; 4 old ones terminated
    expect(min).toBeGreaterThanOrEqual(3);
    const after = (await pods('app=roll')).filter(alive);
    expect(after).toHaveLength(4);
    expect(
      after.every((p) =>
        p.spec?.containers[0]?.env?.some((e) => e.name === 'VERSION' && e.value === '2'),
      ),
    ).toBe(true);
  });

  it('a failing readiness probe flips Ready to False', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'flaky', namespace: ns, labels: { app: 'flaky' } },
      spec: {
        containers: [
          {
            name: 'echo',
            image: 'svclab/echo',
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'UNREADY_AFTER_SECONDS', value: '6' }],
            readinessProbe: {
              httpGet: { path: '/ready', port: 8080 },
              periodSeconds: 1,
              failureThreshold: 1,
            },
          },
        ],
      },
    };
    const applied = await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    expect(applied.code, applied.stdout).toBe(0);
    await until(
      'flaky Ready',
      async () => isReady(await client.resource('pods').namespace(ns).get('flaky')),
      60_000,
      procs(),
    );
    const p = await until(
      'flaky not Ready',
      async () => {
        const x = await client.resource('pods').namespace(ns).get('flaky');
        return isReady(x) ? undefined : x;
      },
      60_000,
      procs(),
    );
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [echo]',
    });
    const r = await kubectl(['get', 'pod', 'flaky']);
    expect(r.stdout).toMatch(/^flaky\s+0\/1\s+Running\s+0\s/m);
    // Each failed attempt is an Unhealthy event; repeats bump one Event's count, as upstream.
    const count = await until(
      'Unhealthy event counted twice',
      async () => {
        const e = await eventsOutput(
          'involvedObject.name=flaky,reason=Unhealthy',
          '{.items[*].count}|{.items[*].message}',
        );
        const [counts = '', message = ''] = e.split('|');
        const n = Number(counts.split(' ')[0] ?? '0');
        return n >= 2 ? { n, items: counts.split(' ').length, message } : undefined;
      },
      60_000,
      procs(),
    );
    expect(count.items).toBe(1);
    expect(count.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
  });

  it("the node agent records the kubelet's Events, as kubectl describe pod prints them", async () => {
    const pod = (name: string, image: string): object => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns },
      spec: { containers: [{ name: 'app', image }] },
    });
    for (const [name, image] of [
      ['ev-ok', 'svclab/echo'],
      ['ev-bad', 'nginx'],
    ] as const) {
      const applied = await kubectl(['apply', '-f', '-'], JSON.stringify(pod(name, image)));
      expect(applied.code, applied.stdout).toBe(0);
    }
    const described = async (name: string, want: string): Promise<string | undefined> => {
      const r = await kubectl(['describe', 'pod', name]);
      return r.stdout.includes(want) ? r.stdout : undefined;
    };
    const ok = await until(
      'ev-ok Started event',
      () => described('ev-ok', 'Started container app'),
      60_000,
      procs(),
    );
    const events = ok.slice(ok.indexOf('Events:'));
    expect(events).toMatch(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/ev-ok to wl-node-\d/,
    );
    expect(events).toMatch(
      /Normal\s+Pulled\s+\S+\s+kubelet\S*(, wl-node-\d)?\s+Container image "svclab\/echo" already present on machine/,
    );
    expect(events).toMatch(
      /Normal\s+Created\s+\S+\s+kubelet\S*(, wl-node-\d)?\s+Created container: app/,
    );
    expect(events).toMatch(
      /Normal\s+Started\s+\S+\s+kubelet\S*(, wl-node-\d)?\s+Started container app/,
    );
    const bad = await until(
      'ev-bad Failed event',
      () => described('ev-bad', 'Error: ErrImagePull'),
      60_000,
      procs(),
    );
    const waiting = await api.kubectl(['logs', 'ev-bad']);
    expect(waiting.stderr).toContain(
      'Error from server (BadRequest): container "app" in pod "ev-bad" is waiting to start: trying and failing to pull image',
    );
    expect(bad).toMatch(
      /Warning\s+Failed\s+\S+\s+kubelet\S*(, wl-node-\d)?\s+Failed to pull image "nginx": svclab runs only its built-in images/,
    );
    const involved = await eventsOutput(
      'involvedObject.name=ev-ok,reason=Started',
      '{.items[0].involvedObject.fieldPath} {.items[0].source.component} {.items[0].source.host}',
    );
    expect(involved).toMatch(/^spec\.containers\{app\} kubelet wl-node-\d$/);
    await kubectl(['delete', 'pod', 'ev-ok', 'ev-bad', '--grace-period=0', '--wait=false']);
  });

  it('kubectl logs prints what the container wrote, through the kubelet API of its node', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logged', namespace: ns },
      spec: {
        containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }],
      },
    };
    const running = await applyReady(pod);
    const ip = running.status?.podIP ?? '';
    expect((await fetch(`http://${ip}:8080/from-the-test?x=1`)).status).toBe(200);
    const logs = await until(
      'the access line in kubectl logs',
      async () => {
        const r = await kubectl(['logs', 'logged']);
        return r.stdout.includes('/from-the-test') ? r.stdout : undefined;
      },
      10_000,
      procs(),
    );
    expect(logs).toContain(`listening on http://${ip}:8080\n`);
    expect(logs).toMatch(/^127\.0\.0\.1:\d+ "GET \/from-the-test\?x=1 HTTP\/1\.1" 200$/m);
    const tail = await kubectl(['logs', 'logged', '--tail=1', '--timestamps']);
    expect(tail.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z 127\.0\.0\.1:\d+ "GET \/from-the-test\?x=1 HTTP\/1\.1" 200\n$/,
    );
    const previous = await api.kubectl(['logs', 'logged', '--previous']);
    expect(previous.code).not.toBe(0);
    expect(previous.stderr).toContain(
      'previous terminated container "echo" in pod "logged" not found',
    );
    await kubectl(['delete', 'pod', 'logged', '--grace-period=0', '--wait=false']);
  });

  it('a deleted pod keeps serving through its grace period, then is removed', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'graceful', namespace: ns },
      spec: {
        terminationGracePeriodSeconds: 6,
        containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }],
      },
    };
    const running = await applyReady(pod);
    const url = `http://${running.status?.podIP ?? ''}:8080/`;
    expect((await fetch(url)).status).toBe(200);
    const del = await kubectl(['delete', 'pod', 'graceful', '--wait=false']);
    expect(del.stdout).toBe('pod "graceful" deleted\n');
    const terminating = await client.resource('pods').namespace(ns).get('graceful');
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    // Still serving during the grace period.
    expect((await fetch(url)).status).toBe(200);
    // The kubelet records the stop signal when the deletion starts, not when the grace period ends.
    const killing = await untilEvents(
      'involvedObject.name=graceful,reason=Killing',
      '{.items[*].message}',
      10_000,
    );
    expect(killing).toBe('Stopping container echo');
    expect(Date.now()).toBeLessThan(Date.parse(terminating.metadata.deletionTimestamp ?? ''));
    await until(
      'graceful removed',
      async () => {
        try {
          await client.resource('pods').namespace(ns).get('graceful');
          return undefined;
        } catch (err) {
          return (err as { status?: { code?: number } }).status?.code === 404;
        }
      },
      60_000,
      procs(),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(
      Date.parse(terminating.metadata.deletionTimestamp ?? '') - 1000,
    );
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a StatefulSet gives web-0, web-1 with hostname and subdomain', async () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: {
        clusterIP: 'None',
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 8080 }],
      },
    };
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: ns },
      spec: {
        serviceName: 'web',
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'echo', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    };
    const applied = await kubectl(
      ['apply', '-f', '-'],
      `${JSON.stringify(svc)}\n${JSON.stringify(sts)}`,
    );
    expect(applied.code, applied.stdout).toBe(0);
    const ready = await until(
      'web-0 and web-1 Ready',
      async () => {
        const l = (await pods('app=web')).filter((p) => alive(p) && isReady(p));
        return l.length === 2
          ? l.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
          : undefined;
      },
      90_000,
      procs(),
    );
    expect(ready.map((p) => [p.metadata.name, p.spec?.hostname, p.spec?.subdomain])).toEqual([
      ['web-0', 'web-0', 'web'],
      ['web-1', 'web-1', 'web'],
    ]);
    const st = await client.resource('statefulsets').namespace(ns).get('web');
    expect(st.status?.readyReplicas).toBe(2);
    const rs = await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    expect(rs.code).toBe(0);
  });

  it("an unschedulable pod gets FailedScheduling with the scheduler's message", async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nowhere', namespace: ns },
      spec: {
        nodeSelector: { disktype: 'ssd' },
        containers: [{ name: 'echo', image: 'svclab/echo' }],
      },
    };
    const applied = await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    expect(applied.code, applied.stdout).toBe(0);
    const msg = await untilEvents(
      'involvedObject.name=nowhere,reason=FailedScheduling',
      '{.items[*].message}',
      60_000,
    );
    expect(msg).toContain(
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
    );
    const p = await client.resource('pods').namespace(ns).get('nowhere');
    expect(p.spec?.nodeName ?? '').toBe('');
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
    });
    await kubectl(['delete', 'pod', 'nowhere', '--wait=false']);
  });

  it("a restarted node agent keeps its pods' IPs and serves them again", async () => {
    // The node whose agent restarts: one that runs echo pods (after scaling to 2 both may sit on one node).
    const echo = (await pods('app=echo')).filter(alive);
    const i = nodes.findIndex((n) => echo.some((p) => p.spec?.nodeName === n.name));
    expect(i).toBeGreaterThanOrEqual(0);
    const first = nodes[i];
    const before = echo.filter((p) => p.spec?.nodeName === first?.name);
    expect(before.length).toBeGreaterThan(0);
    await agents[i]?.stop(10_000);
    const common = { APISERVER_URL: api.url, NATS_URL: api.nats.url, LOG_LEVEL: 'warn' };
    agents[i] = runSource(
      'node-agent',
      { ...common, NODE_NAME: first?.name ?? '', NODE_IP: first?.ip ?? '' },
      ['--healthz-bind-address', '127.0.0.1:0', '--node-lease-duration-seconds', '4'],
    );
    for (const p of before) {
      const ip = p.status?.podIP ?? '';
      const body = await until(
        `${p.metadata.name ?? ''} answering again on ${ip}`,
        async () => {
          const res = await fetch(`http://${ip}:8080/`);
          return (await res.json()) as { pod: string };
        },
        90_000,
        procs(),
      );
      expect(body.pod).toBe(p.metadata.name);
    }
    await until(
      'pods Ready again with the same IPs',
      async () => {
        const now = (await pods('app=echo')).filter(
          (p) => alive(p) && p.spec?.nodeName === first?.name,
        );
        return (
          now.length === before.length &&
          now.every(
            (p) =>
              isReady(p) &&
              before.some(
                (b) => b.metadata.name === p.metadata.name && b.status?.podIP === p.status?.podIP,
              ),
          )
        );
      },
      90_000,
      procs(),
    );
  });

  it('a stopped node agent makes its node Unknown after the grace period and its pods not Ready', async () => {
    const victim = nodes[1]?.name ?? '';
    // Every pod on the victim (echo, roll, web…): the scheduler spread them over both nodes.
    const before = (await client.resource('pods').namespace(ns).list()).items.filter(
      (p) => alive(p) && p.spec?.nodeName === victim && isReady(p),
    );
    expect(before.length).toBeGreaterThan(0);
    await agents[1]?.kill();
    await until(
      `${victim} Ready=Unknown`,
      async () => {
        const n = await client.resource('nodes').get(victim);
        return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
      },
      60_000,
      procs(),
    );
    const n = await client.resource('nodes').get(victim);
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    await until(
      'its pods not Ready',
      async () => {
        const l = (await client.resource('pods').namespace(ns).list()).items.filter((p) =>
          before.some((b) => b.metadata.uid === p.metadata.uid),
        );
        return l.length > 0 && l.every((p) => !isReady(p));
      },
      60_000,
      procs(),
    );
    const r = await kubectl(['get', 'node', victim]);
    expect(r.stdout).toMatch(new RegExp(`^${victim}\\s+NotReady\\s`, 'm'));
    const notReady = await untilEvents(
      `involvedObject.name=${victim},reason=NodeNotReady`,
      '{.items[*].source.component}: {.items[*].message}',
      30_000,
    );
    expect(notReady).toBe(`node-controller: Node ${victim} status is now: NodeNotReady`);
  });
});
