// renderIpvs: what kube-proxy's IPVS proxier programs for a node (pkg/proxy/ipvs/proxier.go
// syncProxyRules + writeIptablesRules, ipset.go): virtual servers, ipsets and iptables rules,
// printed as `ipvsadm -Ln`, `ipset list` and iptables-restore input.
import type { Protocol } from '@svclab/api';
import { categorizeEndpoints } from './categorize-endpoints.js';
import type { EndpointInfo } from './endpoint-info.js';
import { groupSlicesByService, serviceEndpoints } from './endpoint-info.js';
import { addressMatches, parseIPv4 } from './ip.js';
import { serviceKeyOf } from './object-keys.js';
import type { LocalDetector, ProxyNode, ProxyState } from './iptables-render.js';
import { localDetectorArgs } from './iptables-render.js';
import type { ServicePortInfo } from './service-port-info.js';
import { servicePortInfos, shouldSkipService } from './service-port-info.js';

/** `--ipvs-scheduler` values kube-proxy accepts (plus `mh`). */
export const IpvsSchedulers = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'sh',
  'dh',
  'sed',
  'nq',
  'mh',
] as const;
export type IpvsScheduler = (typeof IpvsSchedulers)[number];

export interface RealServer {
  readonly address: string;
  readonly port: number;
  /** 1, or 0 for a terminating endpoint kept while its connections drain (graceful termination). */
  readonly weight: number;
  readonly forward: 'Masq';
  readonly activeConns: number;
  readonly inactConns: number;
}

export interface VirtualServer {
  readonly protocol: Protocol;
  readonly address: string;
  readonly port: number;
  readonly scheduler: IpvsScheduler;
  /** Set for ClientIP affinity: `persistent <timeout>`. */
  readonly persistentTimeout?: number;
  /** ServicePortName string the VS belongs to. */
  readonly servicePortName: string;
  readonly kind: 'ClusterIP' | 'ExternalIP' | 'LoadBalancer' | 'NodePort';
  readonly realServers: readonly RealServer[];
  /**
   * externalTrafficPolicy Local without a local endpoint: the real servers are the cluster-wide
   * fallback (kubernetes#97081) that only pods on this node can use — an external client's
   * connection reaches a remote pod unSNATed and the pod's reply, sent straight back, is discarded.
   */
  readonly localFallback?: true;
}

export interface IPSetContent {
  readonly name: string;
  readonly type:
    'hash:ip' | 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port';
  readonly comment: string;
  /** Members as `ipset list` prints them, sorted. */
  readonly entries: readonly string[];
}

export interface IpvsOptions {
  /** `--ipvs-scheduler`, default rr. */
  readonly scheduler?: IpvsScheduler;
  readonly clusterCIDR?: string;
  readonly localDetector?: LocalDetector;
  readonly masqueradeAll?: boolean;
  readonly masqueradeBit?: number;
  readonly randomFully?: boolean;
  /** Node addresses NodePort virtual servers listen on; default `[node.ip]`. */
  readonly nodeIPs?: readonly string[];
  /** Live connection counters for `ipvsadm -Ln` (ActiveConn/InActConn); default 0. */
  readonly connections?: (
    vs: { protocol: Protocol; address: string; port: number },
    rs: { address: string; port: number },
  ) => {
    active: number;
    inactive: number;
  };
}

export interface IpvsResult {
  /** Sorted as ipvsadm sorts: protocol number, then address, then port. */
  readonly virtualServers: readonly VirtualServer[];
  readonly ipsets: readonly IPSetContent[];
  /** Addresses bound to kube-ipvs0 (KUBE-IPVS-IPS). */
  readonly boundAddresses: readonly string[];
  readonly ipvsadmText: string;
  readonly ipsetText: string;
  /** iptables-restore input in upstream's order: `*nat` first, then `*filter`. */
  readonly iptablesText: string;
}

interface SetInfo {
  readonly name: string;
  readonly type: IPSetContent['type'];
  readonly comment: string;
}

// ipsetInfo in upstream order.
const setInfos: readonly SetInfo[] = [
  {
    name: 'KUBE-LOOP-BACK',
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  },
  {
    name: 'KUBE-CLUSTER-IP',
    type: 'hash:ip,port',
    comment: 'Kubernetes service cluster ip + port for masquerade purpose',
  },
  {
    name: 'KUBE-EXTERNAL-IP',
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port for masquerade and filter purpose',
  },
  {
    name: 'KUBE-EXTERNAL-IP-LOCAL',
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local',
  },
  { name: 'KUBE-LOAD-BALANCER', type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  {
    name: 'KUBE-LOAD-BALANCER-FW',
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  },
  {
    name: 'KUBE-LOAD-BALANCER-LOCAL',
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-IP',
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-CIDR',
    type: 'hash:ip,port,net',
    comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  },
  {
    name: 'KUBE-NODE-PORT-TCP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port for masquerade purpose',
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-TCP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  },
  {
    name: 'KUBE-NODE-PORT-UDP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port for masquerade purpose',
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-UDP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  },
  {
    name: 'KUBE-NODE-PORT-SCTP-HASH',
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
    type: 'hash:ip,port',
    comment:
      "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  },
  {
    name: 'KUBE-HEALTH-CHECK-NODE-PORT',
    type: 'bitmap:port',
    comment: 'Kubernetes health check node port',
  },
  { name: 'KUBE-IPVS-IPS', type: 'hash:ip', comment: 'Kubernetes service IPs bound to kube-ipvs0' },
];

// ipsetWithIptablesChain in upstream order: [set, table, from, to, matchType, protocolMatch].
const setChains: readonly (readonly [string, 'nat' | 'filter', string, string, string, string])[] =
  [
    ['KUBE-LOOP-BACK', 'nat', 'KUBE-POSTROUTING', 'MASQUERADE', 'dst,dst,src', ''],
    ['KUBE-LOAD-BALANCER', 'nat', 'KUBE-SERVICES', 'KUBE-LOAD-BALANCER', 'dst,dst', ''],
    ['KUBE-LOAD-BALANCER-LOCAL', 'nat', 'KUBE-LOAD-BALANCER', 'RETURN', 'dst,dst', ''],
    ['KUBE-NODE-PORT-LOCAL-TCP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-TCP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-LOCAL-UDP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'udp'],
    ['KUBE-NODE-PORT-UDP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'udp'],
    ['KUBE-NODE-PORT-LOCAL-SCTP-HASH', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst,dst', 'sctp'],
    ['KUBE-NODE-PORT-SCTP-HASH', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst,dst', 'sctp'],
    [
      'KUBE-LOAD-BALANCER-FW',
      'filter',
      'KUBE-PROXY-FIREWALL',
      'KUBE-SOURCE-RANGES-FIREWALL',
      'dst,dst',
      '',
    ],
    [
      'KUBE-LOAD-BALANCER-SOURCE-CIDR',
      'filter',
      'KUBE-SOURCE-RANGES-FIREWALL',
      'RETURN',
      'dst,dst,src',
      '',
    ],
    [
      'KUBE-LOAD-BALANCER-SOURCE-IP',
      'filter',
      'KUBE-SOURCE-RANGES-FIREWALL',
      'RETURN',
      'dst,dst,src',
      '',
    ],
  ];

const protoNumber: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

function realServersFor(
  endpoints: readonly EndpointInfo[],
  info: ServicePortInfo,
  at: { node: ProxyNode; onlyNodeLocal: boolean },
): { servers: { address: string; port: number; weight: number }[]; localFallback: boolean } {
  const cat = categorizeEndpoints(endpoints, info, at.node);
  let chosen: readonly EndpointInfo[] = cat.clusterEndpoints;
  // syncEndpoint: Local policy uses local endpoints, falling back to cluster ones (kubernetes#97081).
  if (at.onlyNodeLocal && cat.localEndpoints.length > 0) chosen = cat.localEndpoints;
  const localFallback = at.onlyNodeLocal && cat.localEndpoints.length === 0 && chosen.length > 0;
  const picked = new Set(chosen.map((e) => e.endpoint));
  const out = chosen.map((e) => ({ address: e.ip, port: e.port, weight: 1 }));
  // Graceful termination: a serving, terminating endpoint that is no longer used stays at weight 0.
  for (const e of endpoints) {
    if (e.terminating && e.serving && !picked.has(e.endpoint))
      out.push({ address: e.ip, port: e.port, weight: 0 });
  }
  return { servers: out, localFallback };
}

function cmpAddr(a: string, b: string): number {
  return (parseIPv4(a) ?? 0) - (parseIPv4(b) ?? 0);
}

function padEnd(s: string | number, n: number): string {
  return String(s).padEnd(n, ' ');
}

/** `ipvsadm -Ln` for these virtual servers (print_title + print_service_entry formats). */
export function formatIpvsadm(vss: readonly VirtualServer[]): string {
  const out = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const vs of vss) {
    out.push(
      `${vs.protocol}  ${vs.address}:${vs.port} ${vs.scheduler}${vs.persistentTimeout !== undefined ? ` persistent ${vs.persistentTimeout}` : ''}`,
    );
    for (const rs of vs.realServers) {
      out.push(
        `  -> ${padEnd(`${rs.address}:${rs.port}`, 28)} ${padEnd(rs.forward, 7)} ${padEnd(rs.weight, 6)} ${padEnd(rs.activeConns, 10)} ${padEnd(rs.inactConns, 10)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** `ipset list` for these sets. Memory size and initval are not modelled (printed as 0). */
export function formatIpsetList(
  sets: readonly IPSetContent[],
  references: ReadonlyMap<string, number>,
): string {
  const blocks = sets.map((s) => {
    const header =
      s.type === 'bitmap:port'
        ? 'range 0-65535'
        : 'family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x00000000';
    return [
      `Name: ${s.name}`,
      `Type: ${s.type}`,
      `Revision: ${revisions[s.type]}`,
      `Header: ${header}`,
      'Size in memory: 0',
      `References: ${references.get(s.name) ?? 0}`,
      `Number of entries: ${s.entries.length}`,
      'Members:',
      ...s.entries,
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

const revisions: Record<IPSetContent['type'], number> = {
  'hash:ip': 6,
  'hash:ip,port': 7,
  'hash:ip,port,ip': 5,
  'hash:ip,port,net': 7,
  'bitmap:port': 3,
};

/** Renders the IPVS proxier's view of `state` for `node`. */
export function renderIpvs(state: ProxyState, node: ProxyNode, opts: IpvsOptions = {}): IpvsResult {
  const scheduler = opts.scheduler ?? 'rr';
  const nodeIPs = opts.nodeIPs ?? [node.ip];
  const sets = new Map<string, Set<string>>(setInfos.map((s) => [s.name, new Set<string>()]));
  const add = (set: string, entry: string): void => {
    sets.get(set)?.add(entry);
  };
  const vss: VirtualServer[] = [];
  const bound = new Set<string>();
  const lbNoNodeAccess: { ip: string; port: number; protocol: string }[] = [];
  const conns = opts.connections;
  const slicesBySvc = groupSlicesByService(state.endpointSlices);

  for (const svc of state.services) {
    if (shouldSkipService(svc)) continue;
    const key = serviceKeyOf(svc);
    const eps = serviceEndpoints(key, slicesBySvc.get(key) ?? [], node.name);
    for (const info of servicePortInfos(svc)) {
      const endpoints = eps.get(info.key) ?? [];
      const proto = info.protocol.toLowerCase();
      const persistent = info.sessionAffinityClientIP
        ? { persistentTimeout: info.stickyMaxAgeSeconds }
        : {};
      const vs = (
        kind: VirtualServer['kind'],
        address: string,
        at: { port: number; onlyNodeLocal: boolean },
      ): void => {
        const { port, onlyNodeLocal } = at;
        const picked = realServersFor(endpoints, info, { node, onlyNodeLocal });
        const rss = picked.servers.map((r) => {
          const c = conns?.({ protocol: info.protocol, address, port }, r);
          return {
            ...r,
            forward: 'Masq' as const,
            activeConns: c?.active ?? 0,
            inactConns: c?.inactive ?? 0,
          };
        });
        rss.sort((a, b) => cmpAddr(a.address, b.address) || a.port - b.port);
        vss.push({
          protocol: info.protocol,
          address,
          port,
          scheduler,
          ...persistent,
          servicePortName: info.name,
          kind,
          realServers: rss,
          ...(picked.localFallback && kind !== 'ClusterIP' ? { localFallback: true as const } : {}),
        });
      };

      for (const ep of endpoints) {
        if (ep.isLocal) add('KUBE-LOOP-BACK', `${ep.ip},${proto}:${ep.port},${ep.ip}`);
      }
      add('KUBE-CLUSTER-IP', `${info.clusterIP},${proto}:${info.port}`);
      vs('ClusterIP', info.clusterIP, { port: info.port, onlyNodeLocal: info.internalPolicyLocal });
      bound.add(info.clusterIP);

      for (const ip of info.externalIPs) {
        add(
          info.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP',
          `${ip},${proto}:${info.port}`,
        );
        vs('ExternalIP', ip, { port: info.port, onlyNodeLocal: info.externalPolicyLocal });
        if (!nodeIPs.includes(ip)) bound.add(ip);
      }

      for (const ip of info.loadBalancerVIPs) {
        const entry = `${ip},${proto}:${info.port}`;
        add('KUBE-LOAD-BALANCER', entry);
        if (info.externalPolicyLocal) add('KUBE-LOAD-BALANCER-LOCAL', entry);
        if (info.loadBalancerSourceRanges.length > 0) {
          add('KUBE-LOAD-BALANCER-FW', entry);
          let allowFromNode = false;
          for (const cidr of info.loadBalancerSourceRanges) {
            add('KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${cidr}`);
            if (addressMatches(cidr, node.ip)) allowFromNode = true;
          }
          if (allowFromNode) add('KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`);
          else lbNoNodeAccess.push({ ip, port: info.port, protocol: proto });
        }
        vs('LoadBalancer', ip, { port: info.port, onlyNodeLocal: info.externalPolicyLocal });
        if (!nodeIPs.includes(ip)) bound.add(ip);
      }

      if (info.nodePort !== 0 && nodeIPs.length > 0) {
        const np = String(info.nodePort);
        if (info.protocol === 'SCTP') {
          for (const ip of nodeIPs) {
            add('KUBE-NODE-PORT-SCTP-HASH', `${ip},sctp:${np}`);
            if (info.externalPolicyLocal) add('KUBE-NODE-PORT-LOCAL-SCTP-HASH', `${ip},sctp:${np}`);
          }
        } else {
          add(`KUBE-NODE-PORT-${info.protocol}`, np);
          if (info.externalPolicyLocal) add(`KUBE-NODE-PORT-LOCAL-${info.protocol}`, np);
        }
        for (const ip of nodeIPs)
          vs('NodePort', ip, { port: info.nodePort, onlyNodeLocal: info.externalPolicyLocal });
      }
      if (info.healthCheckNodePort !== 0)
        add('KUBE-HEALTH-CHECK-NODE-PORT', String(info.healthCheckNodePort));
    }
  }
  for (const ip of bound) add('KUBE-IPVS-IPS', ip);

  vss.sort(
    (a, b) =>
      protoNumber[a.protocol] - protoNumber[b.protocol] ||
      cmpAddr(a.address, b.address) ||
      a.port - b.port,
  );
  const ipsets: IPSetContent[] = setInfos.map((s) => ({
    ...s,
    entries: [...(sets.get(s.name) ?? [])].sort(
      s.type === 'bitmap:port' ? (a, b) => Number(a) - Number(b) : undefined,
    ),
  }));
  const iptablesText = ipvsIptables(ipsets, { node, opts, lbNoNodeAccess });
  const references = new Map<string, number>();
  for (const s of ipsets)
    references.set(s.name, iptablesText.split(`--match-set ${s.name} `).length - 1);
  return {
    virtualServers: vss,
    ipsets,
    boundAddresses: [...bound].sort(cmpAddr),
    ipvsadmText: formatIpvsadm(vss),
    ipsetText: formatIpsetList(ipsets, references),
    iptablesText,
  };
}

function ipvsIptables(
  ipsets: readonly IPSetContent[],
  at: {
    node: ProxyNode;
    opts: IpvsOptions;
    lbNoNodeAccess: readonly { ip: string; port: number; protocol: string }[];
  },
): string {
  const { opts } = at;
  const empty = (name: string): boolean =>
    (ipsets.find((s) => s.name === name)?.entries.length ?? 0) === 0;
  const comment = (name: string): string =>
    `"${ipsets.find((s) => s.name === name)?.comment ?? ''}"`;
  const mark = `0x${(1 << (opts.masqueradeBit ?? 14)).toString(16)}`;
  const detector: LocalDetector | undefined =
    opts.localDetector ??
    (opts.clusterCIDR !== undefined ? { mode: 'ClusterCIDR', cidr: opts.clusterCIDR } : undefined);
  const ifNotLocal = localDetectorArgs(detector)?.ifNotLocal;

  const natChains = [
    'KUBE-SERVICES',
    'KUBE-POSTROUTING',
    'KUBE-NODE-PORT',
    'KUBE-LOAD-BALANCER',
    'KUBE-MARK-MASQ',
  ];
  const filterChains = [
    'KUBE-FORWARD',
    'KUBE-NODE-PORT',
    'KUBE-PROXY-FIREWALL',
    'KUBE-SOURCE-RANGES-FIREWALL',
    'KUBE-IPVS-FILTER',
    'KUBE-IPVS-OUT-FILTER',
  ];
  const nat: string[] = ['-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN'];
  const filter: string[] = [];

  for (const [set, table, from, to, matchType, protocolMatch] of setChains) {
    if (empty(set)) continue;
    const p = protocolMatch === '' ? '' : ` -p ${protocolMatch}`;
    const line = `-A ${from}${p} -m comment --comment ${comment(set)} -m set --match-set ${set} ${matchType} -j ${to}`;
    (table === 'nat' ? nat : filter).push(line);
  }
  if (!empty('KUBE-CLUSTER-IP')) {
    const args = `-A KUBE-SERVICES -m comment --comment ${comment('KUBE-CLUSTER-IP')} -m set --match-set KUBE-CLUSTER-IP`;
    if (opts.masqueradeAll === true) nat.push(`${args} dst,dst -j KUBE-MARK-MASQ`);
    else if (ifNotLocal !== undefined) nat.push(`${args} dst,dst ${ifNotLocal} -j KUBE-MARK-MASQ`);
    else nat.push(`${args} src,dst -j KUBE-MARK-MASQ`);
  }
  const externalIPRules = (args: string): void => {
    nat.push(`${args} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT`);
    nat.push(`${args} -m addrtype --dst-type LOCAL -j ACCEPT`);
  };
  if (!empty('KUBE-EXTERNAL-IP')) {
    const args = `-A KUBE-SERVICES -m comment --comment ${comment('KUBE-EXTERNAL-IP')} -m set --match-set KUBE-EXTERNAL-IP dst,dst`;
    nat.push(`${args} -j KUBE-MARK-MASQ`);
    externalIPRules(args);
  }
  if (!empty('KUBE-EXTERNAL-IP-LOCAL')) {
    externalIPRules(
      `-A KUBE-SERVICES -m comment --comment ${comment('KUBE-EXTERNAL-IP-LOCAL')} -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst`,
    );
  }
  nat.push('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
  nat.push('-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ');
  filter.push('-A KUBE-SOURCE-RANGES-FIREWALL -j DROP');
  for (const e of at.lbNoNodeAccess) {
    filter.push(
      `-A KUBE-IPVS-OUT-FILTER -s ${e.ip} -m ipvs --vaddr ${e.ip} --vproto ${e.protocol} --vport ${e.port} -j DROP`,
    );
  }
  // acceptIPVSTraffic: must be the end of KUBE-SERVICES.
  for (const set of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER']) {
    if (!empty(set)) nat.push(`-A KUBE-SERVICES -m set --match-set ${set} dst,dst -j ACCEPT`);
  }
  filter.push(
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    `-A KUBE-NODE-PORT -m comment --comment ${comment('KUBE-HEALTH-CHECK-NODE-PORT')} -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT`,
    '-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN',
    '-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN',
    '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN',
    '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN',
    '-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN',
    '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
  );
  nat.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`,
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${opts.randomFully === true ? ' --random-fully' : ''}`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`,
  );
  const lines = [
    '*nat',
    ...natChains.map((c) => `:${c} - [0:0]`),
    ...nat,
    'COMMIT',
    '*filter',
    ...filterChains.map((c) => `:${c} - [0:0]`),
    ...filter,
    'COMMIT',
  ];
  return `${lines.join('\n')}\n`;
}
