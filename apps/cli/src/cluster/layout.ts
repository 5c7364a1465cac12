// Where a local cluster keeps its state: `.svclab/` under the repository (or $SVCLAB_HOME).
import { join, resolve } from 'node:path';

export interface StateLayout {
  readonly dir: string;
  readonly logs: string;
  readonly data: string;
  readonly clusterJson: string;
  readonly kubeconfig: string;
  readonly tokens: string;
  readonly plan: string;
  readonly pids: string;
  readonly supervisorPid: string;
}

/** The repository root: apps/cli/dist/.. or apps/cli/src/.. three levels up. */
export function repoRoot(): string {
  return resolve(import.meta.dirname, '..', '..', '..', '..');
}

export function stateLayout(dir = process.env['SVCLAB_HOME'] ?? join(repoRoot(), '.svclab')): StateLayout {
  return {
    dir,
    logs: join(dir, 'logs'),
    data: join(dir, 'data'),
    clusterJson: join(dir, 'cluster.json'),
    kubeconfig: join(dir, 'kubeconfig'),
    tokens: join(dir, 'tokens.csv'),
    plan: join(dir, 'plan.json'),
    pids: join(dir, 'pids.json'),
    supervisorPid: join(dir, 'supervisor.pid'),
  };
}
