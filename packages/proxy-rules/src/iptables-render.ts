// renderIptables: the iptables-restore input kube-proxy's iptables proxier writes on a sync
// (pkg/proxy/iptables/proxier.go syncProxyRules, in code order), plus the same rules as a RuleSet.
import type { EndpointSlice, Service } from '@svclab/api';
import { categorizeEndpoints } from './categorize-endpoints.js';
import { flatConcat, portProtoHash, servicePortEndpointChainName } from './chain-names.js';
import type { EndpointInfo } from './endpoint-info.js';
import type { PortEntry, PortNames, Projection } from './iptables-cache.js';
import { IptablesCache } from './iptables-cache.js';
import type { RuleSetRecords } from './rule-set-records.js';
import { addressMatches, parseCIDR } from './ip.js';
import { probability } from './probability.js';
import type { DetectorSpec, L4Protocol, Rule } from './rule-set.js';
import type { RuleSet } from './rule-set.js';
import type { ServicePortInfo } from './service-port-info.js';
import {
  externallyAccessible,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from './service-port-info.js';

export { IptablesCache } from './iptables-cache.js';

/** The objects a proxier renders from (what its informers hold). */
export interface ProxyState {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
}

/** The node this proxier runs on. */
export interface ProxyNode {
  readonly name: string;
  /** Primary node IP (IPv4). */
  readonly ip: string;
  /** Node labels (topology.kubernetes.io/zone for topology hints). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** `--detect-local-mode`: how kube-proxy recognises traffic from local pods. */
export type LocalDetector =
  | { readonly mode: 'ClusterCIDR' | 'NodeCIDR'; readonly cidr: string }
  | { readonly mode: 'InterfaceNamePrefix'; readonly prefix: string }
  | { readonly mode: 'BridgeInterface'; readonly name: string };

export interface IptablesOptions {
  /** `--cluster-cidr`: shorthand for `localDetector: {mode: 'ClusterCIDR', cidr}`. */
  readonly clusterCIDR?: string;
  readonly localDetector?: LocalDetector;
  /** `--masquerade-all`. */
  readonly masqueradeAll?: boolean;
  /** `--iptables-masquerade-bit`, default 14 (mark 0x4000). */
  readonly masqueradeBit?: number;
  /** `--iptables-localhost-nodeports`, default true. */
  readonly localhostNodePorts?: boolean;
  /** nfacct counters available (adds `-m nfacct` matches), default true as on current kernels. */
  readonly nfacct?: boolean;
  /** sysctl nf_conntrack_tcp_be_liberal=1 (drops the INVALID rule), default false. */
  readonly conntrackTCPLiberal?: boolean;
  /** iptables supports `--random-fully`, default false. */
  readonly randomFully?: boolean;
  /** `--nodeport-addresses` CIDRs; default: all local addresses. */
  readonly nodePortAddresses?: readonly string[];
  /** Endpoints above which comments are dropped (largeClusterEndpointsThreshold), default 1000. */
  readonly largeClusterThreshold?: number;
  /** Reuse rendered services between calls (partial sync); see IptablesCache. */
  readonly cache?: IptablesCache;
}

/**
 * One render. `text`, `restoreText` and `ruleSet` are built on first access and memoised, so a
 * caller pays only for what it reads.
 */
export interface IptablesResult {
  /** The complete rules as iptables-restore input (`*filter` … `COMMIT` `*nat` … `COMMIT`), in upstream's write order. */
  readonly text: string;
  /**
   * What upstream's proxier would pass to `iptables-restore --noflush` on this sync: `text` on a
   * full sync; on a partial sync the filter table, every KUBE-SERVICES/KUBE-NODEPORTS rule, and
   * only the chains of service ports that changed (plus `-X` for deleted chains).
   */
  readonly restoreText: string;
  readonly fullSync: boolean;
  readonly ruleSet: RuleSet;
  readonly stats: IptablesStats;
}

export interface IptablesStats {
  readonly servicePorts: number;
  readonly endpoints: number;
  readonly largeClusterMode: boolean;
  /** Service ports whose lines were rendered this call (the rest came from the cache). */
  readonly renderedServicePorts: number;
  readonly filterRules: number;
  readonly natRules: number;
  readonly natChains: number;
  /** Stale service chains flushed and deleted (`-X`) because the previous render had them. */
  readonly deletedChains: number;
}

/** Rules of one chain written by one service port, in order. */
type RuleGroup = [chain: string, rules: Rule[]];

/** The text of one service port: lines joined, each ending in a newline ('' when none). */
interface TextPart {
  readonly filterText: string;
  readonly natChainsText: string;
  /** This port's KUBE-SERVICES / KUBE-NODEPORTS rules (rewritten on every sync, even partial). */
  readonly natTopText: string;
  /** Rules of this port's own chains (KUBE-EXT/FW/SVC/SVL/SEP), in write order. */
  readonly natChainText: string;
  /** natTopText and natChainText interleaved in upstream's write order (for the full text). */
  readonly natRulesText: string;
}

interface RulesPart {
  readonly filter: RuleGroup[];
  readonly nat: RuleGroup[];
}

/**
 * One service port as rendered for one render context. Chains and counts are computed eagerly;
 * the text and the structured rules on first use (re-running renderPort with the same inputs).
 */
export interface PortFragment {
  readonly info: ServicePortInfo;
  readonly endpoints: readonly EndpointInfo[];
  readonly ctx: RenderCtx;
  readonly chains: readonly string[];
  readonly filterRules: number;
  readonly natRules: number;
  readonly natChains: number;
  text?: TextPart;
  rules?: RulesPart;
}

const kubeServices = 'KUBE-SERVICES';
const kubeExternalServices = 'KUBE-EXTERNAL-SERVICES';
const kubeNodePorts = 'KUBE-NODEPORTS';
const kubePostrouting = 'KUBE-POSTROUTING';
const kubeMarkMasq = 'KUBE-MARK-MASQ';
const kubeForward = 'KUBE-FORWARD';
const kubeProxyFirewall = 'KUBE-PROXY-FIREWALL';
const kubeletFirewall = 'KUBE-FIREWALL';
const localhostNpsCounter = 'localhost_nps_accepted_pkts';
const ctInvalidCounter = 'ct_state_invalid_dropped_pkts';

interface RenderCtx {
  readonly node: ProxyNode;
  readonly detector: { readonly ifLocal: string; readonly ifNotLocal: string } | undefined;
  readonly masqueradeAll: boolean;
  readonly localhostNodePorts: boolean;
  readonly nfacct: boolean;
  readonly names: Map<string, PortNames>;
  large: boolean;
  /** What renderPort builds besides chains and counts. */
  readonly wantText: boolean;
  readonly wantRules: boolean;
}

function chainLine(chain: string): string {
  return `:${chain} - [0:0]`;
}

function pushRule(groups: RuleGroup[], chain: string, rule: Rule): void {
  const last = groups[groups.length - 1];
  if (last?.[0] === chain) last[1].push(rule);
  else groups.push([chain, [rule]]);
}

/** The iptables match arguments of a detector: IfLocal / IfNotLocal (proxyutil.LocalTrafficDetector). */
export function localDetectorArgs(
  d: LocalDetector | undefined,
): { readonly ifLocal: string; readonly ifNotLocal: string } | undefined {
  if (d === undefined) return undefined;
  switch (d.mode) {
    case 'ClusterCIDR':
    case 'NodeCIDR':
      return { ifLocal: `-s ${d.cidr}`, ifNotLocal: `! -s ${d.cidr}` };
    case 'InterfaceNamePrefix':
      return { ifLocal: `-i ${d.prefix}+`, ifNotLocal: `! -i ${d.prefix}+` };
    case 'BridgeInterface':
      return { ifLocal: `-i ${d.name}`, ifNotLocal: `! -i ${d.name}` };
  }
}

function detectorSpec(d: LocalDetector | undefined): DetectorSpec {
  if (d === undefined) return { mode: 'none' };
  if (d.mode === 'ClusterCIDR' || d.mode === 'NodeCIDR') return { mode: 'cidr', cidr: d.cidr };
  return { mode: 'interface' };
}

/** Renders one service port exactly as the body of upstream's per-service loop. */
function renderPort(
  info: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  ctx: RenderCtx,
): PortFragment {
  const protocol = info.protocol.toLowerCase() as L4Protocol;
  const name = info.name;
  let names = ctx.names.get(info.key);
  if (names === undefined) {
    names = { h: portProtoHash(name, protocol), seps: new Map() };
    ctx.names.set(info.key, names);
  }
  const { h, seps } = names;
  const clusterPolicyChain = flatConcat('KUBE-SVC-', h);
  const localPolicyChain = flatConcat('KUBE-SVL-', h);
  const externalTrafficChain = flatConcat('KUBE-EXT-', h);
  const fwChain = flatConcat('KUBE-FW-', h);
  const sepName = (ep: EndpointInfo): string => {
    let sep = seps.get(ep.endpoint);
    if (sep === undefined) {
      sep = servicePortEndpointChainName(name, protocol, ep.endpoint);
      seps.set(ep.endpoint, sep);
    }
    return sep;
  };

  const cat = categorizeEndpoints(endpoints, info, ctx.node);
  const hasEndpoints = cat.hasAnyEndpoints;
  const usesClusterPolicyChain = cat.clusterEndpoints.length > 0 && usesClusterEndpoints(info);
  const usesLocalPolicyChain = cat.localEndpoints.length > 0 && usesLocalEndpoints(info);

  let internalTrafficChain = clusterPolicyChain;
  let hasInternalEndpoints = hasEndpoints;
  if (info.internalPolicyLocal) {
    internalTrafficChain = localPolicyChain;
    if (cat.localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasEndpoints;
  if (info.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (cat.localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible(info);
  const usesFWChain =
    hasEndpoints && info.loadBalancerVIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
  const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

  let internalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
  let internalFilterComment = '';
  let externalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
  let externalFilterComment = '';
  if (!hasEndpoints) {
    internalFilterComment = `${name} has no endpoints`;
    externalFilterComment = internalFilterComment;
  } else {
    if (!hasInternalEndpoints) {
      internalFilterTarget = 'DROP';
      internalFilterComment = `${name} has no local endpoints`;
    }
    if (!hasExternalEndpoints) {
      externalFilterTarget = 'DROP';
      externalFilterComment = `${name} has no local endpoints`;
    }
  }

  const T = ctx.wantText;
  const R = ctx.wantRules;
  const f = {
    filterRules: [] as string[],
    natChains: [] as string[],
    natRules: [] as string[],
    natTop: [] as string[],
    natChain: [] as string[],
    filter: [] as RuleGroup[],
    nat: [] as RuleGroup[],
    chains: [] as string[],
    filterCount: 0,
    natCount: 0,
  };
  const filterRule = (chain: string, text: string | undefined, rule: Rule | undefined): void => {
    f.filterCount++;
    if (text !== undefined) f.filterRules.push(`-A ${chain} ${text}`);
    if (rule !== undefined) pushRule(f.filter, chain, rule);
  };
  const natRule = (chain: string, text: string | undefined, rule: Rule | undefined): void => {
    f.natCount++;
    if (text !== undefined) {
      const line = `-A ${chain} ${text}`;
      f.natRules.push(line);
      (chain === kubeServices || chain === kubeNodePorts ? f.natTop : f.natChain).push(line);
    }
    if (rule !== undefined) pushRule(f.nat, chain, rule);
  };
  const natChain = (chain: string): void => {
    if (T) f.natChains.push(chainLine(chain));
    f.chains.push(chain);
  };
  const verdict = (t: 'REJECT' | 'DROP'): Rule['target'] => ({
    kind: t === 'REJECT' ? 'reject' : 'drop',
  });
  const jump = (chain: string): Rule['target'] => ({ kind: 'jump', chain });
  const proto = `-m ${protocol} -p ${protocol}`;
  const port = info.port;
  /** `-m comment --comment "…" -m P -p P -d IP --dport PORT -j TARGET`, as text and as a Rule. */
  const toDestination = (
    add: typeof natRule,
    chain: string,
    to: { comment: string; ip: string; targetText: string; target: Rule['target'] },
  ): void => {
    const { comment, ip, targetText, target } = to;
    add(
      chain,
      T
        ? `-m comment --comment "${comment}" ${proto} -d ${ip} --dport ${port} -j ${targetText}`
        : undefined,
      R ? { comment, protocol, dst: ip, dport: port, target } : undefined,
    );
  };

  // Capture the clusterIP.
  if (hasInternalEndpoints) {
    toDestination(natRule, kubeServices, {
      comment: `${name} cluster IP`,
      ip: info.clusterIP,
      targetText: internalTrafficChain,
      target: jump(internalTrafficChain),
    });
  } else {
    toDestination(filterRule, kubeServices, {
      comment: internalFilterComment,
      ip: info.clusterIP,
      targetText: internalFilterTarget,
      target: verdict(internalFilterTarget),
    });
  }

  // Capture externalIPs.
  for (const ip of info.externalIPs) {
    if (hasEndpoints) {
      toDestination(natRule, kubeServices, {
        comment: `${name} external IP`,
        ip,
        targetText: externalTrafficChain,
        target: jump(externalTrafficChain),
      });
    }
    if (!hasExternalEndpoints) {
      toDestination(filterRule, kubeExternalServices, {
        comment: externalFilterComment,
        ip,
        targetText: externalFilterTarget,
        target: verdict(externalFilterTarget),
      });
    }
  }

  // Capture load-balancer ingress.
  for (const ip of info.loadBalancerVIPs) {
    if (hasEndpoints) {
      toDestination(natRule, kubeServices, {
        comment: `${name} loadbalancer IP`,
        ip,
        targetText: loadBalancerTrafficChain,
        target: jump(loadBalancerTrafficChain),
      });
    }
    if (usesFWChain) {
      toDestination(filterRule, kubeProxyFirewall, {
        comment: `${name} traffic not accepted by ${fwChain}`,
        ip,
        targetText: 'DROP',
        target: { kind: 'drop' },
      });
    }
  }
  if (!hasExternalEndpoints) {
    for (const ip of info.loadBalancerVIPs) {
      toDestination(filterRule, kubeExternalServices, {
        comment: externalFilterComment,
        ip,
        targetText: externalFilterTarget,
        target: verdict(externalFilterTarget),
      });
    }
  }

  // Capture nodeports.
  if (info.nodePort !== 0) {
    if (hasEndpoints) {
      if (ctx.localhostNodePorts && ctx.nfacct) {
        natRule(
          kubeNodePorts,
          T
            ? `-m comment --comment ${name} ${proto} -d 127.0.0.0/8 --dport ${info.nodePort} -m nfacct --nfacct-name ${localhostNpsCounter} -j ${externalTrafficChain}`
            : undefined,
          R
            ? {
                comment: name,
                protocol,
                dst: '127.0.0.0/8',
                dport: info.nodePort,
                target: jump(externalTrafficChain),
              }
            : undefined,
        );
      }
      natRule(
        kubeNodePorts,
        T
          ? `-m comment --comment ${name} ${proto} --dport ${info.nodePort} -j ${externalTrafficChain}`
          : undefined,
        R
          ? {
              comment: name,
              protocol,
              dport: info.nodePort,
              target: jump(externalTrafficChain),
            }
          : undefined,
      );
    }
    if (!hasExternalEndpoints) {
      filterRule(
        kubeExternalServices,
        T
          ? `-m comment --comment "${externalFilterComment}" -m addrtype --dst-type LOCAL ${proto} --dport ${info.nodePort} -j ${externalFilterTarget}`
          : undefined,
        R
          ? {
              comment: externalFilterComment,
              dstLocal: true,
              protocol,
              dport: info.nodePort,
              target: verdict(externalFilterTarget),
            }
          : undefined,
      );
    }
  }

  // Capture healthCheckNodePorts.
  if (info.healthCheckNodePort !== 0) {
    const comment = `${name} health check node port`;
    filterRule(
      kubeNodePorts,
      T
        ? `-m comment --comment "${comment}" -m tcp -p tcp --dport ${info.healthCheckNodePort} -j ACCEPT`
        : undefined,
      R
        ? {
            comment,
            protocol: 'tcp',
            dport: info.healthCheckNodePort,
            target: { kind: 'accept' },
          }
        : undefined,
    );
  }

  // Internal traffic handling (SVC/SVL chain head).
  if (hasInternalEndpoints) {
    const comment = `${name} cluster IP`;
    const args = `-m comment --comment "${comment}" ${proto} -d ${info.clusterIP} --dport ${port}`;
    const base = {
      comment,
      protocol,
      dst: info.clusterIP,
      dport: port,
      target: jump(kubeMarkMasq),
    } as const;
    if (ctx.masqueradeAll) {
      natRule(
        internalTrafficChain,
        T ? `${args} -j ${kubeMarkMasq}` : undefined,
        R ? base : undefined,
      );
    } else if (ctx.detector !== undefined) {
      natRule(
        internalTrafficChain,
        T ? `${args} ${ctx.detector.ifNotLocal} -j ${kubeMarkMasq}` : undefined,
        R ? { ...base, fromLocal: false } : undefined,
      );
    }
  }

  // External traffic handling.
  if (usesExternalTrafficChain) {
    natChain(externalTrafficChain);
    if (!info.externalPolicyLocal) {
      const comment = `masquerade traffic for ${name} external destinations`;
      natRule(
        externalTrafficChain,
        T ? `-m comment --comment "${comment}" -j ${kubeMarkMasq}` : undefined,
        R ? { comment, target: jump(kubeMarkMasq) } : undefined,
      );
    } else {
      if (ctx.detector !== undefined) {
        const comment = `pod traffic for ${name} external destinations`;
        natRule(
          externalTrafficChain,
          T
            ? `-m comment --comment "${comment}" ${ctx.detector.ifLocal} -j ${clusterPolicyChain}`
            : undefined,
          R
            ? {
                comment,
                fromLocal: true,
                target: jump(clusterPolicyChain),
              }
            : undefined,
        );
      }
      const masq = `masquerade LOCAL traffic for ${name} external destinations`;
      natRule(
        externalTrafficChain,
        T
          ? `-m comment --comment "${masq}" -m addrtype --src-type LOCAL -j ${kubeMarkMasq}`
          : undefined,
        R
          ? {
              comment: masq,
              srcLocal: true,
              target: jump(kubeMarkMasq),
            }
          : undefined,
      );
      const route = `route LOCAL traffic for ${name} external destinations`;
      natRule(
        externalTrafficChain,
        T
          ? `-m comment --comment "${route}" -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`
          : undefined,
        R
          ? {
              comment: route,
              srcLocal: true,
              target: jump(clusterPolicyChain),
            }
          : undefined,
      );
    }
    if (hasExternalEndpoints) {
      natRule(
        externalTrafficChain,
        T ? `-j ${externalPolicyChain}` : undefined,
        R ? { target: jump(externalPolicyChain) } : undefined,
      );
    }
  }

  // Firewall chain.
  if (usesFWChain) {
    natChain(fwChain);
    const comment = `${name} loadbalancer IP`;
    let allowFromNode = false;
    for (const cidr of info.loadBalancerSourceRanges) {
      natRule(
        fwChain,
        T ? `-m comment --comment "${comment}" -s ${cidr} -j ${externalTrafficChain}` : undefined,
        R ? { comment, src: cidr, target: jump(externalTrafficChain) } : undefined,
      );
      if (addressMatches(cidr, ctx.node.ip)) allowFromNode = true;
    }
    if (allowFromNode) {
      for (const ip of info.loadBalancerVIPs) {
        natRule(
          fwChain,
          T ? `-m comment --comment "${comment}" -s ${ip} -j ${externalTrafficChain}` : undefined,
          R ? { comment, src: ip, target: jump(externalTrafficChain) } : undefined,
        );
      }
    }
    const other = `other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`;
    natRule(
      fwChain,
      T ? `-m comment --comment "${other}"` : undefined,
      R ? { comment: other, target: { kind: 'none' } } : undefined,
    );
  }

  const endpointRules = (chain: string, eps: readonly EndpointInfo[]): void => {
    if (info.sessionAffinityClientIP) {
      for (const ep of eps) {
        const sep = sepName(ep);
        const comment = `${name} -> ${ep.endpoint}`;
        const c = ctx.large ? '' : `-m comment --comment "${comment}" `;
        natRule(
          chain,
          T
            ? `${c}-m recent --name ${sep} --rcheck --seconds ${info.stickyMaxAgeSeconds} --reap -j ${sep}`
            : undefined,
          R
            ? {
                comment: ctx.large ? undefined : comment,
                recentCheck: { name: sep, seconds: info.stickyMaxAgeSeconds },
                target: jump(sep),
              }
            : undefined,
        );
      }
    }
    const n = eps.length;
    eps.forEach((ep, i) => {
      const sep = sepName(ep);
      const comment = `${name} -> ${ep.endpoint}`;
      const c = ctx.large ? '' : `-m comment --comment "${comment}" `;
      const stat =
        i < n - 1 ? `-m statistic --mode random --probability ${probability(n - i)} ` : '';
      natRule(
        chain,
        T ? `${c}${stat}-j ${sep}` : undefined,
        R
          ? {
              comment: ctx.large ? undefined : comment,
              probability: i < n - 1 ? 1 / (n - i) : undefined,
              target: jump(sep),
            }
          : undefined,
      );
    });
  };

  if (usesClusterPolicyChain) {
    natChain(clusterPolicyChain);
    endpointRules(clusterPolicyChain, cat.clusterEndpoints);
  }
  if (usesLocalPolicyChain) {
    natChain(localPolicyChain);
    endpointRules(localPolicyChain, cat.localEndpoints);
  }

  // Per-endpoint chains.
  for (const ep of cat.allReachableEndpoints) {
    const sep = sepName(ep);
    natChain(sep);
    const c = ctx.large ? '' : `-m comment --comment ${name} `;
    const comment = ctx.large ? undefined : name;
    natRule(
      sep,
      T ? `${c}-s ${ep.ip} -j ${kubeMarkMasq}` : undefined,
      R ? { comment, src: ep.ip, target: jumpMasq } : undefined,
    );
    const recent = info.sessionAffinityClientIP ? `-m recent --name ${sep} --set ` : '';
    natRule(
      sep,
      T ? `${c}${recent}${proto} -j DNAT --to-destination ${ep.endpoint}` : undefined,
      R
        ? {
            comment,
            protocol,
            target: info.sessionAffinityClientIP
              ? { kind: 'dnat', ip: ep.ip, port: ep.port, recentSet: sep }
              : { kind: 'dnat', ip: ep.ip, port: ep.port },
          }
        : undefined,
    );
  }
  const lines = (xs: string[]): string => {
    if (xs.length === 0) return '';
    xs.push('');
    return xs.join('\n');
  };
  return {
    info,
    endpoints,
    ctx,
    chains: f.chains,
    filterRules: f.filterCount,
    natRules: f.natCount,
    natChains: f.chains.length,
    text: T
      ? {
          filterText: lines(f.filterRules),
          natChainsText: lines(f.natChains),
          natTopText: lines(f.natTop),
          natChainText: lines(f.natChain),
          natRulesText: lines(f.natRules),
        }
      : undefined,
    rules: R ? { filter: f.filter, nat: f.nat } : undefined,
  };
}

function textOf(fr: PortFragment): TextPart {
  fr.text ??= renderPort(fr.info, fr.endpoints, {
    ...fr.ctx,
    wantText: true,
    wantRules: false,
  }).text;
  if (fr.text === undefined) throw new Error('renderPort produced no text');
  return fr.text;
}

function rulesOf(fr: PortFragment): RulesPart {
  fr.rules ??= renderPort(fr.info, fr.endpoints, {
    ...fr.ctx,
    wantText: false,
    wantRules: true,
  }).rules;
  if (fr.rules === undefined) throw new Error('renderPort produced no rules');
  return fr.rules;
}

const jumpMasq: Rule['target'] = { kind: 'jump', chain: kubeMarkMasq };

function fingerprintOf(node: ProxyNode, opts: IptablesOptions): string {
  return JSON.stringify([node, { ...opts, cache: undefined }]);
}

/**
 * Renders the filter and nat tables for `node` as kube-proxy's iptables proxier would on a sync.
 * Services are walked in input order (upstream: Go map order; compare with sortIptablesRules).
 * With `opts.cache`, unchanged Services reuse their rendered lines and chains that disappeared
 * since the previous render are flushed and deleted (`:CHAIN - [0:0]` + `-X CHAIN`), as upstream.
 */
export function renderIptables(
  state: ProxyState,
  node: ProxyNode,
  opts: IptablesOptions = {},
): IptablesResult {
  const cache = opts.cache ?? new IptablesCache();
  const fp = fingerprintOf(node, opts);
  if (cache.fingerprint !== fp) {
    cache.reset();
    cache.fingerprint = fp;
  }
  const localDetector: LocalDetector | undefined =
    opts.localDetector ??
    (opts.clusterCIDR !== undefined ? { mode: 'ClusterCIDR', cidr: opts.clusterCIDR } : undefined);
  const npCidrs = (opts.nodePortAddresses ?? [])
    .map((c) => parseCIDR(c))
    .filter((c) => c !== undefined);
  const matchAll = npCidrs.length === 0;
  const localhostNodePorts =
    (opts.localhostNodePorts ?? true) &&
    (matchAll || npCidrs.some((c) => addressMatches(c.text, '127.0.0.1')));
  const nfacct = opts.nfacct ?? true;
  const mark = `0x${(1 << (opts.masqueradeBit ?? 14)).toString(16)}`;
  const ctx: RenderCtx = {
    node,
    detector: localDetectorArgs(localDetector),
    masqueradeAll: opts.masqueradeAll ?? false,
    localhostNodePorts,
    nfacct,
    names: cache.names,
    large: false,
    wantText: false,
    wantRules: false,
  };

  const input = { ...state, nodeName: node.name };
  const projection = cache.project(input);
  const { ports, totalEndpoints } = projection;
  ctx.large = totalEndpoints > (opts.largeClusterThreshold ?? 1000);

  const rendered = renderFragments(projection, ctx);
  const frs = rendered.fragments;
  cache.remember(input, { projection, fragments: frs, large: ctx.large });
  const head = {
    filterChains: [
      kubeServices,
      kubeExternalServices,
      kubeForward,
      kubeNodePorts,
      kubeProxyFirewall,
    ].map(chainLine),
    filterRules: [] as string[],
    natChains: [kubeServices, kubeNodePorts, kubePostrouting, kubeMarkMasq].map(chainLine),
    natRules: [
      `-A ${kubePostrouting} -m mark ! --mark ${mark}/${mark} -j RETURN`,
      `-A ${kubePostrouting} -j MARK --xor-mark ${mark}`,
      `-A ${kubePostrouting} -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${opts.randomFully === true ? ' --random-fully' : ''}`,
      `-A ${kubeMarkMasq} -j MARK --or-mark ${mark}`,
    ],
  };
  if (localhostNodePorts) {
    head.filterChains.push(chainLine(kubeletFirewall));
    head.filterRules.push(
      `-A ${kubeletFirewall} -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    );
  }

  // Tail-call to the nodeports chain.
  const lastComment =
    'kubernetes service nodeports; NOTE: this must be the last rule in this chain';
  const tailRules: string[] = [];
  const tail: Rule[] = [];
  if (matchAll) {
    tailRules.push(
      `-A ${kubeServices} -m comment --comment "${lastComment}" -m addrtype --dst-type LOCAL${localhostNodePorts ? '' : ' ! -d 127.0.0.0/8'} -j ${kubeNodePorts}`,
    );
    tail.push({
      comment: lastComment,
      dstLocal: true,
      notDst: localhostNodePorts ? undefined : '127.0.0.0/8',
      target: { kind: 'jump', chain: kubeNodePorts },
    });
  } else {
    for (const ip of [node.ip]) {
      if (!npCidrs.some((c) => addressMatches(c.text, ip))) continue;
      if (ip.startsWith('127.') && !localhostNodePorts) continue;
      tailRules.push(
        `-A ${kubeServices} -m comment --comment "${lastComment}" -d ${ip} -j ${kubeNodePorts}`,
      );
      tail.push({ comment: lastComment, dst: ip, target: { kind: 'jump', chain: kubeNodePorts } });
    }
  }
  const forward: string[] = [];
  if (opts.conntrackTCPLiberal !== true) {
    forward.push(
      `-A ${kubeForward} -m conntrack --ctstate INVALID${nfacct ? ` -m nfacct --nfacct-name ${ctInvalidCounter}` : ''} -j DROP`,
    );
  }
  forward.push(
    `-A ${kubeForward} -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
    `-A ${kubeForward} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );

  let filterRuleCount = head.filterRules.length + forward.length;
  let natRuleCount = head.natRules.length + tailRules.length;
  let natChainCount = head.natChains.length + rendered.stale.length;
  for (const fr of frs) {
    filterRuleCount += fr.filterRules;
    natRuleCount += fr.natRules;
    natChainCount += fr.natChains;
  }
  const fullSync = cache.needFullSync;
  cache.needFullSync = false;
  const changed = rendered.changed;
  // Changed ports in output order (the incremental path lists them by Service key).
  const changedIndexes = rendered.changedIndexes.slice().sort((a, b) => a - b);
  const build = (partial: boolean): string => {
    const parts: string[] = [
      '*filter\n',
      ...head.filterChains.map((l) => `${l}\n`),
      ...head.filterRules.map((l) => `${l}\n`),
    ];
    cache.pushTexts(parts, frs, { kind: 'filter', textOf });
    parts.push(
      ...forward.map((l) => `${l}\n`),
      'COMMIT\n*nat\n',
      ...head.natChains.map((l) => `${l}\n`),
    );
    if (!partial) for (const fr of frs) parts.push(textOf(fr).natChainsText);
    else for (const i of changedIndexes) parts.push(textOf(frs[i] as PortFragment).natChainsText);
    for (const c of rendered.stale) parts.push(`${chainLine(c)}\n`);
    parts.push(...head.natRules.map((l) => `${l}\n`));
    if (!partial) for (const fr of frs) parts.push(textOf(fr).natRulesText);
    else {
      const changedPorts = { set: changed, indexes: changedIndexes };
      cache.pushTexts(parts, frs, { kind: 'natTop', textOf, changed: changedPorts });
    }
    for (const c of rendered.stale) parts.push(`-X ${c}\n`);
    parts.push(...tailRules.map((l) => `${l}\n`), 'COMMIT\n');
    return parts.join('');
  };
  let text: string | undefined;
  let restoreText: string | undefined;

  const localAddresses = [node.ip];
  if (localhostNodePorts && !node.ip.startsWith('127.')) localAddresses.push('127.0.0.0/8');
  let ruleSet: RuleSet | undefined;
  const buildRuleSet = (): RuleSet => {
    ruleSet ??= assembleRuleSet(cache.records, frs, {
      tail,
      node,
      localAddresses,
      detector: detectorSpec(localDetector),
    });
    return ruleSet;
  };
  return {
    get text(): string {
      text ??= build(false);
      return text;
    },
    get restoreText(): string {
      if (fullSync) return this.text;
      restoreText ??= build(true);
      return restoreText;
    },
    fullSync,
    get ruleSet(): RuleSet {
      return buildRuleSet();
    },
    stats: {
      servicePorts: ports.length,
      endpoints: totalEndpoints,
      largeClusterMode: ctx.large,
      renderedServicePorts: rendered.count,
      filterRules: filterRuleCount,
      natRules: natRuleCount,
      natChains: natChainCount,
      deletedChains: rendered.stale.length,
    },
  };
}

/**
 * Renders (or reuses) every port's fragment; finds chains of replaced ports that are gone. On the
 * incremental path only the ports at `changedIndexes` are looked at.
 */
function renderFragments(
  projection: Projection,
  ctx: RenderCtx,
): {
  fragments: PortFragment[];
  count: number;
  stale: string[];
  changed: Set<PortFragment>;
  changedIndexes: number[];
} {
  const { ports, replaced } = projection;
  const changed = new Set<PortFragment>();
  const changedIndexes: number[] = [];
  const render = (p: PortEntry, i: number): PortFragment => {
    const fr = renderPort(p.info, p.endpoints, ctx);
    p.fragment = fr;
    p.fragmentLarge = ctx.large;
    changed.add(fr);
    changedIndexes.push(i);
    return fr;
  };
  let fragments: PortFragment[];
  if (
    projection.changedIndexes !== undefined &&
    projection.previous !== undefined &&
    projection.previousLarge === ctx.large
  ) {
    fragments = projection.previous.slice();
    for (const i of projection.changedIndexes) {
      const p = ports[i];
      if (p !== undefined) fragments[i] = p.fragment ?? render(p, i);
    }
  } else {
    fragments = ports.map((p, i) =>
      p.fragment === undefined || p.fragmentLarge !== ctx.large ? render(p, i) : p.fragment,
    );
  }
  const stale: string[] = [];
  if (replaced.length > 0) {
    const keep = new Set<string>();
    for (const fr of changed) for (const c of fr.chains) keep.add(c);
    for (const p of replaced)
      for (const c of p.fragment?.chains ?? []) if (!keep.has(c)) stale.push(c);
  }
  return { fragments, count: changed.size, stale, changed, changedIndexes };
}

/** Builds the RuleSet from the fragments (on first access of IptablesResult.ruleSet). */
function assembleRuleSet(
  records: RuleSetRecords,
  frs: readonly PortFragment[],
  at: { node: ProxyNode; localAddresses: string[]; detector: DetectorSpec; tail: readonly Rule[] },
): RuleSet {
  const { filter, nat } = records.build(frs, (fr) => rulesOf(fr as PortFragment), at.tail);
  return {
    nodeName: at.node.name,
    nodeIP: at.node.ip,
    localAddresses: at.localAddresses,
    detector: at.detector,
    filter,
    nat,
  };
}
