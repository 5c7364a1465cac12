// loadBalancerSourceRanges (spec field, else the service.beta.kubernetes.io/load-balancer-source-ranges
// annotation, as upstream's GetLoadBalancerSourceRanges): which client addresses may connect.
import { wellKnown, type Service } from '@svclab/api';
import { cidrContains, parseCidr, parseIpv4, type Ipv4Cidr } from './ipv4.js';

/** The allowed source CIDRs of `svc`; empty means everyone. Malformed entries are skipped. */
export function loadBalancerSourceRanges(svc: Service): Ipv4Cidr[] {
  let raw = svc.spec?.loadBalancerSourceRanges ?? [];
  if (raw.length === 0) {
    const ann = svc.metadata.annotations?.[wellKnown.AnnotationLoadBalancerSourceRanges];
    raw = ann === undefined ? [] : ann.split(',');
  }
  const out: Ipv4Cidr[] = [];
  for (const r of raw) {
    if (r.trim() === '') continue;
    const c = parseCidr(r);
    if (c !== undefined) out.push(c);
  }
  return out;
}

/** True when `clientIp` may connect: no ranges, or inside one of them. */
export function sourceAllowed(ranges: readonly Ipv4Cidr[], clientIp: string): boolean {
  if (ranges.length === 0) return true;
  const v = parseIpv4(clientIp);
  if (v === undefined) return false;
  return ranges.some((c) => cidrContains(c, v));
}
