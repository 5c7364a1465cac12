// log plugin: one JSON line per query with the fields of CoreDNS's common log format
// `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {duration}`.
import type { Logger } from '@svclab/telemetry';
import {
  qtypeName,
  RcodeName,
  type DnsReply,
  type DnsRequest,
  type Handler,
} from '../../plugin.js';

export class LogPlugin implements Handler {
  readonly name = 'log';
  constructor(
    private readonly logger: Logger,
    private readonly next: Handler,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    const start = this.now();
    const rep = await this.next.serveDNS(req);
    if (req.internal) return rep;
    // Every query must reach this plugin again to be logged: no reply is kept as encoded bytes.
    const out = rep.stable === true ? { ...rep, stable: false } : rep;
    const rflags = ['qr', rep.aa && 'aa', rep.tc && 'tc', req.rd && 'rd', rep.ra && 'ra']
      .filter(Boolean)
      .join(',');
    this.logger.info('query', {
      remote: req.client.address,
      port: req.client.port,
      id: req.id,
      type: qtypeName(req.qtype),
      class: req.qclass === 1 ? 'IN' : `CLASS${req.qclass}`,
      name: `${req.qname}.`,
      proto: req.client.transport,
      size: req.raw.length,
      do: req.edns?.do ?? false,
      bufsize: req.edns?.udpSize ?? 512,
      rcode: RcodeName[rep.rcode] ?? String(rep.rcode),
      rflags,
      duration: `${((this.now() - start) / 1000).toFixed(9)}s`,
    });
    return out;
  }
}
