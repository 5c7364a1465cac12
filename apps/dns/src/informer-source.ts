// The object source fed by the API: shared informers from @svclab/client (REST list; watch over NATS
// when NATS_URL is set, else over HTTP) for
// Services, EndpointSlices (unless `noendpoints`), Namespaces and, with `pods verified`, Pods.
// Handlers only convert and index (DnsController); synced = every informer has synced.
import type { EndpointSlice, Namespace, Pod, ResourceName, Service } from '@svclab/api';
import { connect } from 'nats';
import {
  createClient,
  isDeletedFinalStateUnknown,
  natsListerWatcherFactory,
  SharedInformerFactory,
  waitForCacheSync,
} from '@svclab/client';
import type { Logger } from '@svclab/telemetry';
import { DnsController } from './plugins/kubernetes/controller.js';
import { PodMode, type KubernetesOptions } from './plugins/kubernetes/setup.js';

/** CoreDNS `startup_timeout`: how long startup waits for the first sync before serving anyway (ms). */
export const STARTUP_TIMEOUT_MS = 5000;

type DnsObject = Service | EndpointSlice | Pod | Namespace;

/** The informers the options need (CoreDNS InitKubeCache). */
export function dnsResources(options: KubernetesOptions): ResourceName[] {
  const r: ResourceName[] = ['services', 'namespaces'];
  if (!options.noEndpoints) r.push('endpointslices');
  if (options.pods === PodMode.Verified) r.push('pods');
  return r;
}

/**
 * Registers the DnsController's handlers on `factory`'s informers. The returned controller is synced
 * once every one of them has synced. Call before `factory.start`.
 */
export function wireInformers(
  factory: SharedInformerFactory,
  options: KubernetesOptions,
): DnsController {
  const informers = dnsResources(options).map((r) => factory.informerFor(r));
  const controller = new DnsController({ hasSynced: () => informers.every((i) => i.hasSynced()) });
  for (const inf of informers) {
    inf.addEventHandler({
      onAdd: (obj) => {
        controller.onAdd(obj as DnsObject);
      },
      onUpdate: (oldObj, obj) => {
        controller.onUpdate(oldObj, obj as DnsObject);
      },
      onDelete: (obj) => {
        controller.onDelete((isDeletedFinalStateUnknown(obj) ? obj.obj : obj) as DnsObject);
      },
    });
  }
  return controller;
}

export interface InformerSourceOptions {
  readonly url: string;
  readonly token: string | undefined;
  /** Set: watch over NATS (list over REST); unset: list and watch over HTTP. */
  readonly natsURL: string | undefined;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly options: KubernetesOptions;
  readonly startupTimeoutMs?: number;
}

/** Starts the informers and waits up to the startup timeout for them to sync, then returns anyway. */
export async function informerSource(opts: InformerSourceOptions): Promise<DnsController> {
  const client = createClient({
    server: opts.url,
    ...(opts.token ? { token: opts.token } : {}),
    userAgent: 'svclab-dns',
  });
  let factory: SharedInformerFactory;
  if (opts.natsURL === undefined || opts.natsURL === '') {
    factory = new SharedInformerFactory({ client, logger: opts.logger });
  } else {
    // Keeps retrying while NATS is down; reconnects are unlimited (as the other components).
    const nc = await connect({
      servers: opts.natsURL,
      name: 'dns',
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    opts.signal.addEventListener(
      'abort',
      () => {
        void nc.close();
      },
      { once: true },
    );
    opts.logger.info('connected to NATS', { url: opts.natsURL });
    factory = new SharedInformerFactory({
      client,
      logger: opts.logger,
      newListerWatcher: natsListerWatcherFactory(client, nc, opts.logger),
    });
  }
  const controller = wireInformers(factory, opts.options);
  factory.start(opts.signal);
  const timeout = AbortSignal.any([
    opts.signal,
    AbortSignal.timeout(opts.startupTimeoutMs ?? STARTUP_TIMEOUT_MS),
  ]);
  const synced = await waitForCacheSync(timeout, [() => controller.synced()], 50);
  if (synced) opts.logger.info('informers synced', { apiserver: opts.url, ...controller.size() });
  else
    opts.logger.warn('starting before sync: name errors are SERVFAIL until synced', {
      apiserver: opts.url,
    });
  return controller;
}
