// The strategy every resource starts from: apis defaulting/validation, status handling by kind.
import type { KubeObject, ResourceInfo, ResourceName } from '@svclab/api';
import type { FieldError } from '@svclab/apimachinery';
import { prepareForUpdate, setDefaults, validateCreate, validateUpdate } from '../../apis/index.js';
import { clearStatus, keepOldStatus, noopTxn, type AllocationTxn, type RequestContext, type Strategy } from './strategy.js';

/** Resources a PUT may create (upstream AllowCreateOnUpdate = true). */
const createOnUpdate = new Set(['endpoints', 'events', 'leases']);
/** Resources whose create keeps the client's status (nodes register with status, like the kubelet). */
const statusOnCreate = new Set(['nodes', 'events', 'endpoints', 'endpointslices', 'leases']);

export class DefaultStrategy implements Strategy {
  readonly allowCreateOnUpdate: boolean;
  constructor(readonly info: ResourceInfo) {
    this.allowCreateOnUpdate = createOnUpdate.has(info.resource);
  }

  protected get name(): ResourceName {
    return this.info.resource as ResourceName;
  }

  setDefaults(obj: KubeObject): void {
    setDefaults(this.name, obj);
  }

  prepareForCreate(obj: KubeObject): void {
    if (!statusOnCreate.has(this.info.resource)) clearStatus(obj);
  }

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    if (this.info.subresources.includes('status')) keepOldStatus(obj, old);
    prepareForUpdate(this.name, obj, old);
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- overridden by strategies that need it
  beginCreate(_obj: KubeObject): Promise<AllocationTxn> {
    return Promise.resolve(noopTxn);
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- overridden by strategies that need it
  beginUpdate(_obj: KubeObject, _old: KubeObject): Promise<AllocationTxn> {
    return Promise.resolve(noopTxn);
  }

  validateCreate(obj: KubeObject): FieldError[] {
    return validateCreate(this.name, obj);
  }

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return validateUpdate(this.name, obj, old);
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- overridden by strategies that need it
  beforeDelete(_obj: KubeObject): void {
    // every delete is allowed
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- overridden by strategies that need it
  afterDelete(_obj: KubeObject, _ctx: RequestContext): Promise<void> {
    return Promise.resolve();
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- overridden by strategies that need it
  gracePeriodSeconds(_obj: KubeObject, _requested: number | undefined): number {
    return 0;
  }
}
