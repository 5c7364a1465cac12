// The supervisor's plan: which processes to run, how, and how to tell that each is ready.

export interface ComponentSpec {
  /** Unique: `nats`, `redis`, `apiserver`, `kube-proxy-node-1`, … */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** HTTP URL answering 200 when ready, or `tcp://host:port` for plain listeners. */
  readonly ready: string;
  /** CA file an https `ready` URL must verify against. */
  readonly readyCA?: string;
}

export interface Plan {
  readonly components: readonly ComponentSpec[];
}
