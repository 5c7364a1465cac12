// EndpointSet, endpoint hashing, PortMapKey and EndpointsEqualBeyondHash, as
// k8s.io/endpointslice/util (endpointset.go, controller_utils.go).
import type { Endpoint, EndpointSlicePort, ObjectReference } from '@svclab/api';

/** A string as one field of a key: length-prefixed, so joined fields never run together. */
const field = (s: string): string => `${String(s.length)}:${s}`;

/**
 * hashEndpoint: identity of an endpoint = sorted addresses, hostname, targetRef namespace+name.
 * Conditions, nodeName and zone are NOT part of it: a change there is an update of the same
 * endpoint (see endpointsEqualBeyondHash). The key itself (not a digest of it), built from
 * length-prefixed fields: equal keys ⇔ equal identities, and cheaper than JSON (it runs for every
 * endpoint of the Service on every sync).
 */
export function hashEndpoint(ep: Endpoint): string {
  const addrs = ep.addresses.length > 1 ? [...ep.addresses].sort() : ep.addresses;
  let key = `${String(addrs.length)}|`;
  for (const a of addrs) key += field(a);
  return `${key}${field(ep.hostname ?? '')}${field(ep.targetRef?.namespace ?? '')}${field(ep.targetRef?.name ?? '')}`;
}

/**
 * A set of endpoints keyed by hashEndpoint. Iteration (and popAny) follow insertion order,
 * which makes packing deterministic (upstream pops from a Go map: unspecified order).
 */
export class EndpointSet {
  readonly #items = new Map<string, Endpoint>();

  insert(ep: Endpoint): void {
    this.#items.set(hashEndpoint(ep), ep);
  }
  get(ep: Endpoint): Endpoint | undefined {
    return this.#items.get(hashEndpoint(ep));
  }
  has(ep: Endpoint): boolean {
    return this.#items.has(hashEndpoint(ep));
  }
  delete(ep: Endpoint): void {
    this.#items.delete(hashEndpoint(ep));
  }
  /** get + delete with one hash: the member equal to `ep`, removed from the set, or undefined. */
  take(ep: Endpoint): Endpoint | undefined {
    const k = hashEndpoint(ep);
    const got = this.#items.get(k);
    if (got !== undefined) this.#items.delete(k);
    return got;
  }
  popAny(): Endpoint | undefined {
    const first = this.#items.entries().next();
    if (first.done === true) return undefined;
    const [k, v] = first.value;
    this.#items.delete(k);
    return v;
  }
  get size(): number {
    return this.#items.size;
  }
  values(): IterableIterator<Endpoint> {
    return this.#items.values();
  }
}

/** Port as compared/hashed: name/protocol/port/appProtocol with nil and "" kept distinct as upstream. */
function portForHash(p: EndpointSlicePort): string {
  return JSON.stringify([
    p.name ?? null,
    p.protocol ?? null,
    p.port ?? null,
    p.appProtocol ?? null,
  ]);
}

/** NewPortMapKey: a hash of the ports sorted by their own hash (order-insensitive); nil ≡ []. */
export function portMapKey(ports: readonly EndpointSlicePort[] | null | undefined): string {
  const hashes = (ports ?? []).map(portForHash).sort();
  return JSON.stringify(hashes);
}

function targetRefEqualIgnoringRV(
  a: ObjectReference | undefined,
  b: ObjectReference | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.uid === b.uid &&
    a.apiVersion === b.apiVersion &&
    a.fieldPath === b.fieldPath
  );
}

/**
 * EndpointsEqualBeyondHash: nodeName, zone, the three conditions and targetRef (ignoring its
 * resourceVersion) are equal. Hints are deliberately not compared, as upstream.
 */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    targetRefEqualIgnoringRV(a.targetRef, b.targetRef)
  );
}
