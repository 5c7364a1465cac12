// Services: printService, getServiceExternalIP, loadBalancerStatusStringer, makePortString.
import { arr, isRecord, num, rec, str } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

/** `loadBalancerStatusStringer`: ingress IPs (or hostnames), de-duplicated, sorted; truncated to 13+"..." when > 16 chars and not wide. */
export function loadBalancerStatusString(status: unknown, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of arr(rec(status)['ingress'])) {
    const i = rec(ing);
    const ip = str(i['ip']);
    const hostname = str(i['hostname']);
    if (ip !== '') set.add(ip);
    else if (hostname !== '') set.add(hostname);
  }
  let r = [...set].sort().join(',');
  if (!wide && r.length > 16) r = `${r.slice(0, 13)}...`;
  return r;
}

/** `getServiceExternalIP`. */
export function serviceExternalIP(svc: unknown, wide: boolean): string {
  const spec = rec(rec(svc)['spec']);
  const externalIPs = arr(spec['externalIPs']).map(str);
  switch (spec['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatusString(rec(rec(svc)['status'])['loadBalancer'], wide);
      if (externalIPs.length > 0)
        return [...(lb.length > 0 ? lb.split(',') : []), ...externalIPs].join(',');
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

/** `makePortString`: `80/TCP`, `80:31080/TCP`, joined with ','; `<none>` without ports. */
export function servicePortString(ports: unknown): string {
  const list = arr(ports).filter(isRecord);
  if (list.length === 0) return '<none>';
  return list
    .map((p) => {
      const np = num(p['nodePort']);
      return np > 0
        ? `${num(p['port'])}:${np}/${str(p['protocol'])}`
        : `${num(p['port'])}/${str(p['protocol'])}`;
    })
    .join(',');
}

/** `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const r = rec(m);
  const keys = Object.keys(r).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${str(r[k])}`).join(',');
}

export const servicePrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Type', 'type determines how the Service is exposed.'),
    column(
      'Cluster-IP',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
    ),
    column(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column(
      'Selector',
      'Route service traffic to pods with label keys and values matching this selector.',
      { priority: 1 },
    ),
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const spec = rec(o['spec']);
    const clusterIPs = arr(spec['clusterIPs']).map(str);
    return {
      cells: [
        str(rec(o['metadata'])['name']),
        str(spec['type']),
        clusterIPs.length > 0 ? (clusterIPs[0] ?? '') : '<none>',
        serviceExternalIP(obj, ctx.wide),
        servicePortString(spec['ports']),
        translateTimestampSince(rec(o['metadata'])['creationTimestamp'], ctx.now),
        formatLabels(spec['selector']),
      ],
    };
  },
};
