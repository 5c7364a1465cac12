// IPC between the primary and its workers (`--workers N`): what each side may send.

export const WorkerMessage = {
  /** worker → primary: the DNS sockets are bound (UDP and TCP share `port`). */
  Listening: 'svclab-dns:listening',
  /** worker → primary: the object source has synced (ready). */
  Synced: 'svclab-dns:synced',
  /** primary → worker: stop serving and exit 0 (the lameduck period is over). */
  Stop: 'svclab-dns:stop',
} as const;

export type FromWorker =
  | { readonly type: typeof WorkerMessage.Listening; readonly port: number }
  | { readonly type: typeof WorkerMessage.Synced };
