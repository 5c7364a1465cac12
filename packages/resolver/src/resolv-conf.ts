// resolv.conf(5) as glibc reads it, and the file kubelet writes for a ClusterFirst pod.

/** Parsed resolv.conf. Limits and defaults are glibc's (resolv/res_init.c, resolv.h). */
export interface ResolvConf {
  /** `host` or `host:port` ([v6]:port); at most MAXNS (3) are used. */
  readonly nameservers: readonly string[];
  /** Search domains without trailing dots; at most MAXDNSRCH (6). */
  readonly search: readonly string[];
  /** `options ndots:N`, 0..15 (RES_MAXNDOTS), default 1. */
  readonly ndots: number;
  /** `options attempts:N`, 1..5 (RES_MAXRETRY), default 2 (RES_DFLRETRY). */
  readonly attempts: number;
  /** `options timeout:N` in seconds, 1..30 (RES_MAXRETRANS), default 5 (RES_TIMEOUT). */
  readonly timeout: number;
}

export const MAXNS = 3;
export const MAXDNSRCH = 6;
export const RES_MAXNDOTS = 15;
export const RES_MAXRETRY = 5;
export const RES_MAXRETRANS = 30;

export const defaultResolvConf: ResolvConf = {
  nameservers: ['127.0.0.1'],
  search: [],
  ndots: 1,
  attempts: 2,
  timeout: 5,
};

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** Parses resolv.conf text. Unknown lines and options are ignored, as glibc does; `domain` and `search` override each other (last wins). */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  let { ndots, attempts, timeout } = defaultResolvConf;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') continue;
    const [key = '', ...args] = line.split(/\s+/);
    switch (key) {
      case 'nameserver':
        if (args[0] !== undefined && nameservers.length < MAXNS) nameservers.push(args[0]);
        break;
      case 'domain':
        search = args[0] === undefined ? [] : [args[0].replace(/\.$/, '')];
        break;
      case 'search':
        search = args.map((s) => s.replace(/\.$/, '')).slice(0, MAXDNSRCH);
        break;
      case 'options':
        for (const opt of args) {
          const [k, v] = opt.split(':');
          const n = Number(v);
          if (v === undefined || !Number.isFinite(n)) continue;
          if (k === 'ndots') ndots = clamp(Math.trunc(n), 0, RES_MAXNDOTS);
          else if (k === 'attempts') attempts = clamp(Math.trunc(n), 1, RES_MAXRETRY);
          else if (k === 'timeout') timeout = clamp(Math.trunc(n), 1, RES_MAXRETRANS);
        }
        break;
      default:
    }
  }
  return {
    nameservers: nameservers.length > 0 ? nameservers : defaultResolvConf.nameservers,
    search,
    ndots,
    attempts,
    timeout,
  };
}

export interface PodDNSConfig {
  /** Cluster domain, default cluster.local. */
  readonly zone?: string;
  /** The cluster DNS address (kubelet --cluster-dns), `host` or `host:port`. */
  readonly nameserver: string;
  /** Default 5, as kubelet writes. */
  readonly ndots?: number;
}

/** The resolv.conf kubelet gives a `dnsPolicy: ClusterFirst` pod in `namespace`. */
export function podResolvConf(namespace: string, cfg: PodDNSConfig): ResolvConf {
  const zone = (cfg.zone ?? 'cluster.local').replace(/\.$/, '');
  return {
    nameservers: [cfg.nameserver],
    search: [`${namespace}.svc.${zone}`, `svc.${zone}`, zone],
    ndots: cfg.ndots ?? 5,
    attempts: defaultResolvConf.attempts,
    timeout: defaultResolvConf.timeout,
  };
}

/** resolv.conf text for `conf`. */
export function formatResolvConf(conf: ResolvConf): string {
  const lines = [...conf.nameservers.map((n) => `nameserver ${n}`)];
  if (conf.search.length > 0) lines.push(`search ${conf.search.join(' ')}`);
  const opts = [`ndots:${conf.ndots}`];
  if (conf.attempts !== defaultResolvConf.attempts) opts.push(`attempts:${conf.attempts}`);
  if (conf.timeout !== defaultResolvConf.timeout) opts.push(`timeout:${conf.timeout}`);
  lines.push(`options ${opts.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The names glibc res_nsearch tries, in order. A trailing dot: only the name. At least `ndots` dots:
 * the name as is first, then each search domain. Fewer dots: each search domain, then the name as is.
 */
export function searchCandidates(
  name: string,
  conf: Pick<ResolvConf, 'search' | 'ndots'>,
): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = conf.search.map((s) => (s === '' ? name : `${name}.${s}`));
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}
