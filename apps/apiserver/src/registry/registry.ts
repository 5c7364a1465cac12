// One Store per served resource, built from the register; strategies per resource.
import { AllResources, Resources, type DeleteOptions, type KubeObject, type ResourceInfo } from '@svclab/api';
import { isNotFound, newNotFound } from '@svclab/apimachinery';
import { nopLogger, type Logger } from '@svclab/telemetry';
import type { Storage } from '../storage/interface.js';
import type { ServiceAllocators } from './allocators.js';
import { NamespaceStrategy } from './core/namespace/strategy.js';
import { PodStrategy } from './core/pod/strategy.js';
import { ServiceStrategy } from './core/service/strategy.js';
import { DefaultStrategy } from './generic/default-strategy.js';
import { Store } from './generic/store.js';
import type { RequestContext, Strategy } from './generic/strategy.js';

export interface RegistryDeps {
  readonly storage: Storage;
  readonly allocators: ServiceAllocators;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

export class Registry {
  private readonly stores = new Map<string, Store>();

  constructor(deps: RegistryDeps) {
    const namespaces = new NamespaceStrategy(Resources.namespaces);
    for (const info of AllResources) {
      let strategy: Strategy;
      if (info.resource === 'services') strategy = new ServiceStrategy(info, deps.allocators);
      else if (info.resource === 'pods') strategy = new PodStrategy(info);
      else if (info.resource === 'namespaces') strategy = namespaces;
      else strategy = new DefaultStrategy(info);
      this.stores.set(
        info.resource,
        new Store({
          storage: deps.storage,
          strategy,
          onDeleted: (obj, policy, ctx) => this.collectGarbage(obj, policy, ctx),
          ...(deps.now ? { now: deps.now } : {}),
        }),
      );
    }
    namespaces.cascade = async (namespace, ctx) => {
      for (const info of AllResources) {
        if (!info.namespaced) continue;
        await this.mustStore(info).deleteCollection({ namespace }, { gracePeriodSeconds: 0 }, { ...ctx, deletingNamespace: true });
      }
    };
    this.logger = deps.logger ?? nopLogger;
  }

  private readonly logger: Logger;

  /**
   * Garbage collection of dependents (upstream's GC, run synchronously after the owner left
   * storage): objects in the owner's namespace that list it in ownerReferences are deleted
   * (Background/Foreground), or lose that reference when they have other owners or the policy is
   * Orphan. Failures are logged, never returned: the owner is already gone.
   */
  private async collectGarbage(owner: KubeObject, policy: DeleteOptions['propagationPolicy'], ctx: RequestContext): Promise<void> {
    const uid = owner.metadata.uid;
    const namespace = owner.metadata.namespace;
    if (uid === undefined || namespace === undefined || namespace === '' || ctx.deletingNamespace === true) return;
    for (const info of AllResources) {
      if (!info.namespaced) continue;
      const store = this.mustStore(info);
      try {
        const page = await store.list({ namespace });
        for (const dep of page.items) {
          const refs = dep.metadata.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === uid)) continue;
          const rest = refs.filter((r) => r.uid !== uid);
          const ref = { namespace, name: dep.metadata.name ?? '' };
          if (policy === 'Orphan' || rest.length > 0) {
            await store.update(
              ref,
              (cur) => {
                if (cur === undefined) throw newNotFound({ group: info.group, resource: info.resource }, ref.name);
                const next = structuredClone(cur);
                next.metadata.ownerReferences = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
                if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
                delete next.metadata.resourceVersion;
                return next;
              },
              { ctx },
            );
          } else {
            await store.delete(ref, { propagationPolicy: 'Background' }, ctx);
          }
        }
      } catch (err) {
        if (!isNotFound(err)) {
          this.logger.warn('garbage collection failed', { owner: `${namespace}/${owner.metadata.name ?? ''}`, resource: info.resource, err });
        }
      }
    }
  }

  /** The store of a resource from the register, by plural name. */
  store(resource: string): Store | undefined {
    return this.stores.get(resource);
  }

  mustStore(info: ResourceInfo): Store {
    const s = this.stores.get(info.resource);
    if (s === undefined) throw new Error(`no store for ${info.resource}`);
    return s;
  }
}
