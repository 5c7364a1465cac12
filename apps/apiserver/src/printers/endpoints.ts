// Endpoints and EndpointSlices: formatEndpoints, formatDiscoveryPorts, formatDiscoveryEndpoints.
import { arr, isSet, rec, str } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

/** Entries shown before ` + N more...`. */
const maxShown = 3;

/** `net.JoinHostPort`. */
function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `formatEndpoints(endpoints, nil)`: ready addresses grouped by port, 3 shown, then ` + N more...`. */
export function formatEndpoints(subsets: unknown): string {
  const list = arr(subsets);
  if (list.length === 0) return '<none>';
  const shown: string[] = [];
  let more = false;
  let count = 0;
  for (const raw of list) {
    const ss = rec(raw);
    const addresses = arr(ss['addresses']).map((a) => str(rec(a)['ip']));
    const ports = arr(ss['ports']);
    if (ports.length === 0) {
      count += addresses.length;
      for (const ip of addresses) {
        if (shown.length === maxShown) {
          more = true;
          break;
        }
        shown.push(ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (shown.length === maxShown) {
          more = true;
          break;
        }
        shown.push(joinHostPort(ip, Number(rec(p)['port'] ?? 0)));
      }
    }
  }
  const ret = shown.join(',');
  return more ? `${ret} + ${count - maxShown} more...` : ret;
}

function listWithMore(list: readonly string[], more: boolean, count: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - maxShown} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** `formatDiscoveryPorts`: port number, else name, else `*`. */
export function formatDiscoveryPorts(ports: unknown): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const raw of arr(ports)) {
    const p = rec(raw);
    if (list.length < maxShown) {
      let s = '*';
      if (isSet(p['port'])) s = String(p['port']);
      else if (isSet(p['name'])) s = str(p['name']);
      list.push(s);
    } else {
      more = true;
    }
    count++;
  }
  return listWithMore(list, more, count);
}

/** `formatDiscoveryEndpoints`: every address of every endpoint, regardless of conditions. */
export function formatDiscoveryEndpoints(endpoints: unknown): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ep of arr(endpoints)) {
    for (const a of arr(rec(ep)['addresses'])) {
      if (list.length < maxShown) list.push(str(a));
      else more = true;
      count++;
    }
  }
  return listWithMore(list, more, count);
}

export const endpointsPrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Endpoints', 'Endpoints is the list of endpoints in this resource.'),
    ageColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    return {
      cells: [
        str(meta['name']),
        formatEndpoints(o['subsets']),
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
      ],
    };
  },
};

export const endpointSlicePrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column(
      'AddressType',
      'addressType specifies the type of address carried by this EndpointSlice.',
    ),
    column(
      'Ports',
      'ports specifies the list of network ports exposed by each endpoint in this slice.',
    ),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    ageColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    return {
      cells: [
        str(meta['name']),
        str(o['addressType']),
        formatDiscoveryPorts(o['ports']),
        formatDiscoveryEndpoints(o['endpoints']),
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
      ],
    };
  },
};
