// Options of the kubernetes plugin, under CoreDNS's names (plugin/kubernetes/setup.go ParseStanza).

export const PodMode = {
  Disabled: 'disabled',
  Insecure: 'insecure',
  Verified: 'verified',
} as const;
export type PodMode = (typeof PodMode)[keyof typeof PodMode];

export interface KubernetesOptions {
  /** Authoritative zones, lower case without trailing dot; the first non-reverse one is primary. */
  readonly zones: readonly string[];
  /** `namespaces`: only these are exposed (empty: all that exist). */
  readonly namespaces: readonly string[];
  readonly pods: PodMode;
  readonly endpointPodNames: boolean;
  /** Seconds, 0..3600 (default 5). */
  readonly ttl: number;
  readonly noEndpoints: boolean;
  /** `ignore empty_service`. */
  readonly ignoreEmptyService: boolean;
  /** `fallthrough [zones]`: undefined = off; [] = every zone. */
  readonly fallthrough: readonly string[] | undefined;
  /** Addresses of this server, the glue of ns.dns.<zone>. */
  readonly nsAddresses: readonly string[];
}

/** DefaultTTL, seconds (CoreDNS defaultTTL). */
export const DEFAULT_TTL = 5;
/** `ttl` range, seconds (setup.go). */
export const MAX_TTL = 3600;
/** The `dns-version` TXT, schema 1.1.0, with its fixed TTL in seconds. */
export const DNS_SCHEMA_VERSION = '1.1.0';
export const DNS_SCHEMA_TTL = 28800;

export const defaultKubernetesOptions: KubernetesOptions = {
  zones: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'],
  namespaces: [],
  pods: PodMode.Disabled,
  endpointPodNames: false,
  ttl: DEFAULT_TTL,
  noEndpoints: false,
  ignoreEmptyService: false,
  // As the default Corefile: `fallthrough in-addr.arpa ip6.arpa`.
  fallthrough: ['in-addr.arpa', 'ip6.arpa'],
  nsAddresses: ['127.0.0.1'],
};

export class KubernetesSetupError extends Error {
  override readonly name = 'KubernetesSetupError';
}

/** Normalises a zone: lower case, no trailing dot ("." → ""). */
export function normalizeZone(z: string): string {
  return z.toLowerCase().replace(/\.$/, '');
}

export function kubernetesOptions(partial: Partial<KubernetesOptions> = {}): KubernetesOptions {
  const o = { ...defaultKubernetesOptions, ...partial };
  if (!Number.isInteger(o.ttl) || o.ttl < 0 || o.ttl > MAX_TTL) {
    throw new KubernetesSetupError(`ttl must be in range [0, ${MAX_TTL}]: ${o.ttl}`);
  }
  if (!Object.values(PodMode).includes(o.pods))
    throw new KubernetesSetupError(`invalid pods mode: ${o.pods}`);
  if (o.zones.length === 0) throw new KubernetesSetupError('at least one zone is required');
  return {
    ...o,
    zones: o.zones.map(normalizeZone),
    namespaces: o.namespaces.map((n) => n.toLowerCase()),
    fallthrough: o.fallthrough?.map(normalizeZone),
  };
}
