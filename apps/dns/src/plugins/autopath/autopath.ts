// autopath plugin (CoreDNS plugin/autopath with `autopath @kubernetes`): walks the client pod's search
// path on the server, so `name.<ns>.svc.<zone>` from a pod answers for the first search element
// that exists, with a CNAME from the asked name to the name found.
import type { Answer } from 'dns-packet';
import { Rcode, type DnsReply, type DnsRequest, type Handler } from '../../plugin.js';
import { newRequest } from '../../wire.js';
import type { ObjectSource } from '../kubernetes/controller.js';
import { isSubDomain } from '../kubernetes/parse.js';

export interface AutopathOptions {
  /** The kubernetes zone, lower case without trailing dot. */
  readonly zone: string;
  /** This server's own resolv.conf search domains, appended after the cluster ones. */
  readonly extraSearch: readonly string[];
  readonly objects: Pick<ObjectSource, 'podsByIP'>;
  readonly onSuccess?: () => void;
}

/** `[<ns>.svc.<zone>, svc.<zone>, <zone>, ...extra, ""]` (kubernetes/autopath.go AutoPath). */
export function searchPath(namespace: string, zone: string, extra: readonly string[]): string[] {
  return [`${namespace}.svc.${zone}`, `svc.${zone}`, zone, ...extra, ''];
}

/** cnamer: a CNAME from `original` to the first answer owner that differs, put first. */
function cnamer(answers: readonly Answer[], original: string): Answer[] {
  const a = answers.find((x) => x.name.toLowerCase() !== original.toLowerCase());
  if (!a) return [...answers];
  const ttl = 'ttl' in a ? (a.ttl ?? 0) : 0;
  return [{ name: original, type: 'CNAME', ttl, class: 'IN', data: a.name }, ...answers];
}

export class AutopathPlugin implements Handler {
  readonly name = 'autopath';
  constructor(
    private readonly opts: AutopathOptions,
    private readonly next: Handler,
  ) {}

  /** Replies depend on the client's pod, so none is `stable`. */
  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    const r = await this.search(req);
    return r.stable === true ? { ...r, stable: false } : r;
  }

  private async search(req: DnsRequest): Promise<DnsReply> {
    if (req.internal) return this.next.serveDNS(req);
    const client = req.client.address.startsWith('::ffff:')
      ? req.client.address.slice(7)
      : req.client.address;
    const pod = this.opts.objects.podsByIP(client)[0];
    if (!pod) return this.next.serveDNS(req);
    const path = searchPath(pod.namespace.toLowerCase(), this.opts.zone, this.opts.extraSearch);
    const first = path[0] ?? '';
    const qname = req.qname;
    const lname = qname.toLowerCase();
    if (!isSubDomain(first, lname) || lname === first) return this.next.serveDNS(req);
    const base = qname.slice(0, qname.length - first.length - 1);
    let firstReply: DnsReply | undefined;
    for (const s of path) {
      const name = s === '' ? base : `${base}.${s}`;
      const r = await this.next.serveDNS({ ...newRequest(req, name, req.qtype), internal: false });
      firstReply ??= r;
      if (r.rcode === Rcode.NXDOMAIN || r.rcode === Rcode.SERVFAIL || r.rcode === Rcode.REFUSED)
        continue;
      this.opts.onSuccess?.();
      return { ...r, answers: cnamer(r.answers, qname), plugin: this.name };
    }
    return firstReply ?? this.next.serveDNS(req);
  }
}
