// Wires the plugin chain in CHAIN order from one configuration.
import type { Logger } from '@svclab/telemetry';
import type { DnsMetrics } from './metrics.js';
import { buildChain, type Handler, type PluginFactory, type PluginName } from './plugin.js';
import { AutopathPlugin } from './plugins/autopath/autopath.js';
import { CachePlugin, type CacheOptions } from './plugins/cache/cache.js';
import { ErrorsPlugin } from './plugins/errors/errors.js';
import { ForwardPlugin, type ForwardOptions } from './plugins/forward/forward.js';
import type { ObjectSource } from './plugins/kubernetes/controller.js';
import { KubernetesPlugin } from './plugins/kubernetes/handler.js';
import { isReverseZone } from './plugins/kubernetes/parse.js';
import { PodMode, type KubernetesOptions } from './plugins/kubernetes/setup.js';
import { LogPlugin } from './plugins/log/log.js';

export interface ChainConfig {
  readonly objects: ObjectSource;
  readonly kubernetes: KubernetesOptions;
  /** Omitted or no upstreams: no forward plugin (out-of-zone names get SERVFAIL). */
  readonly forward?: Omit<ForwardOptions, 'metrics' | 'logger'>;
  /** false: no cache. */
  readonly cache?: Partial<Omit<CacheOptions, 'metrics'>> | false;
  readonly log?: boolean;
  /** `autopath @kubernetes`; only acts with `pods verified`, as in CoreDNS. */
  readonly autopath?: { readonly extraSearch: readonly string[] } | false;
  readonly logger: Logger;
  readonly metrics?: DnsMetrics;
  readonly server?: string;
}

export interface DnsChain {
  readonly handler: Handler;
  readonly kubernetes: KubernetesPlugin;
  readonly cache: CachePlugin | undefined;
}

export function buildDnsChain(cfg: ChainConfig): DnsChain {
  const ref: { root?: Handler } = {};
  let kubernetes: KubernetesPlugin | undefined;
  let cache: CachePlugin | undefined;
  const need = (n: Handler | undefined, name: string): Handler => {
    if (!n) throw new Error(`plugin ${name} needs a next plugin`);
    return n;
  };
  const f: Partial<Record<PluginName, PluginFactory>> = {
    errors: (next) => new ErrorsPlugin(cfg.logger, need(next, 'errors')),
    kubernetes: (next) =>
      (kubernetes = new KubernetesPlugin(
        {
          objects: cfg.objects,
          options: cfg.kubernetes,
          upstream: () => need(ref.root, 'kubernetes'),
        },
        next,
      )),
  };
  if (cfg.log) f.log = (next) => new LogPlugin(cfg.logger, need(next, 'log'));
  const zone = cfg.kubernetes.zones.find((z) => !isReverseZone(z));
  if (cfg.autopath && cfg.kubernetes.pods === PodMode.Verified && zone !== undefined) {
    const counter = cfg.metrics?.autopathSuccess;
    const extra = cfg.autopath.extraSearch;
    f.autopath = (next) =>
      new AutopathPlugin(
        {
          zone,
          extraSearch: extra,
          objects: cfg.objects,
          onSuccess: () => counter?.inc({ server: cfg.server ?? '' }),
        },
        need(next, 'autopath'),
      );
  }
  if (cfg.forward && cfg.forward.upstreams.length > 0) {
    const fw = cfg.forward;
    f.forward = () =>
      new ForwardPlugin({
        ...fw,
        ...(cfg.metrics ? { metrics: cfg.metrics } : {}),
        logger: cfg.logger,
      });
    if (cfg.cache !== false) {
      const co = cfg.cache ?? {};
      f.cache = (next) =>
        (cache = new CachePlugin(
          { ...co, ...(cfg.metrics ? { metrics: cfg.metrics } : {}), server: cfg.server ?? '' },
          next,
        ));
    }
  }
  const root = buildChain(f);
  ref.root = root;
  if (!kubernetes) throw new Error('kubernetes plugin missing');
  return { handler: root, kubernetes, cache };
}
