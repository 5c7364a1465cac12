// The kubernetes plugin's answers (CoreDNS plugin/kubernetes/{handler,kubernetes,reverse,ns}.go and
// plugin/backend_lookup.go). `answer()` is pure: a query, an ObjectSource and the options in, a reply
// out. Only an ExternalName pointing outside the zones needs I/O; `answer()` then returns the
// upstream lookup to make and `KubernetesPlugin` makes it through the chain.
import { isIP } from 'node:net';
import type { Answer, SrvAnswer } from 'dns-packet';
import {
  nextOrFailure,
  QType,
  Rcode,
  reply,
  type DnsReply,
  type DnsRequest,
  type Handler,
} from '../../plugin.js';
import { newRequest } from '../../wire.js';
import type { ObjectSource } from './controller.js';
import { endpointHostname, type SlimEndpoints } from './object.js';
import {
  extractAddressFromReverse,
  isReverseZone,
  isSubDomain,
  matchZone,
  parseRequest,
  podLabelToIP,
  Svc,
  type RecordRequest,
} from './parse.js';
import { DNS_SCHEMA_TTL, DNS_SCHEMA_VERSION, PodMode, type KubernetesOptions } from './setup.js';

export const PLUGIN_NAME = 'kubernetes';

export interface Query {
  /** As the client sent it (case kept), no trailing dot. */
  readonly qname: string;
  readonly qtype: number;
}

/** What answer() decided. */
export type KubernetesAnswer =
  /** Out of zone, or a name error that `fallthrough` covers: the next plugin answers. */
  | { readonly kind: 'next' }
  | {
      readonly kind: 'reply';
      readonly reply: DnsReply;
      /** An ExternalName target outside the zones: look it up and append its answer after `cname`. */
      readonly upstream?: { readonly name: string; readonly qtype: number; readonly cname: Answer };
    };

/** CoreDNS name errors (IsNameError) and success. */
type Err = 'none' | 'noItems' | 'nsNotExposed' | 'invalid';

/** msg.Service: one backend entry. `host` is an IP, or a name for ExternalName. */
interface Backend {
  readonly host: string;
  readonly port: number;
  readonly ttl: number;
  /** The domain the entry lives at (SRV target, PTR target). */
  readonly key: string;
  readonly text?: string;
}

interface Found {
  readonly services: readonly Backend[];
  readonly err: Err;
}

interface Ctx {
  readonly objects: ObjectSource;
  readonly o: KubernetesOptions;
  /** Zone, lower case. */
  readonly zone: string;
  /** Zone as spelled in the query. */
  readonly zoneAsSent: string;
}

const ok = (services: readonly Backend[]): Found => ({ services, err: 'none' });
const fail = (err: Err): Found => ({ services: [], err });
const hostType = (host: string): 'A' | 'AAAA' | 'CNAME' => {
  const v = isIP(host);
  return v === 4 ? 'A' : v === 6 ? 'AAAA' : 'CNAME';
};
const isNameError = (e: Err): boolean => e !== 'none';

function namespaceExposed(c: Ctx, ns: string): boolean {
  if (c.o.namespaces.length > 0 && !c.o.namespaces.includes(ns)) return false;
  return c.objects.namespaceExists(ns);
}

function findServices(c: Ctx, r: RecordRequest): Found {
  if (!namespaceExposed(c, r.namespace)) return fail('noItems');
  if (r.service === '') return ok([]);
  const svc = c.objects.serviceByName(r.namespace, r.service);
  if (!svc) return fail('noItems');
  const base = `${svc.name}.${svc.namespace}.${Svc}.${c.zoneAsSent}`;
  const ttl = c.o.ttl;
  const matchPort = (name: string, protocol: string): boolean =>
    (r.port === '' || r.port === name.toLowerCase()) &&
    (r.protocol === '' || r.protocol === protocol.toLowerCase());
  const eps = (): readonly SlimEndpoints[] =>
    c.o.noEndpoints ? [] : c.objects.endpointsByService(svc.namespace, svc.name);

  if (c.o.ignoreEmptyService && svc.type !== 'ExternalName' && !svc.headless) {
    if (!eps().some((e) => e.addresses.length > 0)) return fail('noItems');
  }
  if (svc.type === 'ExternalName') {
    if (r.endpoint !== '') return fail('noItems');
    // An IP literal is skipped; port/protocol labels are matched by nothing.
    if (
      hostType(svc.externalName) !== 'CNAME' ||
      svc.externalName === '' ||
      r.port !== '' ||
      r.protocol !== ''
    )
      return fail('noItems');
    return ok([{ host: svc.externalName, port: 0, ttl, key: base }]);
  }
  const out: Backend[] = [];
  if (svc.headless || r.endpoint !== '') {
    for (const ep of eps()) {
      for (const addr of ep.addresses) {
        const host = endpointHostname(addr, c.o.endpointPodNames);
        if (r.endpoint !== '' && r.endpoint !== host.toLowerCase()) continue;
        for (const p of ep.ports) {
          if (!matchPort(p.name, p.protocol)) continue;
          out.push({ host: addr.ip, port: p.port, ttl, key: `${host}.${base}` });
        }
      }
    }
    return out.length > 0 ? ok(out) : fail('noItems');
  }
  let found = false;
  for (const p of svc.ports) {
    if (!matchPort(p.name, p.protocol)) continue;
    found = true;
    for (const ip of svc.clusterIPs) out.push({ host: ip, port: p.port, ttl, key: base });
  }
  return found ? ok(out) : fail('noItems');
}

function findPods(c: Ctx, r: RecordRequest): Found {
  if (c.o.pods === PodMode.Disabled) return fail('noItems');
  if (!namespaceExposed(c, r.namespace)) return fail('noItems');
  if (r.service === '') return ok([]);
  const ip = podLabelToIP(r.service);
  if (ip === '') return fail('noItems');
  const key = `${r.service}.${r.namespace}.pod.${c.zoneAsSent}`;
  if (c.o.pods === PodMode.Insecure) return ok([{ host: ip, port: 0, ttl: c.o.ttl, key }]);
  const pods = c.objects
    .podsByIP(ip)
    .filter((p) => p.podIP === ip && p.namespace.toLowerCase() === r.namespace);
  return pods.length > 0
    ? ok(pods.map(() => ({ host: ip, port: 0, ttl: c.o.ttl, key })))
    : fail('noItems');
}

/** Kubernetes.Records. */
function records(c: Ctx, name: string): Found {
  const r = parseRequest(name, c.zone);
  if (r.invalid) return fail('invalid');
  if (r.podOrSvc === '') return ok([]);
  if (name.endsWith('in-addr.arpa') || name.endsWith('ip6.arpa')) return fail('noItems');
  if (!namespaceExposed(c, r.namespace)) return fail('nsNotExposed');
  return r.podOrSvc === 'pod' ? findPods(c, r) : findServices(c, r);
}

/** Kubernetes.Services: records, plus the TXT, ns.dns and SRV special cases. */
function services(c: Ctx, name: string, qtype: number): Found {
  if (qtype === QType.TXT) {
    if (name === `dns-version.${c.zone}`) {
      return ok([{ host: '', port: 0, ttl: DNS_SCHEMA_TTL, key: name, text: DNS_SCHEMA_VERSION }]);
    }
    return records(c, name).services.length > 0 ? ok([]) : fail('noItems');
  }
  if (name === `ns.dns.${c.zone}`) {
    return ok(nsAddrs(c).map(({ name: key, ip }) => ({ host: ip, port: 0, ttl: c.o.ttl, key })));
  }
  const f = records(c, name);
  if (qtype !== QType.SRV) return f;
  return { services: f.services.filter((s) => hostType(s.host) !== 'CNAME'), err: f.err };
}

interface AddrResult {
  readonly records: Answer[];
  readonly err: Err;
  upstream?: { name: string; qtype: number; cname: Answer };
}

/** plugin.A / plugin.AAAA, with checkForApex and CNAME chasing inside the zone. */
function address(c: Ctx, q: Query, previous: readonly Answer[]): AddrResult {
  const { qname, qtype } = q;
  const name = qname.toLowerCase();
  const f = services(c, name, qtype);
  if (f.err !== 'none') return { records: [], err: f.err };
  const out: AddrResult = { records: [], err: 'none' };
  const dup = new Set<string>();
  const want = qtype === QType.A ? 'A' : 'AAAA';
  for (const s of f.services) {
    const what = hostType(s.host);
    if (what === 'CNAME') {
      const target = s.host.replace(/\.$/, '');
      if (target.toLowerCase() === name) continue;
      const cname: Answer = { name: qname, type: 'CNAME', ttl: s.ttl, class: 'IN', data: target };
      if (previous.length > 7) continue;
      if (
        previous.some(
          (p) =>
            p.type === 'CNAME' &&
            p.name.toLowerCase() === name &&
            p.data.toLowerCase() === target.toLowerCase(),
        )
      )
        continue;
      if (isSubDomain(c.zone, target.toLowerCase())) {
        const next = address(c, { qname: target, qtype }, [...previous, cname]);
        if (next.err === 'none' && next.records.length > 0) {
          out.records.push(cname, ...next.records);
          if (next.upstream) out.upstream = next.upstream;
        }
        continue;
      }
      out.records.push(cname);
      out.upstream = { name: target, qtype, cname };
      continue;
    }
    if (what !== want || dup.has(s.host)) continue;
    dup.add(s.host);
    out.records.push({ name: qname, type: want, ttl: s.ttl, class: 'IN', data: s.host });
  }
  return out;
}

function srv(c: Ctx, qname: string): { records: Answer[]; extra: Answer[]; err: Err } {
  const f = services(c, qname.toLowerCase(), QType.SRV);
  if (f.err !== 'none') return { records: [], extra: [], err: f.err };
  const weight = Math.max(1, Math.floor(100 / Math.max(1, f.services.length)));
  const records: Answer[] = [];
  const extra: Answer[] = [];
  const dup = new Set<string>();
  for (const s of f.services) {
    if (s.port === -1) continue;
    const what = hostType(s.host);
    if (what === 'CNAME') continue;
    const rr: SrvAnswer = {
      name: qname,
      type: 'SRV',
      ttl: s.ttl,
      class: 'IN',
      data: { priority: 0, weight, port: s.port, target: s.key },
    };
    if (!dup.has(`${s.key}\u0000\u0000${s.port}`)) {
      dup.add(`${s.key}\u0000\u0000${s.port}`);
      records.push(rr);
    }
    if (!dup.has(`${s.key}\u0000${s.host}\u00000`)) {
      dup.add(`${s.key}\u0000${s.host}\u00000`);
      extra.push({ name: s.key, type: what, ttl: s.ttl, class: 'IN', data: s.host });
    }
  }
  return { records, extra, err: 'none' };
}

function primaryZone(o: KubernetesOptions): string {
  return o.zones.find((z) => !isReverseZone(z)) ?? o.zones[0] ?? '';
}

/** Kubernetes.Reverse + serviceRecordForIP. */
function ptr(c: Ctx, qname: string): { records: Answer[]; err: Err } {
  const name = qname.toLowerCase();
  const ip = extractAddressFromReverse(name);
  if (ip === '') {
    const f = records(c, name);
    return { records: [], err: f.err };
  }
  const limited = c.o.namespaces.length > 0;
  const pz = primaryZone(c.o);
  const targets: string[] = [];
  const svc = c.objects
    .servicesByClusterIP(ip)
    .find((s) => !limited || namespaceExposed(c, s.namespace));
  if (svc) targets.push(`${svc.name}.${svc.namespace}.svc.${pz}`);
  else {
    for (const ep of c.objects.endpointsByIP(ip)) {
      if (limited && !namespaceExposed(c, ep.namespace)) continue;
      for (const a of ep.addresses) {
        if (a.ip !== ip) continue;
        const t = `${endpointHostname(a, c.o.endpointPodNames)}.${ep.serviceName}.${ep.namespace}.svc.${pz}`;
        if (!targets.includes(t)) targets.push(t);
      }
    }
  }
  if (targets.length === 0) return { records: [], err: 'noItems' };
  return {
    records: targets.map((t) => ({ name: qname, type: 'PTR', ttl: c.o.ttl, class: 'IN', data: t })),
    err: 'none',
  };
}

/** The zone SOA (plugin.SOA with the kubernetes Serial/MinTTL). */
export function soaRecord(zoneAsSent: string, serial: number, ttl: number): Answer {
  return {
    name: zoneAsSent,
    type: 'SOA',
    ttl: Math.min(ttl, 300),
    class: 'IN',
    data: {
      mname: `ns.dns.${zoneAsSent}`,
      rname: `hostmaster.${zoneAsSent}`,
      serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    },
  };
}

/**
 * kubernetes.go nsAddrs: the services this server is an endpoint of (found by its own IPs in the
 * endpoint IP index) name the NS; ClusterIP services give `<svc>.<ns>.svc.<zone>` with their
 * ClusterIPs, headless ones `<endpoint>.<svc>.<ns>.svc.<zone>` with the own IP. Not an endpoint of
 * anything: `ns.dns.<zone>` with the own IPs.
 */
function nsAddrs(c: Ctx): { name: string; ip: string }[] {
  const out: { name: string; ip: string }[] = [];
  for (const local of c.o.nsAddresses) {
    for (const ep of c.objects.endpointsByIP(local)) {
      const svc = c.objects.serviceByName(ep.namespace, ep.serviceName);
      if (!svc) continue;
      const base = `${svc.name}.${svc.namespace}.svc.${c.zoneAsSent}`;
      if (svc.headless) {
        for (const a of ep.addresses)
          if (a.ip === local)
            out.push({ name: `${endpointHostname(a, c.o.endpointPodNames)}.${base}`, ip: local });
        continue;
      }
      for (const ip of svc.clusterIPs) out.push({ name: base, ip });
    }
  }
  if (out.length > 0) return out;
  return c.o.nsAddresses.map((ip) => ({ name: `ns.dns.${c.zoneAsSent}`, ip }));
}

const addressRecord = (name: string, ip: string, ttl: number): Answer =>
  isIP(ip) === 6
    ? { name, type: 'AAAA', ttl, class: 'IN', data: ip }
    : { name, type: 'A', ttl, class: 'IN', data: ip };

/** plugin.NS at the apex: one NS per distinct target, glue for every address. */
function nsRecords(c: Ctx, qname: string): { records: Answer[]; extra: Answer[] } {
  const records: Answer[] = [];
  const extra: Answer[] = [];
  const seen = new Set<string>();
  for (const { name, ip } of nsAddrs(c)) {
    extra.push(addressRecord(name, ip, c.o.ttl));
    if (seen.has(name)) continue;
    seen.add(name);
    records.push({ name: qname, type: 'NS', ttl: c.o.ttl, class: 'IN', data: name });
  }
  return { records, extra };
}

function fallsThrough(o: KubernetesOptions, name: string): boolean {
  if (o.fallthrough === undefined) return false;
  if (o.fallthrough.length === 0) return true;
  return o.fallthrough.some((z) => isSubDomain(z, name));
}

/**
 * Answers one query as CoreDNS's kubernetes plugin does (handler.go ServeDNS): the zone is the
 * longest configured match; name errors become NXDOMAIN (SERVFAIL before sync, or the next plugin
 * under `fallthrough`); an existing name without records of the type is NODATA; both carry the SOA.
 */
export function answer(
  query: Query,
  objects: ObjectSource,
  options: KubernetesOptions,
): KubernetesAnswer {
  const { qname, qtype } = query;
  const name = qname.toLowerCase();
  const zone = matchZone(options.zones, name);
  if (zone === undefined) return { kind: 'next' };
  const zoneAsSent = zone === '' ? '' : qname.slice(qname.length - zone.length);
  const c: Ctx = { objects, o: options, zone, zoneAsSent };
  let recs: Answer[] = [];
  let extra: Answer[] = [];
  let err: Err = 'none';
  let upstream: AddrResult['upstream'];
  switch (qtype) {
    case QType.A:
    case QType.AAAA: {
      const r = address(c, { qname, qtype }, []);
      ({ records: recs, err, upstream } = r);
      break;
    }
    case QType.TXT: {
      const f = services(c, name, qtype);
      err = f.err;
      recs = f.services
        .filter((s) => s.text !== undefined)
        .map((s) => ({ name: qname, type: 'TXT', ttl: s.ttl, class: 'IN', data: s.text ?? '' }));
      break;
    }
    case QType.CNAME: {
      const f = services(c, name, qtype);
      err = f.err;
      const first = f.services[0];
      if (first && hostType(first.host) === 'CNAME') {
        recs = [
          {
            name: qname,
            type: 'CNAME',
            ttl: first.ttl,
            class: 'IN',
            data: first.host.replace(/\.$/, ''),
          },
        ];
      }
      break;
    }
    case QType.PTR:
      ({ records: recs, err } = ptr(c, qname));
      break;
    case QType.MX:
      err = services(c, name, qtype).err;
      break;
    case QType.SRV:
      ({ records: recs, extra, err } = srv(c, qname));
      break;
    case QType.SOA:
      if (name === zone) recs = [soaRecord(zoneAsSent, objects.serial(), options.ttl)];
      break;
    case QType.AXFR:
    case QType.IXFR:
      return { kind: 'reply', reply: reply(PLUGIN_NAME, Rcode.REFUSED) };
    case QType.NS:
      if (name === zone) {
        ({ records: recs, extra } = nsRecords(c, qname));
        break;
      }
      err = address(c, { qname, qtype: QType.A }, []).err;
      break;
    default:
      // A fake A lookup tells NXDOMAIN from NODATA.
      err = address(c, { qname, qtype: QType.A }, []).err;
  }
  const soa = [soaRecord(zoneAsSent, objects.serial(), options.ttl)];
  if (isNameError(err)) {
    if (fallsThrough(options, name)) return { kind: 'next' };
    const rcode = objects.synced() ? Rcode.NXDOMAIN : Rcode.SERVFAIL;
    return { kind: 'reply', reply: reply(PLUGIN_NAME, rcode, { aa: true, authorities: soa }) };
  }
  if (recs.length === 0)
    return {
      kind: 'reply',
      reply: reply(PLUGIN_NAME, Rcode.NOERROR, { aa: true, authorities: soa }),
    };
  const rep = reply(PLUGIN_NAME, Rcode.NOERROR, { aa: true, answers: recs, additionals: extra });
  return upstream ? { kind: 'reply', reply: rep, upstream } : { kind: 'reply', reply: rep };
}

export interface KubernetesPluginDeps {
  readonly objects: ObjectSource;
  readonly options: KubernetesOptions;
  /** The server's whole chain, for ExternalName targets outside the zones (plugin/pkg/upstream). */
  readonly upstream?: () => Handler;
}

/** The kubernetes plugin as a chain element. */
export class KubernetesPlugin implements Handler {
  readonly name = PLUGIN_NAME;
  constructor(
    private readonly deps: KubernetesPluginDeps,
    private readonly next: Handler | undefined,
  ) {}

  /** Ready() is HasSynced() (ready.go). */
  ready(): boolean {
    return this.deps.objects.synced();
  }

  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    const a = answer({ qname: req.qname, qtype: req.qtype }, this.deps.objects, this.deps.options);
    if (a.kind === 'next') return nextOrFailure(this.name, this.next, req);
    // Nothing but the question and the objects went into it (client-dependent plugins run before).
    if (!a.upstream) return { ...a.reply, stable: true };
    const { name, qtype, cname } = a.upstream;
    let up: DnsReply | undefined;
    try {
      up = this.deps.upstream
        ? await this.deps.upstream().serveDNS(newRequest(req, name, qtype))
        : undefined;
    } catch {
      up = undefined;
    }
    if (!up || up.rcode === Rcode.SERVFAIL || up.rcode === Rcode.REFUSED) {
      // Lookup failed: CoreDNS leaves the CNAME out.
      const answers = a.reply.answers.filter((r) => r !== cname);
      if (answers.length > 0) return { ...a.reply, answers };
      const zone = matchZone(this.deps.options.zones, req.qname.toLowerCase()) ?? '';
      const soa = soaRecord(
        req.qname.slice(req.qname.length - zone.length),
        this.deps.objects.serial(),
        this.deps.options.ttl,
      );
      return reply(PLUGIN_NAME, Rcode.NOERROR, { aa: true, authorities: [soa] });
    }
    return { ...a.reply, tc: a.reply.tc || up.tc, answers: [...a.reply.answers, ...up.answers] };
  }
}
