// Service strategy: ClusterIP / NodePort allocation before validation (upstream
// pkg/registry/core/service/storage/alloc.go, §1.1 and §2), status cleared on create.
import type { KubeObject, ResourceInfo, Service, ServiceSpec } from '@svclab/api';
import { fieldErrors, newInternalError, newInvalid, type FieldError } from '@svclab/apimachinery';
import { ipv4ToInt, isAllocationError, type ServiceAllocators } from '../../allocators.js';
import { DefaultStrategy } from '../../generic/default-strategy.js';
import { RangeFullError } from '../../../allocators/index.js';
import type { BitmapClaim } from '../../../storage/interface.js';
import type { AllocationTxn, BeginCreateOptions, DeferredClaim } from '../../generic/strategy.js';

function specOf(obj: KubeObject): ServiceSpec {
  const svc = obj as Service;
  svc.spec ??= {};
  return svc.spec;
}

function svcType(spec: ServiceSpec): string {
  return spec.type ?? 'ClusterIP';
}

export function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None';
}

function needsNodePorts(spec: ServiceSpec): boolean {
  const t = svcType(spec);
  return t === 'NodePort' || (t === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

function needsHealthCheck(spec: ServiceSpec): boolean {
  return svcType(spec) === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** The IPs a stored Service holds in the allocator. */
export function heldIPs(obj: KubeObject): string[] {
  const spec = (obj as Service).spec ?? {};
  if (svcType(spec) === 'ExternalName') return [];
  const ips = spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

/** The NodePorts (incl. healthCheckNodePort) a stored Service holds. */
export function heldPorts(obj: KubeObject): number[] {
  const spec = (obj as Service).spec ?? {};
  const out = new Set<number>();
  if (needsNodePorts(spec)) for (const p of spec.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (needsHealthCheck(spec) && spec.healthCheckNodePort) out.add(spec.healthCheckNodePort);
  return [...out];
}

/** One create or update's allocations, released on revert. */
class Allocation implements AllocationTxn {
  readonly ips: string[] = [];
  readonly ports: number[] = [];
  readonly claims: DeferredClaim[] = [];
  /** Set by beginCreate when the storage may take allocateNext as a claim. */
  deferNext = false;
  constructor(
    private readonly allocators: ServiceAllocators,
    private readonly name: string,
    private readonly onCommit: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * allocateNext of a ClusterIP as a claim the create's write takes, when deferring is allowed and
   * the allocator can; `set` puts an IP into the object. false: allocate the usual way.
   */
  deferIP(set: (ip: string) => void): boolean {
    const ips = this.allocators.clusterIP;
    if (!this.deferNext || ips.claimNext === undefined) return false;
    const { claim: first, ipAt } = ips.claimNext();
    let claim: BitmapClaim = first;
    set(ipAt(claim.candidate));
    this.claims.push({
      get claim() {
        return claim;
      },
      moveTo: (offset) => {
        claim = { ...claim, candidate: offset };
        set(ipAt(offset));
      },
      full: () => newInternalError(`failed to allocate a serviceIP: ${new RangeFullError().message}`),
    });
    return true;
  }

  private invalid(errs: FieldError[]): Error {
    return newInvalid({ group: '', kind: 'Service' }, this.name, errs);
  }

  async ip(requested: string | undefined, requestedList: readonly string[]): Promise<string> {
    if (requested === undefined || requested === '') {
      try {
        const ip = await this.allocators.clusterIP.allocateNext();
        this.ips.push(ip);
        return ip;
      } catch (err) {
        if (isAllocationError(err)) throw newInternalError(`failed to allocate a serviceIP: ${err.message}`);
        throw err;
      }
    }
    if (requested.includes(':')) {
      throw this.invalid([fieldErrors.invalid('spec.clusterIPs', requestedList, 'IPv6 is not configured on this cluster')]);
    }
    if (ipv4ToInt(requested) === undefined) {
      throw this.invalid([
        fieldErrors.invalid('spec.clusterIPs[0]', requested, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
      ]);
    }
    try {
      await this.allocators.clusterIP.allocate(requested);
    } catch (err) {
      if (isAllocationError(err)) {
        throw this.invalid([fieldErrors.invalid('spec.clusterIPs', requestedList, `failed to allocate IP ${requested}: ${err.message}`)]);
      }
      throw err;
    }
    this.ips.push(requested);
    return requested;
  }

  async port(requested: number | undefined, path: string): Promise<number> {
    if (requested === undefined || requested === 0) {
      try {
        const p = await this.allocators.nodePort.allocateNext();
        this.ports.push(p);
        return p;
      } catch (err) {
        if (isAllocationError(err)) throw newInternalError(`failed to allocate a nodePort: ${err.message}`);
        throw err;
      }
    }
    try {
      await this.allocators.nodePort.allocate(requested);
    } catch (err) {
      if (isAllocationError(err)) throw this.invalid([fieldErrors.invalid(path, requested, err.message)]);
      throw err;
    }
    this.ports.push(requested);
    return requested;
  }

  commit(): Promise<void> {
    return this.onCommit();
  }

  async revert(): Promise<void> {
    for (const ip of this.ips.splice(0)) await this.allocators.clusterIP.release(ip);
    for (const p of this.ports.splice(0)) await this.allocators.nodePort.release(p);
  }
}

export class ServiceStrategy extends DefaultStrategy {
  constructor(
    info: ResourceInfo,
    private readonly allocators: ServiceAllocators,
  ) {
    super(info);
  }

  override async beginCreate(obj: KubeObject, opts?: BeginCreateOptions): Promise<AllocationTxn> {
    const txn = new Allocation(this.allocators, obj.metadata.name ?? '');
    txn.deferNext = opts?.deferNext === true;
    try {
      await this.allocate(obj, undefined, txn);
    } catch (err) {
      await txn.revert();
      throw err;
    }
    return txn;
  }

  override async beginUpdate(obj: KubeObject, old: KubeObject): Promise<AllocationTxn> {
    const txn = new Allocation(this.allocators, obj.metadata.name ?? '', async () => {
      // Release what the old object held and the new one does not.
      const ips = new Set(heldIPs(obj));
      const ports = new Set(heldPorts(obj));
      for (const ip of heldIPs(old)) if (!ips.has(ip)) await this.allocators.clusterIP.release(ip);
      for (const p of heldPorts(old)) if (!ports.has(p)) await this.allocators.nodePort.release(p);
    });
    try {
      await this.allocate(obj, old, txn);
    } catch (err) {
      await txn.revert();
      throw err;
    }
    return txn;
  }

  private async allocate(obj: KubeObject, old: KubeObject | undefined, txn: Allocation): Promise<void> {
    const spec = specOf(obj);
    const oldSpec: ServiceSpec = old ? ((old as Service).spec ?? {}) : {};
    const oldIPs = old ? heldIPs(old) : [];
    const oldPorts = old ? heldPorts(old) : [];
    if (svcType(spec) !== 'ExternalName') {
      if (isHeadless(spec)) {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else {
        // On update an empty clusterIP keeps the old IPs (§1.7).
        if ((spec.clusterIP ?? '') === '' && (spec.clusterIPs ?? []).length === 0 && oldIPs.length > 0) {
          spec.clusterIP = oldSpec.clusterIP ?? oldIPs[0] ?? '';
          spec.clusterIPs = [...oldIPs];
          if (spec.ipFamilies === undefined && oldSpec.ipFamilies) spec.ipFamilies = [...oldSpec.ipFamilies];
          if (spec.ipFamilyPolicy === undefined && oldSpec.ipFamilyPolicy) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
        }
        const requested = spec.clusterIP !== undefined && spec.clusterIP !== '' ? spec.clusterIP : spec.clusterIPs?.[0];
        const setIP = (ip: string): void => {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        };
        if ((requested === undefined || requested === '') && txn.deferIP(setIP)) {
          // The create's write claims the IP (one round trip with the object).
        } else if (requested === undefined || requested === '' || !oldIPs.includes(requested)) {
          const list = spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : requested ? [requested] : [];
          const ip = await txn.ip(requested, list);
          spec.clusterIP = ip;
          if (!spec.clusterIPs || spec.clusterIPs.length === 0 || spec.clusterIPs[0] !== ip) spec.clusterIPs = [ip];
        }
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (needsNodePorts(spec)) {
      const byPort = new Map<string, number>();
      const ports = spec.ports ?? [];
      const mine = new Set(oldPorts);
      for (const [i, p] of ports.entries()) {
        if (!p.nodePort) continue;
        if ([...byPort.values()].includes(p.nodePort) || mine.has(p.nodePort)) {
          byPort.set(String(p.port), p.nodePort);
          continue;
        }
        await txn.port(p.nodePort, `spec.ports[${i}].nodePort`);
        byPort.set(String(p.port), p.nodePort);
      }
      for (const p of ports) {
        if (p.nodePort) continue;
        const shared = byPort.get(String(p.port));
        const reuse = (oldSpec.ports ?? []).find(
          (o) => o.nodePort && mine.has(o.nodePort) && o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
        )?.nodePort;
        p.nodePort = shared ?? reuse ?? (await txn.port(undefined, ''));
        byPort.set(String(p.port), p.nodePort);
      }
    }
    if (needsHealthCheck(spec)) {
      const hc = spec.healthCheckNodePort;
      if (hc === undefined || hc === 0) {
        spec.healthCheckNodePort =
          oldSpec.healthCheckNodePort && oldPorts.includes(oldSpec.healthCheckNodePort)
            ? oldSpec.healthCheckNodePort
            : await txn.port(undefined, '');
      } else if (!oldPorts.includes(hc)) {
        await txn.port(hc, 'spec.healthCheckNodePort');
      }
    }
  }

  override async afterDelete(obj: KubeObject): Promise<void> {
    for (const ip of heldIPs(obj)) await this.allocators.clusterIP.release(ip);
    for (const p of heldPorts(obj)) await this.allocators.nodePort.release(p);
  }
}

/** Marks the IPs and ports of every stored Service as used (allocator repair after a restart). */
export async function repairAllocations(services: readonly KubeObject[], allocators: ServiceAllocators): Promise<void> {
  for (const svc of services) {
    for (const ip of heldIPs(svc)) await allocators.clusterIP.allocate(ip).catch(() => undefined);
    for (const p of heldPorts(svc)) await allocators.nodePort.allocate(p).catch(() => undefined);
  }
}
