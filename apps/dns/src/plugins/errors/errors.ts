// errors plugin: a plugin that throws becomes SERVFAIL and one log line (CoreDNS plugin/errors).
import type { Logger } from '@svclab/telemetry';
import {
  qtypeName,
  Rcode,
  reply,
  type DnsReply,
  type DnsRequest,
  type Handler,
} from '../../plugin.js';

export class ErrorsPlugin implements Handler {
  readonly name = 'errors';
  constructor(
    private readonly logger: Logger,
    private readonly next: Handler,
  ) {}

  async serveDNS(req: DnsRequest): Promise<DnsReply> {
    try {
      return await this.next.serveDNS(req);
    } catch (err) {
      this.logger.error('plugin/errors', {
        rcode: 'SERVFAIL',
        name: `${req.qname}.`,
        type: qtypeName(req.qtype),
        err,
      });
      return reply(this.name, Rcode.SERVFAIL);
    }
  }
}
