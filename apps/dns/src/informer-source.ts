// The object source fed by the API (informers from @svclab/client). Until that package lands this
// source reports "not synced", so the server answers SERVFAIL for would-be NXDOMAINs and /ready is 503.
import type { Logger } from '@svclab/telemetry';
import { DnsController } from './plugins/kubernetes/controller.js';
import type { KubernetesOptions } from './plugins/kubernetes/setup.js';

export interface InformerSourceOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly natsURL: string | undefined;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly options: KubernetesOptions;
}

export async function informerSource(opts: InformerSourceOptions): Promise<DnsController> {
  opts.logger.error('informer source not available yet: @svclab/client has not landed; serving an empty, unsynced cache', {
    apiserver: opts.url,
  });
  return Promise.resolve(new DnsController());
}
