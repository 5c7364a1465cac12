// IPVS schedulers as pure pickers (net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sed,nq,sh,dh}.c), so the
// userspace data plane chooses real servers the way the kernel would.
import type { IpvsScheduler } from './ipvs-render.js';
import { parseIPv4 } from './ip.js';

/** What a picker needs to know about a real server. */
export interface SchedulerServer {
  readonly weight: number;
  readonly activeConns: number;
  readonly inactConns: number;
}

/**
 * Per-virtual-server scheduler state (rr's cursor, wrr's current weight). The data plane keeps one
 * per virtual server and passes it to every pick; start with `newSchedulerState()`.
 */
export interface SchedulerState {
  index: number;
  currentWeight: number;
}

export function newSchedulerState(): SchedulerState {
  return { index: -1, currentWeight: 0 };
}

export interface PickContext {
  readonly srcIP: string;
  readonly dstIP: string;
  readonly state: SchedulerState;
}

/** GOLDEN_RATIO_32 of include/linux/hash.h. */
const goldenRatio32 = 0x61c88647;
const tabBits = 8;
const tabSize = 1 << tabBits;

function hash32(v: number): number {
  return Math.imul(v >>> 0, goldenRatio32) >>> (32 - tabBits);
}

function available(s: SchedulerServer | undefined): s is SchedulerServer {
  return s !== undefined && s.weight > 0;
}

function rr(servers: readonly SchedulerServer[], st: SchedulerState): number {
  const n = servers.length;
  for (let k = 1; k <= n; k++) {
    const i = (((st.index + k) % n) + n) % n;
    if (available(servers[i])) {
      st.index = i;
      return i;
    }
  }
  return -1;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function wrr(servers: readonly SchedulerServer[], st: SchedulerState): number {
  const weights = servers.map((s) => Math.max(0, s.weight));
  const mw = Math.max(0, ...weights);
  if (mw === 0) return -1;
  const di = weights.filter((w) => w > 0).reduce(gcd);
  const n = servers.length;
  for (let tries = 0; tries <= n * (mw / di + 1); tries++) {
    st.index = (st.index + 1) % n;
    if (st.index === 0) {
      st.currentWeight -= di;
      if (st.currentWeight <= 0) st.currentWeight = mw;
    }
    if ((weights[st.index] ?? 0) >= st.currentWeight) return st.index;
  }
  return -1;
}

/** Least of `overhead(s) / weight`, compared by cross-multiplying as the kernel does; first wins ties. */
function leastBy(
  servers: readonly SchedulerServer[],
  overhead: (s: SchedulerServer) => number,
): number {
  let best = -1;
  let bestOh = 0;
  servers.forEach((s, i) => {
    if (!available(s)) return;
    const oh = overhead(s);
    const least = servers[best];
    if (best < 0 || least === undefined || bestOh * s.weight > oh * least.weight) {
      best = i;
      bestOh = oh;
    }
  });
  return best;
}

/** ip_vs_dest_conn_overhead: active connections weigh 256 times inactive ones. */
const connOverhead = (s: SchedulerServer): number => s.activeConns * 256 + s.inactConns;

function lc(servers: readonly SchedulerServer[]): number {
  let best = -1;
  let bestOh = Infinity;
  servers.forEach((s, i) => {
    if (!available(s)) return;
    const oh = connOverhead(s);
    if (oh < bestOh) {
      best = i;
      bestOh = oh;
    }
  });
  return best;
}

function nq(servers: readonly SchedulerServer[]): number {
  const idle = servers.findIndex((s) => available(s) && s.activeConns === 0);
  return idle >= 0 ? idle : leastBy(servers, (s) => s.activeConns + 1);
}

/** The 256-bucket table of sh (each server fills `weight` buckets) or dh (one bucket each). */
function hashTable(servers: readonly SchedulerServer[], weighted: boolean): number[] {
  const table: number[] = [];
  if (servers.length === 0) return table;
  let d = 0;
  let count = 0;
  for (let i = 0; i < tabSize; i++) {
    table.push(d);
    count++;
    if (!weighted || count >= (servers[d]?.weight ?? 0)) {
      d = (d + 1) % servers.length;
      count = 0;
    }
  }
  return table;
}

function byHash(
  servers: readonly SchedulerServer[],
  at: { ip: string; weighted: boolean },
): number {
  const addr = parseIPv4(at.ip);
  if (addr === undefined || servers.length === 0) return -1;
  const i = hashTable(servers, at.weighted)[hash32(addr) & (tabSize - 1)] ?? -1;
  return available(servers[i]) ? i : -1;
}

/**
 * Picks a real server index for a new connection, or -1 when the scheduler finds none (the
 * kernel then drops the packet). Servers with weight 0 (quiescent) are never picked. `lblc`,
 * `lblcr` and `mh` are approximated by `wlc`, `wlc` and `sh`.
 */
export function pickIpvs(
  scheduler: IpvsScheduler,
  servers: readonly SchedulerServer[],
  ctx: PickContext,
): number {
  switch (scheduler) {
    case 'rr':
      return rr(servers, ctx.state);
    case 'wrr':
      return wrr(servers, ctx.state);
    case 'lc':
      return lc(servers);
    case 'wlc':
    case 'lblc':
    case 'lblcr':
      return leastBy(servers, connOverhead);
    case 'sed':
      return leastBy(servers, (s) => s.activeConns + 1);
    case 'nq':
      return nq(servers);
    case 'sh':
    case 'mh':
      return byHash(servers, { ip: ctx.srcIP, weighted: true });
    case 'dh':
      return byHash(servers, { ip: ctx.dstIP, weighted: false });
  }
}
