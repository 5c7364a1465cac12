// A hollow kubelet for cluster benchmarks (upstream kubemark's idea): the bench registers a Node
// that no node agent runs, keeps its Lease renewed so the node lifecycle controller leaves it
// Ready, binds pods to it and writes their status itself — so a pod-readiness change is one
// `PATCH pods/status`, exactly the write a kubelet makes, without starting 1,000 fake processes.
// Pod IPs come from 127.245.0.0/16 (loopback; nothing connects to them).

/** `method path` with a JSON body (sent as contentType), the decoded reply; throws on ≥ 300. */
export type ApiCall = (
  method: string,
  path: string,
  send?: { body?: unknown; contentType?: string },
) => Promise<unknown>;

export const HollowNodeName = 'hollow-1';
const LeaseNamespace = 'kube-node-lease';
const LeaseDurationSeconds = 40;
const LeaseRenewMs = 10_000;
const MergePatch = 'application/merge-patch+json';

/** RFC 3339 with milliseconds: the start of upstream's SLI without a kubelet's 1 s truncation. */
const timestamp = (ms: number): string => new Date(ms).toISOString();
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export const podIP = (i: number): string => `127.245.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function readyCondition(ready: boolean, at: number): Record<string, unknown> {
  return {
    type: 'Ready',
    status: ready ? 'True' : 'False',
    lastTransitionTime: timestamp(at),
    ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }),
  };
}

function podStatus(i: number, ready: boolean, at: number): Record<string, unknown> {
  return {
    phase: 'Running',
    hostIP: '127.0.1.100',
    podIP: podIP(i),
    podIPs: [{ ip: podIP(i) }],
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp(at) },
      { type: 'Initialized', status: 'True', lastTransitionTime: timestamp(at) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: timestamp(at) },
      readyCondition(ready, at),
    ],
  };
}

export class HollowNode {
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: ApiCall,
    private readonly namespace: string,
  ) {}

  /** Registers the Node (Ready) and its Lease, and renews the Lease every 10 s until stop(). */
  async register(): Promise<void> {
    const now = Date.now();
    await this.call('POST', '/api/v1/nodes', {
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: HollowNodeName,
          labels: {
            'kubernetes.io/hostname': HollowNodeName,
            'topology.kubernetes.io/zone': 'zone-hollow',
          },
        },
        spec: { podCIDR: '127.245.0.0/16' },
      },
    });
    await this.call('PATCH', `/api/v1/nodes/${HollowNodeName}/status`, {
      contentType: MergePatch,
      body: {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'hollow kubelet is posting ready status',
              lastHeartbeatTime: timestamp(now),
              lastTransitionTime: timestamp(now),
            },
          ],
          addresses: [{ type: 'InternalIP', address: '127.0.1.100' }],
        },
      },
    });
    await this.call('POST', `/apis/coordination.k8s.io/v1/namespaces/${LeaseNamespace}/leases`, {
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: HollowNodeName },
        spec: {
          holderIdentity: HollowNodeName,
          leaseDurationSeconds: LeaseDurationSeconds,
          renewTime: microTime(now),
        },
      },
    });
    this.renewTimer = setInterval(() => {
      this.call('PATCH', `/apis/coordination.k8s.io/v1/namespaces/${LeaseNamespace}/leases/${HollowNodeName}`, {
        contentType: MergePatch,
        body: { spec: { renewTime: microTime(Date.now()) } },
      }).catch((err: unknown) => {
        process.stderr.write(`hollow-node: lease renewal failed: ${String(err)}\n`);
      });
    }, LeaseRenewMs);
  }

  stop(): void {
    clearInterval(this.renewTimer);
  }

  /** Creates pod `bench-<i>` (label app=bench-<i>, container port 8080) bound to the hollow node, then marks it Running and Ready. */
  async startPod(i: number): Promise<void> {
    await this.call('POST', `/api/v1/namespaces/${this.namespace}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `bench-${i}`, labels: { app: `bench-${i}` } },
        spec: {
          nodeName: HollowNodeName,
          containers: [
            { name: 'app', image: 'svclab/echo', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
          ],
        },
      },
    });
    await this.setReady(i, true, Date.now());
  }

  /** The kubelet's status write for a readiness change at `at` (ms): the pod's Ready condition flips. */
  async setReady(i: number, ready: boolean, at: number): Promise<void> {
    await this.call('PATCH', `/api/v1/namespaces/${this.namespace}/pods/bench-${i}/status`, {
      contentType: MergePatch,
      body: { status: podStatus(i, ready, at) },
    });
  }
}
