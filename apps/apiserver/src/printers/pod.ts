// Pods: printPod (READY, STATUS reasons, RESTARTS with last-restart age, wide IP/NODE/…).
import type { TableRow } from '@svclab/api';
import { arr, isRecord, isSet, num, rec, str, type Json } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

type RowConditions = NonNullable<TableRow['conditions']>;

const podSuccessConditions: RowConditions = [
  {
    type: 'Completed',
    status: 'True',
    reason: 'Succeeded',
    message: 'The pod has completed successfully.',
  },
];
const podFailedConditions: RowConditions = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

/** `status.reason` the node lifecycle controller sets on pods of an unreachable node. */
const NodeUnreachablePodReason = 'NodeLost';

function isRestartableInitContainer(c: Json | undefined): boolean {
  return c !== undefined && c['restartPolicy'] === 'Always';
}

function terminatedAt(cs: Json): number | undefined {
  const t = rec(rec(cs['lastState'])['terminated']);
  const f = str(t['finishedAt']);
  const ms = f === '' ? NaN : Date.parse(f);
  return Number.isNaN(ms) ? undefined : ms;
}

function conditionTrue(conditions: unknown, type: string): boolean {
  return arr(conditions).some((c) => rec(c)['type'] === type && rec(c)['status'] === 'True');
}

/** READY, STATUS, RESTARTS and the row conditions of `printPod`. */
export function podStatusCells(
  pod: unknown,
  now: Date,
): { ready: string; reason: string; restarts: string; conditions?: RowConditions } {
  const o = rec(pod);
  const spec = rec(o['spec']);
  const status = rec(o['status']);
  const meta = rec(o['metadata']);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = arr(spec['containers']).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined): number | undefined =>
    b === undefined ? a : a === undefined || b > a ? b : a;

  const phase = str(status['phase']);
  let reason = str(status['reason']) !== '' ? str(status['reason']) : phase;
  for (const c of arr(status['conditions'])) {
    if (rec(c)['type'] === 'PodScheduled' && rec(c)['reason'] === 'SchedulingGated')
      reason = 'SchedulingGated';
  }
  const conditions =
    phase === 'Succeeded'
      ? podSuccessConditions
      : phase === 'Failed'
        ? podFailedConditions
        : undefined;

  const initContainers = new Map<string, Json>();
  const initSpecs = arr(spec['initContainers']).filter(isRecord);
  for (const c of initSpecs) {
    initContainers.set(str(c['name']), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  for (const [i, raw] of arr(status['initContainerStatuses']).entries()) {
    const cs = rec(raw);
    const state = rec(cs['state']);
    const terminated = isRecord(state['terminated']) ? state['terminated'] : undefined;
    const waiting = isRecord(state['waiting']) ? state['waiting'] : undefined;
    restarts += num(cs['restartCount']);
    lastRestart = later(lastRestart, terminatedAt(cs));
    const restartable = isRestartableInitContainer(initContainers.get(str(cs['name'])));
    if (restartable) {
      restartableInitRestarts += num(cs['restartCount']);
      lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedAt(cs));
    }
    if (terminated !== undefined && num(terminated['exitCode']) === 0) continue;
    if (restartable && cs['started'] === true) {
      if (cs['ready'] === true) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      const r = str(terminated['reason']);
      if (r === '')
        reason =
          num(terminated['signal']) !== 0
            ? `Init:Signal:${num(terminated['signal'])}`
            : `Init:ExitCode:${num(terminated['exitCode'])}`;
      else reason = `Init:${r}`;
    } else if (
      waiting !== undefined &&
      str(waiting['reason']) !== '' &&
      waiting['reason'] !== 'PodInitializing'
    ) {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status['conditions'], 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = arr(status['containerStatuses']);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = rec(statuses[i]);
      const state = rec(cs['state']);
      const waiting = isRecord(state['waiting']) ? state['waiting'] : undefined;
      const terminated = isRecord(state['terminated']) ? state['terminated'] : undefined;
      restarts += num(cs['restartCount']);
      lastRestart = later(lastRestart, terminatedAt(cs));
      if (waiting !== undefined && str(waiting['reason']) !== '') {
        reason = str(waiting['reason']);
      } else if (terminated !== undefined && str(terminated['reason']) !== '') {
        reason = str(terminated['reason']);
      } else if (terminated !== undefined) {
        reason =
          num(terminated['signal']) !== 0
            ? `Signal:${num(terminated['signal'])}`
            : `ExitCode:${num(terminated['exitCode'])}`;
      } else if (cs['ready'] === true && isSet(state['running'])) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning)
      reason = conditionTrue(status['conditions'], 'Ready') ? 'Running' : 'NotReady';
  }

  if (isSet(meta['deletionTimestamp']) && status['reason'] === NodeUnreachablePodReason)
    reason = 'Unknown';
  else if (isSet(meta['deletionTimestamp']) && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined)
    restartsStr = `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  const out: { ready: string; reason: string; restarts: string; conditions?: RowConditions } = {
    ready: `${readyContainers}/${totalContainers}`,
    reason,
    restarts: restartsStr,
  };
  if (conditions !== undefined) out.conditions = conditions;
  return out;
}

function readinessGates(pod: Json): string {
  const gates = arr(rec(pod['spec'])['readinessGates']);
  if (gates.length === 0) return '<none>';
  const conditions = arr(rec(pod['status'])['conditions']).map(rec);
  let trueCount = 0;
  for (const g of gates) {
    const c = conditions.find((x) => x['type'] === rec(g)['conditionType']);
    if (c?.['status'] === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      { priority: 1 },
    ),
    column('Node', 'NodeName indicates in which node this pod is scheduled.', { priority: 1 }),
    column(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      { priority: 1 },
    ),
    column(
      'Readiness Gates',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      { priority: 1 },
    ),
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    const status = rec(o['status']);
    const s = podStatusCells(obj, ctx.now);
    const podIP = str(rec(arr(status['podIPs'])[0])['ip']);
    const nodeName = str(rec(o['spec'])['nodeName']);
    const nominated = str(status['nominatedNodeName']);
    const row: Pick<TableRow, 'cells' | 'conditions'> = {
      cells: [
        str(meta['name']),
        s.ready,
        s.reason,
        s.restarts,
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
        podIP === '' ? '<none>' : podIP,
        nodeName === '' ? '<none>' : nodeName,
        nominated === '' ? '<none>' : nominated,
        readinessGates(o),
      ],
    };
    if (s.conditions !== undefined) row.conditions = s.conditions;
    return row;
  },
};
