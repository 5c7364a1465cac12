// A container's built-in workload, chosen by image. Workloads really listen on the pod IP.

export interface WorkloadContext {
  readonly pod: string;
  readonly namespace: string;
  readonly node: string;
  readonly podIP: string;
  /** The container's declared ports (containerPort + protocol). */
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly env: Readonly<Record<string, string>>;
  /** The node's network entry (SOCKS5 host:port), for client workloads. */
  readonly nodeEntry?: string;
  /** The container's stdout: one line per call (`kubectl logs`). */
  readonly log?: (line: string) => void;
}

/** A running workload. `stop` closes every listener and resolves when they are closed. */
export interface Workload {
  /** Called when the workload wants its container to be restarted as crashed (exit code). */
  onExit(cb: (exitCode: number, reason: string) => void): void;
  /** Readiness as the workload itself reports it (failure knobs); probes check the sockets. */
  readonly selfReady: () => boolean;
  stop(): Promise<void>;
}

/** Thrown when the image names no built-in workload: the container stays Waiting/ErrImagePull. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
}

export function isImagePullError(err: unknown): err is ImagePullError {
  return err instanceof Error && err.name === 'ImagePullError';
}
