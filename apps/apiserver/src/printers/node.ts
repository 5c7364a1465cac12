// Nodes and Namespaces: printNode (STATUS from the Ready condition, ROLES from labels), printNamespace.
import { arr, rec, str } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

const labelNodeRolePrefix = 'node-role.kubernetes.io/';
const nodeLabelRole = 'kubernetes.io/role';

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` keys plus the `kubernetes.io/role` value, sorted. */
export function findNodeRoles(labels: unknown): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(rec(labels))) {
    if (k.startsWith(labelNodeRolePrefix)) {
      const role = k.slice(labelNodeRolePrefix.length);
      if (role !== '') roles.add(role);
    } else if (k === nodeLabelRole && str(v) !== '') {
      roles.add(str(v));
    }
  }
  return [...roles].sort();
}

/** STATUS: only the (last) Ready condition counts; `,SchedulingDisabled` when unschedulable. */
export function nodeStatus(node: unknown): string {
  const o = rec(node);
  let ready: string | undefined;
  for (const c of arr(rec(o['status'])['conditions']))
    if (rec(c)['type'] === 'Ready') ready = str(rec(c)['status']);
  const status = [ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady'];
  if (rec(o['spec'])['unschedulable'] === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function firstAddress(node: unknown, type: string): string {
  const a = arr(rec(rec(node)['status'])['addresses']).find((x) => rec(x)['type'] === type);
  return a === undefined ? '<none>' : str(rec(a)['address']);
}

function orUnknown(s: string): string {
  return s === '' ? '<unknown>' : s;
}

export const nodePrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('External-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column(
      'OS-Image',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      { priority: 1 },
    ),
    column(
      'Kernel-Version',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      { priority: 1 },
    ),
    column(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      { priority: 1 },
    ),
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    const info = rec(rec(o['status'])['nodeInfo']);
    const roles = findNodeRoles(meta['labels']).join(',');
    return {
      cells: [
        str(meta['name']),
        nodeStatus(obj),
        roles === '' ? '<none>' : roles,
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
        str(info['kubeletVersion']),
        firstAddress(obj, 'InternalIP'),
        firstAddress(obj, 'ExternalIP'),
        orUnknown(str(info['osImage'])),
        orUnknown(str(info['kernelVersion'])),
        orUnknown(str(info['containerRuntimeVersion'])),
      ],
    };
  },
};

export const namespacePrinter: ResourcePrinter = {
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    return {
      cells: [
        str(meta['name']),
        str(rec(o['status'])['phase']),
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
      ],
    };
  },
};
