// One Store per served resource, built from the register; strategies per resource.
import { AllResources, Resources, type ResourceInfo } from '@svclab/api';
import type { Storage } from '../storage/interface.js';
import type { ServiceAllocators } from './allocators.js';
import { NamespaceStrategy } from './core/namespace/strategy.js';
import { PodStrategy } from './core/pod/strategy.js';
import { ServiceStrategy } from './core/service/strategy.js';
import { DefaultStrategy } from './generic/default-strategy.js';
import { Store } from './generic/store.js';
import type { Strategy } from './generic/strategy.js';

export interface RegistryDeps {
  readonly storage: Storage;
  readonly allocators: ServiceAllocators;
  readonly now?: () => Date;
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
      this.stores.set(info.resource, new Store({ storage: deps.storage, strategy, ...(deps.now ? { now: deps.now } : {}) }));
    }
    namespaces.cascade = async (namespace, ctx) => {
      for (const info of AllResources) {
        if (!info.namespaced) continue;
        await this.mustStore(info).deleteCollection({ namespace }, { gracePeriodSeconds: 0 }, ctx);
      }
    };
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
