// What renderIptables keeps between syncs: each Service's projection and rendered lines, and the
// previous input, so a partial sync costs O(changed Services) plus pointer comparisons over the
// input instead of a walk that re-derives every Service (upstream skips unchanged services' chains
// the same way; we also reuse their KUBE-SERVICES lines).
import type { EndpointSlice, Service } from '@svclab/api';
import type { EndpointInfo } from './endpoint-info.js';
import { groupSlicesByService, serviceEndpoints } from './endpoint-info.js';
import type { PortFragment } from './iptables-render.js';
import { serviceKeyOf, sliceServiceKeyOf } from './object-keys.js';
import { RuleSetRecords } from './rule-set-records.js';
import type { ServicePortInfo } from './service-port-info.js';
import { selectedByProxy, servicePortInfos, shouldSkipService } from './service-port-info.js';

/** Chain-name hashes of one service port: h = portProtoHash, seps: `ip:port` → KUBE-SEP name. */
export interface PortNames {
  readonly h: string;
  readonly seps: Map<string, string>;
}

/** One service port's projection and (once rendered) its fragment. */
export interface PortEntry {
  readonly info: ServicePortInfo;
  readonly endpoints: readonly EndpointInfo[];
  fragment?: PortFragment;
  fragmentLarge?: boolean;
}

interface ServiceEntry {
  readonly svc: Service;
  readonly slices: readonly EndpointSlice[];
  readonly ports: PortEntry[];
  /** Render generation that last saw this Service. */
  gen: number;
  /** Index of this Service's first port in the projection's `ports`. */
  portIndex: number;
}

/** The Services to render, in input order, and the ports whose projection was replaced. */
export interface Projection {
  readonly ports: PortEntry[];
  readonly replaced: PortEntry[];
  readonly totalEndpoints: number;
  /**
   * Set when only these indexes of `ports` may lack a fragment (the incremental path); the
   * fragments of the other ports are those of `previous`.
   */
  readonly changedIndexes?: readonly number[];
  readonly previous?: readonly PortFragment[];
  /** Whether `previous` was rendered in large-cluster mode (no comments). */
  readonly previousLarge?: boolean;
}

/** The previous render's input (copies of the arrays) and what it produced. */
interface PreviousRender {
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly groups: Map<string, EndpointSlice[]>;
  readonly ports: PortEntry[];
  readonly totalEndpoints: number;
  fragments: PortFragment[];
  large: boolean;
}

/** What a render is given (ProxyState plus the node name). */
export interface RenderInput {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodeName: string;
}

/** Concatenated texts of BlockSize consecutive fragments, valid while the fragments are the same. */
interface TextBlock {
  readonly frs: readonly PortFragment[];
  readonly filterText: string;
  readonly natTopText: string;
}

const BlockSize = 128;

/**
 * State kept between renders so unchanged Services reuse their lines (upstream's partial sync
 * writes only changed chains; we reuse text). A Service counts as unchanged when the Service object
 * and its EndpointSlice objects are the same references as last time — informer caches replace,
 * never mutate, objects. Owned by one caller; not safe to share between nodes or option sets.
 */
export class IptablesCache {
  /** @internal */ services = new Map<string, ServiceEntry>();
  /** @internal */ fingerprint = '';
  /** @internal The next render is a full sync (first render, reset, forceFullSync, option change). */
  needFullSync = true;
  /** @internal Render generation counter. */
  gen = 0;
  /** @internal Chain-name hashes, computed once per service port and endpoint: key → {h, seps}. */
  readonly names = new Map<string, PortNames>();
  /** @internal */ previous: PreviousRender | undefined;
  /** @internal */ blocks: (TextBlock | undefined)[] = [];
  /** @internal The chain records of the newest RuleSet, updated per changed fragment. */
  readonly records = new RuleSetRecords();

  /**
   * Upstream's full sync: the next render re-renders every service port (projections and chain
   * names are kept, stale chains are still deleted).
   */
  forceFullSync(): void {
    for (const entry of this.services.values()) for (const p of entry.ports) p.fragment = undefined;
    this.needFullSync = true;
    this.previous = undefined;
  }

  /** Forgets everything, as a restarted proxy: the next render starts from scratch. */
  reset(): void {
    this.services.clear();
    this.needFullSync = true;
    this.fingerprint = '';
    this.previous = undefined;
    this.blocks = [];
    this.records.reset();
  }

  /**
   * Projects (or reuses) every Service. Entries of Services that changed or disappeared go to
   * `replaced`: their chains that are not rendered again must be deleted.
   */
  project(input: RenderInput): Projection {
    const prev = this.previous;
    this.previous = undefined; // rebuilt by remember(); stays unset if this render throws
    if (prev !== undefined) {
      const p = this.projectChanges(prev, input);
      if (p !== undefined) return p;
    }
    return this.projectAll(input);
  }

  /** Records the render's fragments for the next incremental projection. */
  remember(
    input: RenderInput,
    out: { projection: Projection; fragments: PortFragment[]; large: boolean },
  ): void {
    this.previous = {
      services: input.services.slice(),
      slices: input.endpointSlices.slice(),
      groups: this.groups ?? groupSlicesByService(input.endpointSlices),
      ports: out.projection.ports,
      totalEndpoints: out.projection.totalEndpoints,
      fragments: out.fragments,
      large: out.large,
    };
    this.groups = undefined;
  }

  /** Groups of the render in progress (kept for remember()). */
  private groups: Map<string, EndpointSlice[]> | undefined;

  private projectAll({ services, endpointSlices: slices, nodeName }: RenderInput): Projection {
    const gen = ++this.gen;
    const slicesBySvc = groupSlicesByService(slices);
    this.groups = slicesBySvc;
    const ports: PortEntry[] = [];
    const replaced: PortEntry[] = [];
    let totalEndpoints = 0;
    for (const svc of services) {
      if (shouldSkipService(svc)) continue;
      const key = serviceKeyOf(svc);
      let entry = this.services.get(key);
      if (entry?.gen === gen) continue; // a duplicate object: the first one wins
      const svcSlices = slicesBySvc.get(key) ?? [];
      if (entry?.svc !== svc || !sameRefs(entry.slices, svcSlices)) {
        if (entry !== undefined) for (const p of entry.ports) replaced.push(p);
        entry = newEntry(svc, svcSlices, { key, nodeName, gen, portIndex: ports.length });
        this.services.set(key, entry);
      }
      entry.gen = gen;
      entry.portIndex = ports.length;
      for (const p of entry.ports) {
        ports.push(p);
        totalEndpoints += p.endpoints.length;
      }
    }
    for (const [key, entry] of this.services) {
      if (entry.gen === gen) continue;
      for (const p of entry.ports) replaced.push(p);
      this.services.delete(key);
    }
    return { ports, replaced, totalEndpoints };
  }

  /**
   * The incremental path: the same Service objects in the same order and as many slices as last
   * time, a few of them replaced. Returns undefined when that does not hold.
   */
  private projectChanges(prev: PreviousRender, input: RenderInput): Projection | undefined {
    const { services, endpointSlices: slices, nodeName } = input;
    if (services.length !== prev.services.length || slices.length !== prev.slices.length)
      return undefined;
    for (let i = 0; i < services.length; i++)
      if (services[i] !== prev.services[i]) return undefined;
    const changed: number[] = [];
    const limit = 64 + (slices.length >> 4);
    for (let i = 0; i < slices.length; i++) {
      if (slices[i] !== prev.slices[i] && changed.push(i) > limit) return undefined;
    }
    const groups = prev.groups;
    this.groups = groups;
    const keys = new Set<string>();
    for (const i of changed) {
      const was = prev.slices[i] as EndpointSlice;
      const now = slices[i] as EndpointSlice;
      const key = groupKey(was);
      // A slice that moves to another Service (or in or out of the proxy's selection) changes the
      // order of two groups: the full walk regroups.
      if (groupKey(now) !== key) return undefined;
      if (key === '') continue;
      groups.set(
        key,
        (groups.get(key) ?? []).map((s) => (s === was ? now : s)),
      );
      keys.add(key);
    }
    let ports = prev.ports;
    const replaced: PortEntry[] = [];
    const changedIndexes: number[] = [];
    let totalEndpoints = prev.totalEndpoints;
    // In input order, as the full walk would meet them (the order of deleted chains).
    const entries: [string, ServiceEntry][] = [];
    for (const key of keys) {
      const entry = this.services.get(key);
      if (entry !== undefined) entries.push([key, entry]); // else: slices of a Service we skip
    }
    entries.sort((a, b) => a[1].portIndex - b[1].portIndex);
    for (const [key, entry] of entries) {
      const svcSlices = groups.get(key) ?? [];
      if (sameRefs(entry.slices, svcSlices)) continue;
      const next = newEntry(entry.svc, svcSlices, { ...entry, key, nodeName });
      this.services.set(key, next);
      if (ports === prev.ports) ports = ports.slice();
      next.ports.forEach((p, j) => {
        const old = entry.ports[j];
        if (old !== undefined) {
          replaced.push(old);
          totalEndpoints -= old.endpoints.length;
        }
        totalEndpoints += p.endpoints.length;
        ports[entry.portIndex + j] = p;
        changedIndexes.push(entry.portIndex + j);
      });
    }
    return {
      ports,
      replaced,
      totalEndpoints,
      changedIndexes,
      previous: prev.fragments,
      previousLarge: prev.large,
    };
  }

  /**
   * Pushes the filter rules (`filter`) or KUBE-SERVICES/KUBE-NODEPORTS rules (`natTop`) of `frs`
   * onto `parts`, one cached string per block of unchanged fragments. With `changed`, the changed
   * fragments (at `changed.indexes`) also contribute their own chains' rules after their natTop
   * lines (a partial sync's nat rules).
   */
  pushTexts(
    parts: string[],
    frs: readonly PortFragment[],
    how: {
      readonly kind: 'filter' | 'natTop';
      readonly textOf: (fr: PortFragment) => BlockTexts;
      readonly changed?: {
        readonly set: ReadonlySet<PortFragment>;
        readonly indexes: readonly number[];
      };
    },
  ): void {
    const { kind, textOf, changed } = how;
    const dirty = new Set<number>();
    if (changed !== undefined)
      for (const i of changed.indexes) dirty.add(Math.floor(i / BlockSize));
    for (let b = 0, start = 0; start < frs.length; b++, start += BlockSize) {
      const end = Math.min(start + BlockSize, frs.length);
      let block = this.blocks[b];
      if (block === undefined || !sameBlock(block.frs, frs, start)) {
        const filter: string[] = [];
        const top: string[] = [];
        for (let i = start; i < end; i++) {
          const t = textOf(frs[i] as PortFragment);
          filter.push(t.filterText);
          top.push(t.natTopText);
        }
        block = {
          frs: frs.slice(start, end),
          filterText: filter.join(''),
          natTopText: top.join(''),
        };
        this.blocks[b] = block;
      }
      if (kind === 'filter') parts.push(block.filterText);
      else if (changed === undefined || !dirty.has(b)) parts.push(block.natTopText);
      else {
        for (let i = start; i < end; i++) {
          const fr = frs[i] as PortFragment;
          const t = textOf(fr);
          parts.push(t.natTopText);
          if (changed.set.has(fr)) parts.push(t.natChainText);
        }
      }
    }
    this.blocks.length = Math.ceil(frs.length / BlockSize);
  }
}

/** The texts of one fragment that blocks concatenate. */
export interface BlockTexts {
  readonly filterText: string;
  readonly natTopText: string;
  readonly natChainText: string;
}

function newEntry(
  svc: Service,
  slices: readonly EndpointSlice[],
  at: { key: string; nodeName: string; gen: number; portIndex: number },
): ServiceEntry {
  const eps = serviceEndpoints(at.key, slices, at.nodeName);
  return {
    svc,
    slices,
    ports: servicePortInfos(svc).map((info) => ({ info, endpoints: eps.get(info.key) ?? [] })),
    gen: at.gen,
    portIndex: at.portIndex,
  };
}

/** The key groupSlicesByService files a slice under ('' = not used). */
function groupKey(s: EndpointSlice): string {
  return selectedByProxy(s.metadata.labels) ? sliceServiceKeyOf(s) : '';
}

function sameRefs(a: readonly EndpointSlice[], b: readonly EndpointSlice[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `cached` are the fragments of `frs` from `start` (a block ends at BlockSize or the end). */
function sameBlock(
  cached: readonly PortFragment[],
  frs: readonly PortFragment[],
  start: number,
): boolean {
  if (cached.length !== Math.min(BlockSize, frs.length - start)) return false;
  for (let i = 0; i < cached.length; i++) if (cached[i] !== frs[start + i]) return false;
  return true;
}
