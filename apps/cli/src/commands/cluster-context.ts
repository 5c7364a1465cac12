// What the user commands share: the running cluster found through `.svclab/cluster.json`
// (DESIGN.md "Contracts") and a REST client carrying the cluster's token.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { createClient, type ClientSet } from '@svclab/client';
import type { ClusterInfo, ClusterNodeInfo } from '../cluster/cluster-info.js';
import { stateLayout, type StateLayout } from '../cluster/layout.js';

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}

/** No cluster.json: the cluster was never started (or SVCLAB_HOME points elsewhere). */
export class NoClusterError extends Error {
  override readonly name = 'NoClusterError';
}

export interface ClusterContext {
  readonly info: ClusterInfo;
  readonly layout: StateLayout;
  /** The bearer token from tokens.csv ('' when there is none). */
  readonly token: string;
  client(userAgent: string): ClientSet;
}

export function loadCluster(layout: StateLayout = stateLayout()): ClusterContext {
  if (!existsSync(layout.clusterJson)) {
    throw new NoClusterError(`no cluster found (${layout.clusterJson} is missing); start one with 'svclab up'`);
  }
  const info = JSON.parse(readFileSync(layout.clusterJson, 'utf8')) as ClusterInfo;
  const token = existsSync(layout.tokens) ? (readFileSync(layout.tokens, 'utf8').split(',')[0] ?? '').trim() : '';
  const fetch = trustingFetch(join(layout.dir, 'pki', 'ca.crt'));
  return {
    info,
    layout,
    token,
    client: (userAgent) =>
      createClient({ server: info.apiserver, userAgent, ...(token === '' ? {} : { token }), ...(fetch === undefined ? {} : { fetch }) }),
  };
}

/** `node-2`, `2` or `127.0.1.2` → that node of cluster.json. */
export function findNode(info: ClusterInfo, which: string): ClusterNodeInfo {
  const n = info.nodes.find((x) => x.name === which || x.ip === which || x.name === `node-${which}`);
  if (n === undefined) throw new UsageError(`unknown node "${which}" (nodes: ${info.nodes.map((x) => x.name).join(', ')})`);
  return n;
}

/** A fetch that trusts the cluster's CA (the apiserver serves HTTPS with a certificate it signed). */
function trustingFetch(caFile: string): typeof globalThis.fetch | undefined {
  if (!existsSync(caFile)) return undefined;
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Node's fetch is undici: the same Response class
  return (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => undiciFetch(input, { ...init, dispatcher });
}
