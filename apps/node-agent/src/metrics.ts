// Node agent metrics: svclab_node_agent_<name>_<unit>, outcomes as labels.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export class NodeAgentMetrics {
  readonly registry = new Registry();
  readonly runningPods = new Gauge({ name: 'svclab_node_agent_running_pods', help: 'Pods this process runs, by node.', labelNames: ['node'], registers: [this.registry] });
  readonly statusWrites = new Counter({
    name: 'svclab_node_agent_pod_status_writes_total',
    help: 'Pod status writes through pods/status.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly leaseRenewals = new Counter({
    name: 'svclab_node_agent_lease_renewals_total',
    help: 'Node Lease renewals.',
    labelNames: ['result'],
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
  }
}
