// The xt_recent lists behind ClientIP session affinity: `--set` records a client per KUBE-SEP
// chain, `--rcheck --seconds T --reap` matches clients seen within T seconds and drops stale ones.

/**
 * Recent-lists keyed by list name (the KUBE-SEP chain) then source IP → last-seen time (ms).
 * The clock is injected. Owned by one data plane; not shared between nodes.
 */
export class AffinityTable {
  private readonly lists = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `--rcheck --seconds T --reap`: true when `src` was set within `seconds`; stale entries are removed. */
  check(name: string, src: string, seconds: number): boolean {
    const list = this.lists.get(name);
    if (list === undefined) return false;
    const cutoff = this.now() - seconds * 1000;
    const seen = list.get(src);
    // --reap: drop the checked entry and the least recently set one when older than the window.
    const oldest = list.keys().next();
    if (oldest.done !== true && (list.get(oldest.value) ?? 0) < cutoff) list.delete(oldest.value);
    if (seen === undefined) return false;
    if (seen < cutoff) {
      list.delete(src);
      return false;
    }
    return true;
  }

  /** `--set`: records `src` as seen now (moves it to the most recent end). */
  set(name: string, src: string): void {
    let list = this.lists.get(name);
    if (list === undefined) {
      list = new Map();
      this.lists.set(name, list);
    }
    list.delete(src);
    list.set(src, this.now());
  }

  /** Number of remembered (list, client) pairs. */
  get size(): number {
    let n = 0;
    for (const l of this.lists.values()) n += l.size;
    return n;
  }

  clear(): void {
    this.lists.clear();
  }
}
