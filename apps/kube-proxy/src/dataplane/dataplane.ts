// The contract between the proxier (which computes rules) and a data plane (which makes them
// carry traffic): the userspace one (SOCKS entry + NodePort/externalIP listeners) or the kernel one
// (iptables-restore).
import type { RuleSet, VirtualServer } from '@svclab/proxy-rules';

/** A socket the userspace data plane must hold open: a NodePort on the node IP, or an externalIP. */
export interface ListenerSpec {
  readonly protocol: 'TCP' | 'UDP';
  readonly ip: string;
  readonly port: number;
  readonly kind: 'NodePort' | 'ExternalIP';
}

/** Everything one sync produced. NOTE: built once per sync and shared; must NOT be modified. */
export interface DataplaneSnapshot {
  readonly mode: 'iptables' | 'ipvs';
  /** iptables mode: the structured rules `decide()` walks. IPVS mode: the IPVS-mode iptables rules. */
  readonly ruleSet?: RuleSet;
  /** iptables-restore input for this sync (partial or full); IPVS mode: the IPVS-mode iptables text. */
  readonly restoreText: string;
  readonly fullSync: boolean;
  /** IPVS mode: the virtual servers (sorted as ipvsadm sorts them). */
  readonly virtualServers?: readonly VirtualServer[];
  /** IPVS mode: ServicePortName strings whose externalTrafficPolicy is Local (no SNAT for external traffic). */
  readonly externalLocal?: ReadonlySet<string>;
  readonly listeners: readonly ListenerSpec[];
}

/** Applies snapshots; `apply` may reject (the proxier then retries with a full sync). */
export interface Dataplane {
  apply(snapshot: DataplaneSnapshot): Promise<void>;
  close(): Promise<void>;
}
