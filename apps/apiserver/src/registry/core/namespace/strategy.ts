// Namespace strategy: phase Active on create; deleting a namespace removes everything in it.
import type { KubeObject, Namespace } from '@svclab/api';
import { newForbidden } from '@svclab/apimachinery';
import { DefaultStrategy } from '../../generic/default-strategy.js';
import type { RequestContext } from '../../generic/strategy.js';

/** Namespaces that may never be deleted (upstream NamespaceLifecycle admission). */
export const immortalNamespaces: readonly string[] = ['default', 'kube-system', 'kube-public'];

export class NamespaceStrategy extends DefaultStrategy {
  /** Set by the registry: deletes every namespaced object of `namespace`. */
  cascade: (namespace: string, ctx: RequestContext) => Promise<void> = () => Promise.resolve();

  override prepareForCreate(obj: KubeObject): void {
    const ns = obj as Namespace;
    ns.spec = { finalizers: ['kubernetes'], ...(ns.spec ?? {}) };
    ns.status = { phase: 'Active' };
  }

  override beforeDelete(obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    if (immortalNamespaces.includes(name)) {
      throw newForbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
    }
  }

  override async afterDelete(obj: KubeObject, ctx: RequestContext): Promise<void> {
    await this.cascade(obj.metadata.name ?? '', ctx);
  }
}
