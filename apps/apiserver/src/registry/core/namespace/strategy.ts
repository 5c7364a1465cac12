// Namespace strategy: phase Active on create; deleting a namespace removes everything in it.
import type { KubeObject, Namespace } from '@svclab/api';
import { DefaultStrategy } from '../../generic/default-strategy.js';
import type { RequestContext } from '../../generic/strategy.js';

export class NamespaceStrategy extends DefaultStrategy {
  /** Set by the registry: deletes every namespaced object of `namespace`. */
  cascade: (namespace: string, ctx: RequestContext) => Promise<void> = () => Promise.resolve();

  override prepareForCreate(obj: KubeObject): void {
    const ns = obj as Namespace;
    ns.spec = { finalizers: ['kubernetes'], ...(ns.spec ?? {}) };
    ns.status = { phase: 'Active' };
  }

  override async afterDelete(obj: KubeObject, ctx: RequestContext): Promise<void> {
    await this.cascade(obj.metadata.name ?? '', ctx);
  }
}
