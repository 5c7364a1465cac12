// controller-manager metrics registry (Node.js process metrics plus leader state).
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export class ControllerManagerMetrics {
  readonly registry = new Registry();
  readonly leader = new Gauge({
    name: 'svclab_controller_manager_leader',
    help: '1 while this instance leads.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
