// Periodic HTTP checks of kube-proxy's health-check node ports (`http://<nodeIP>:<healthCheckNodePort>/`),
// like a cloud LB's health probe: 200 means the node has a local ready endpoint for the Service.
import { request } from 'node:http';

export interface HealthCheckTarget {
  readonly ip: string;
  readonly port: number;
}

/** One GET; resolves true for a 200 answer within `timeoutMs`. Never rejects. */
export type HealthProbe = (target: HealthCheckTarget, timeoutMs: number) => Promise<boolean>;

export const httpHealthProbe: HealthProbe = (target, timeoutMs) =>
  new Promise((resolve) => {
    const req = request({ host: target.ip, port: target.port, path: '/', method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => {
      req.destroy();
    });
    req.on('error', () => {
      resolve(false);
    });
    req.end();
  });

export interface NodeHealthCheckerOptions {
  /** Between two rounds, ms. */
  readonly periodMs: number;
  /** Per probe, ms. */
  readonly timeoutMs?: number;
  readonly probe?: HealthProbe;
}

function targetKey(t: HealthCheckTarget): string {
  return `${t.ip}:${t.port}`;
}

/**
 * Keeps the last result per target. A target is unhealthy until a probe answered 200 (no traffic
 * to a node before it is known to have a local endpoint). New targets are probed at once.
 */
export class NodeHealthChecker {
  private readonly targets = new Map<string, HealthCheckTarget>();
  private readonly results = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private readonly probe: HealthProbe;

  constructor(private readonly opts: NodeHealthCheckerOptions) {
    this.probe = opts.probe ?? httpHealthProbe;
  }

  /** Replaces the set of targets; results of removed targets are dropped. */
  setTargets(targets: readonly HealthCheckTarget[]): void {
    const next = new Map(targets.map((t) => [targetKey(t), t]));
    for (const k of this.targets.keys()) {
      if (!next.has(k)) {
        this.targets.delete(k);
        this.results.delete(k);
      }
    }
    for (const [k, t] of next) {
      if (this.targets.has(k)) continue;
      this.targets.set(k, t);
      void this.check(k, t);
    }
  }

  healthy(target: HealthCheckTarget): boolean {
    return this.results.get(targetKey(target)) === true;
  }

  /** Probes every target once now; resolves when all answered. */
  async checkAll(): Promise<void> {
    await Promise.all([...this.targets].map(([k, t]) => this.check(k, t)));
  }

  start(signal: AbortSignal): void {
    const tick = (): void => {
      void this.checkAll().finally(() => {
        if (!signal.aborted) this.timer = setTimeout(tick, this.opts.periodMs);
      });
    };
    this.timer = setTimeout(tick, this.opts.periodMs);
    signal.addEventListener('abort', () => {
      clearTimeout(this.timer);
    }, { once: true });
  }

  private async check(k: string, t: HealthCheckTarget): Promise<void> {
    const ok = await this.probe(t, this.opts.timeoutMs ?? 1000);
    if (this.targets.has(k)) this.results.set(k, ok);
  }
}
